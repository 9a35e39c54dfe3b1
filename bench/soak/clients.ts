/**
 * The soak's TCP clients: each owns a range of holding registers on one unit and loops, one
 * request at a time, writing its own values there (Write Multiple Registers, 0x10) and reading
 * them back (Read Holding Registers, 0x03). Every value written carries the client's tag and a
 * sequence number, so a reply that carries another request's data is caught:
 *
 * - wrong: a reply whose transaction id is not the outstanding one (and not one given up on), a
 *   reply for another unit or function, a write echo with another address or quantity, a read of
 *   the wrong size, or read-back values this client may not see now — another client's tag, or
 *   its own values from a write that a later confirmed write replaced;
 * - exception: an exception reply, by code (the gateway's 0x0A and 0x0B during faults);
 * - timeout: no reply within CLIENT_TIMEOUT_MS; a reply that comes after that is `late`;
 * - reset: a read of all zeros after the unit's device process was restarted since this client's
 *   last confirmed write (the simulated device keeps its registers in memory only); zeros with no
 *   such restart are wrong.
 *
 * After a write that ended in an exception or a timeout the device may or may not hold its values,
 * so both the previous and the attempted values are accepted until a read or a confirmed write
 * settles which. After an exception or a timeout a client pauses RETRY_PAUSE_MS: a client that
 * retried at once would spin on the gateway's immediate 0x0A while a bus is down.
 */
import { connect, type Socket } from 'node:net'

/** Registers each client writes and reads. */
export const QUANTITY = 8
/** A request with no reply this long is a timeout (the gateway's own limits answer within ~5 s). */
export const CLIENT_TIMEOUT_MS = 8000
/** Pause after an exception or a timeout before the next request, as a polling client would. */
export const RETRY_PAUSE_MS = 100

/** What all clients have seen so far. */
export interface SoakCounters {
  sent: number
  replies: number
  ok: number
  /** Exception replies by code, "0x0B": n. */
  exceptions: Record<string, number>
  timeouts: number
  wrong: number
  late: number
  reset: number
  /** Connections the gateway closed. */
  disconnects: number
  /** The first few wrong replies, described. */
  wrongSamples: string[]
}

/** A fresh set of counters. */
export function newCounters(): SoakCounters {
  return { sent: 0, replies: 0, ok: 0, exceptions: {}, timeouts: 0, wrong: 0, late: 0, reset: 0, disconnects: 0, wrongSamples: [] }
}

/** Where a client works and how it learns of device restarts on its bus. */
export interface ClientPlan {
  /** 0-based; its tag in the data is index + 1. */
  index: number
  unit: number
  address: number
  /** How many times the device process serving `unit` has been restarted. */
  restarts(): number
  /** Called on every correct read-back (for per-bus recovery tracking). */
  onOk(): void
}

interface Outstanding {
  tid: number
  kind: 'write' | 'read'
  values: number[]
  timer: NodeJS.Timeout
}

const zeros = new Array<number>(QUANTITY).fill(0)
const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => v === b[i])

/** One looping client. */
export class SoakClient {
  private socket: Socket | undefined
  private tail: Buffer = Buffer.alloc(0)
  private tid = 0
  /** Sequence number of the next values written. */
  private seq = 0
  /** Write new values next, or read back to settle what the device holds. */
  private step: 'write' | 'read' = 'write'
  private outstanding: Outstanding | undefined
  private readonly abandoned = new Set<number>()
  /** Value sets the device may hold for this client now. */
  private candidates: number[][] = [zeros]
  private restartsAtConfirm = 0
  private running = true

  constructor(
    private readonly port: number,
    private readonly plan: ClientPlan,
    private readonly counters: SoakCounters,
  ) {}

  /** Connects and starts looping; reconnects if the gateway closes the connection. */
  start(): void {
    const socket = connect({ host: '127.0.0.1', port: this.port, noDelay: true })
    this.socket = socket
    this.tail = Buffer.alloc(0)
    socket.on('connect', () => this.next())
    socket.on('data', (chunk: Buffer) => this.receive(chunk))
    socket.on('error', () => {})
    socket.on('close', () => {
      if (!this.running) return
      this.counters.disconnects++
      if (this.outstanding) {
        clearTimeout(this.outstanding.timer)
        this.abandoned.add(this.outstanding.tid)
        this.outstanding = undefined
      }
      setTimeout(() => this.running && this.start(), 500)
    })
  }

  /** Stops sending and closes the connection. */
  stop(): void {
    this.running = false
    if (this.outstanding) clearTimeout(this.outstanding.timer)
    this.socket?.destroy()
  }

  private values(seq: number): number[] {
    const tag = this.plan.index + 1
    return Array.from({ length: QUANTITY }, (_, k) => (k === 0 ? (tag << 8) | (seq & 0xff) : (seq * 31 + k * 7 + tag * 1013) & 0xffff))
  }

  /** Writes new values when the last step settled what the device holds, else reads back. */
  private next(): void {
    if (!this.running || !this.socket || this.outstanding) return
    this.tid = (this.tid + 1) & 0xffff
    this.abandoned.delete(this.tid)
    const { unit, address } = this.plan
    let adu: Buffer
    let kind: Outstanding['kind']
    let values: number[] = []
    if (this.step === 'write') {
      kind = 'write'
      values = this.values(this.seq++)
      // tid u16 | 0 u16 | length u16 | unit | 0x10 | address u16 | quantity u16 | byte count | values
      adu = Buffer.alloc(13 + 2 * QUANTITY)
      adu.writeUInt16BE(this.tid, 0)
      adu.writeUInt16BE(7 + 2 * QUANTITY, 4)
      adu[6] = unit
      adu[7] = 0x10
      adu.writeUInt16BE(address, 8)
      adu.writeUInt16BE(QUANTITY, 10)
      adu[12] = 2 * QUANTITY
      values.forEach((v, k) => adu.writeUInt16BE(v, 13 + 2 * k))
    } else {
      kind = 'read'
      // tid u16 | 0 u16 | length 6 u16 | unit | 0x03 | address u16 | quantity u16
      adu = Buffer.alloc(12)
      adu.writeUInt16BE(this.tid, 0)
      adu.writeUInt16BE(6, 4)
      adu[6] = unit
      adu[7] = 0x03
      adu.writeUInt16BE(address, 8)
      adu.writeUInt16BE(QUANTITY, 10)
    }
    const tid = this.tid
    const timer = setTimeout(() => {
      this.counters.timeouts++
      this.abandoned.add(tid)
      this.settle(kind === 'write' ? 'write-failed' : 'read-failed', values, RETRY_PAUSE_MS)
    }, CLIENT_TIMEOUT_MS)
    this.outstanding = { tid, kind, values, timer }
    this.counters.sent++
    this.socket.write(adu)
  }

  private receive(chunk: Buffer): void {
    let buf = this.tail.length ? Buffer.concat([this.tail, chunk]) : chunk
    while (buf.length >= 6) {
      const total = 6 + buf.readUInt16BE(4)
      if (buf.length < total) break
      this.reply(buf.subarray(0, total))
      buf = buf.subarray(total)
    }
    this.tail = Buffer.from(buf)
  }

  private wrong(why: string): void {
    this.counters.wrong++
    if (this.counters.wrongSamples.length < 5) this.counters.wrongSamples.push(`client ${this.plan.index + 1} (unit ${this.plan.unit}): ${why}`)
  }

  private reply(adu: Buffer): void {
    this.counters.replies++
    const tid = adu.readUInt16BE(0)
    const o = this.outstanding
    if (!o || o.tid !== tid) {
      if (this.abandoned.delete(tid)) this.counters.late++
      else this.wrong(`transaction id ${tid} matches no outstanding request: ${adu.toString('hex')}`)
      return
    }
    clearTimeout(o.timer)
    const fc = o.kind === 'write' ? 0x10 : 0x03
    if (adu.length < 9 || adu[6] !== this.plan.unit) {
      this.wrong(`reply for unit ${adu[6]}: ${adu.toString('hex')}`)
      return this.settle(o.kind === 'write' ? 'write-failed' : 'read-failed', o.values)
    }
    if (adu[7] === (fc | 0x80)) {
      const code = `0x${adu[8].toString(16).padStart(2, '0').toUpperCase()}`
      this.counters.exceptions[code] = (this.counters.exceptions[code] ?? 0) + 1
      return this.settle(o.kind === 'write' ? 'write-failed' : 'read-failed', o.values, RETRY_PAUSE_MS)
    }
    if (adu[7] !== fc) {
      this.wrong(`function 0x${adu[7].toString(16)} answered 0x${fc.toString(16)}: ${adu.toString('hex')}`)
      return this.settle(o.kind === 'write' ? 'write-failed' : 'read-failed', o.values)
    }
    if (o.kind === 'write') {
      if (adu.length !== 12 || adu.readUInt16BE(8) !== this.plan.address || adu.readUInt16BE(10) !== QUANTITY) {
        this.wrong(`write echo ${adu.toString('hex')}`)
        return this.settle('write-failed', o.values)
      }
      this.counters.ok++
      return this.settle('written', o.values)
    }
    if (adu.length !== 9 + 2 * QUANTITY || adu[8] !== 2 * QUANTITY) {
      this.wrong(`read of ${adu.length} bytes: ${adu.toString('hex')}`)
      return this.settle('read-failed', [])
    }
    const got = Array.from({ length: QUANTITY }, (_, k) => adu.readUInt16BE(9 + 2 * k))
    if (this.candidates.some((c) => same(c, got))) {
      this.counters.ok++
      this.plan.onOk()
      return this.settle('read', got)
    }
    if (same(got, zeros) && this.plan.restarts() > this.restartsAtConfirm) {
      this.counters.reset++
      this.plan.onOk()
      return this.settle('read', got)
    }
    const tag = got[0] >> 8
    this.wrong(tag !== this.plan.index + 1 ? `read back client ${tag}'s data: ${adu.toString('hex')}` : `read back values it may not hold now: ${adu.toString('hex')}`)
    // Counted once: what was read is taken as the device's state from here on.
    this.settle('read', got)
  }

  /**
   * Updates what the device may hold and picks the next step: a read after every write (confirmed
   * or not), a write after a read that settled the state; a failed read is tried again.
   */
  private settle(how: 'written' | 'write-failed' | 'read' | 'read-failed', values: number[], pauseMs = 0): void {
    this.outstanding = undefined
    if (how === 'written' || how === 'read') {
      this.candidates = [values]
      this.restartsAtConfirm = this.plan.restarts()
    } else if (how === 'write-failed') {
      this.candidates = [...this.candidates, values]
    }
    this.step = how === 'read' ? 'write' : 'read'
    if (!this.running) return
    if (pauseMs > 0) setTimeout(() => this.next(), pauseMs)
    else setImmediate(() => this.next())
  }
}
