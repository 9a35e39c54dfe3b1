/**
 * The server benchmark's load generator, run in a process of its own for the whole run:
 *
 *   node --import tsx bench/server/load.ts      commands on stdin, reports on stdout (messages.ts)
 *
 * Raw sockets and nothing else. `verify` checks a server (one request, then 8 pipelined ones,
 * every reply byte-exact, matched by transaction id); `run` loads it with one cell — N
 * connections, each keeping K requests in flight — for a warm-up and then a measured window.
 *
 * Every request slot of a connection owns one 12-byte request, built once and given a new
 * transaction id each time it is sent again; a slot is reused only after its reply came back, so
 * the buffer a write may still hold is never touched early. Replies are matched by transaction id
 * (jsmodbus answers pipelined requests in reverse order) and compared with the expected bytes.
 * Three kinds of bad reply are told apart: an exception reply (counted by its code — a gateway's
 * 0x0A or 0x0B is an answer, not a success), a wrong reply (its transaction id matches no
 * outstanding request, or its bytes are not the expected ones), and a socket fault. A slot
 * answered by an exception or by wrong bytes is freed and sent again; only correct replies count
 * as requests and have their latency recorded.
 * Latencies come from performance.now() (libuv's hrtime as a double: no BigInt per reply), one
 * reading per incoming chunk, into one preallocated array. The server's CPU time is read from
 * /proc at both ends of the window, and so is a relay's (a proxy between the generator and the
 * server), with its child processes when it forks one per connection (socat's `fork`).
 */
import { connect, type Socket } from 'node:net'
import { performance } from 'node:perf_hooks'
import type { CellReport, LoadCommand, LoadReport, RunCommand, VerifyReport } from './messages.ts'
import { cpuTicks, machineBusyTicks, treeCpuTicks } from './proc-stat.ts'
import { RESPONSE_LENGTH, expectedResponse, request, type Cell } from './workload.ts'

const LATENCY_CAPACITY = 1 << 22
/** An MBAP exception reply: header 7 + fc | 0x80 + exception code. */
const EXCEPTION_LENGTH = 9
const TIMEOUT_MS = 3000
/** The expected reply; bytes 2.. (after the transaction id) are the same for every request. */
const EXPECTED = expectedResponse(0)

/** State shared by every connection of the running cell. */
const run = {
  sending: false,
  recording: false,
  /** Replies inside the window; the first LATENCY_CAPACITY latencies are kept, in µs. */
  count: 0,
  latencies: new Float32Array(LATENCY_CAPACITY),
  errors: 0,
  firstError: undefined as string | undefined,
  /** Exception replies by exception code, and wrong replies; both also count in `errors`. */
  exceptions: {} as Record<string, number>,
  wrong: 0,
}

function fault(message: string): void {
  run.errors++
  run.firstError ??= message
}

function wrongReply(message: string): void {
  run.wrong++
  fault(message)
}

function exceptionReply(code: number, message: string): void {
  const key = `0x${code.toString(16).padStart(2, '0').toUpperCase()}`
  run.exceptions[key] = (run.exceptions[key] ?? 0) + 1
  fault(message)
}

/** One connection keeping `inFlight` requests outstanding while `run.sending`. */
class Connection {
  outstanding = 0
  /** Set before the generator closes the socket itself, so that close is not a fault. */
  private closing = false
  private readonly slots: Buffer[] = []
  private readonly tids: Int32Array
  private readonly sentAt: Float64Array
  /** Transaction ids cycle through a multiple of inFlight, so `tid % inFlight` is the slot. */
  private readonly cycle: number
  private tail: Buffer | null = null

  constructor(
    readonly socket: Socket,
    private readonly inFlight: number,
  ) {
    for (let s = 0; s < inFlight; s++) this.slots.push(request(0))
    this.tids = new Int32Array(inFlight).fill(-1)
    this.sentAt = new Float64Array(inFlight)
    this.cycle = inFlight * Math.floor(0x10000 / inFlight)
    socket.on('data', (chunk: Buffer) => this.receive(chunk))
    socket.on('error', (err) => fault(`socket: ${err.message}`))
    socket.on('close', () => this.closing || fault('the server closed a connection'))
  }

  /** Closes the socket; resolves once it is closed. */
  close(): Promise<void> {
    this.closing = true
    return new Promise((resolve) => {
      if (this.socket.closed) return resolve()
      this.socket.once('close', () => resolve())
      this.socket.destroy()
    })
  }

  start(): void {
    const now = performance.now()
    this.socket.cork()
    for (let s = 0; s < this.inFlight; s++) this.send(s, now)
    this.socket.uncork()
  }

  private send(s: number, now: number): void {
    const previous = this.tids[s]
    const tid = previous < 0 ? s : (previous + this.inFlight) % this.cycle
    const req = this.slots[s]
    req[0] = tid >>> 8
    req[1] = tid & 0xff
    this.tids[s] = tid
    this.sentAt[s] = now
    this.outstanding++
    this.socket.write(req)
  }

  private receive(chunk: Buffer): void {
    let buf = chunk
    if (this.tail) {
      buf = Buffer.concat([this.tail, chunk])
      this.tail = null
    }
    const now = performance.now()
    const end = buf.length
    let off = 0
    this.socket.cork()
    while (end - off >= 6) {
      const total = 6 + ((buf[off + 4] << 8) | buf[off + 5])
      if (end - off < total) break
      const tid = (buf[off] << 8) | buf[off + 1]
      const s = tid % this.inFlight
      if (this.tids[s] !== tid || this.sentAt[s] < 0) {
        wrongReply(`a reply with transaction id ${tid} matches no outstanding request`)
      } else {
        if (total === EXCEPTION_LENGTH && (buf[off + 7] & 0x80) !== 0) {
          exceptionReply(buf[off + 8], `exception reply ${buf.toString('hex', off, off + total)}`)
        } else if (total !== RESPONSE_LENGTH || buf.compare(EXPECTED, 2, RESPONSE_LENGTH, off + 2, off + total) !== 0) {
          wrongReply(`unexpected reply ${buf.toString('hex', off, off + total)}`)
        } else if (run.recording) {
          if (run.count < LATENCY_CAPACITY) run.latencies[run.count] = (now - this.sentAt[s]) * 1000
          run.count++
        }
        this.sentAt[s] = -1
        this.outstanding--
        if (run.sending) this.send(s, now)
      }
      off += total
    }
    if (off < end) this.tail = Buffer.from(buf.subarray(off))
    this.socket.uncork()
  }
}

const sleep = (seconds: number) => new Promise<void>((resolve) => setTimeout(resolve, seconds * 1000))

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, noDelay: true })
    socket.once('connect', () => {
      socket.off('error', reject)
      resolve(socket)
    })
    socket.once('error', reject)
  })
}

/** Sends `tids` in one write and collects as many complete MBAP frames, in arrival order. */
function exchange(socket: Socket, tids: number[]): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    let pending = Buffer.alloc(0)
    const frames: Buffer[] = []
    const timer = setTimeout(() => done(new Error(`${frames.length} of ${tids.length} replies within ${TIMEOUT_MS} ms`)), TIMEOUT_MS)
    const onData = (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk])
      while (pending.length >= 6 && pending.length >= 6 + pending.readUInt16BE(4)) {
        const total = 6 + pending.readUInt16BE(4)
        frames.push(pending.subarray(0, total))
        pending = pending.subarray(total)
      }
      if (frames.length >= tids.length) done()
    }
    const onClose = () => done(new Error('the server closed the connection'))
    const done = (err?: Error) => {
      clearTimeout(timer)
      socket.off('data', onData)
      socket.off('close', onClose)
      if (err) reject(err)
      else resolve(frames)
    }
    socket.on('data', onData)
    socket.on('close', onClose)
    socket.write(Buffer.concat(tids.map(request)))
  })
}

async function verify(port: number): Promise<VerifyReport> {
  const socket = await open(port)
  try {
    const [single] = await exchange(socket, [0x1234])
    if (!single.equals(expectedResponse(0x1234))) {
      return { type: 'verify', ok: false, error: `got ${single.toString('hex')}, expected ${expectedResponse(0x1234).toString('hex')}` }
    }
    const tids = Array.from({ length: 8 }, (_, i) => 0x0100 + i)
    const replies = await exchange(socket, tids)
    const order = replies.map((r) => r.readUInt16BE(0))
    for (const reply of replies) {
      const tid = reply.readUInt16BE(0)
      if (!tids.includes(tid) || !reply.equals(expectedResponse(tid))) {
        return { type: 'verify', ok: false, error: `pipelined: got ${reply.toString('hex')}` }
      }
    }
    if (new Set(order).size !== tids.length) return { type: 'verify', ok: false, error: `pipelined: transaction ids ${order.join(',')}` }
    const inOrder = order.every((t, i) => t === tids[i])
    const reversed = order.every((t, i) => t === tids[tids.length - 1 - i])
    return { type: 'verify', ok: true, order: inOrder ? 'in order' : reversed ? 'reversed' : order.map((t) => t - 0x100).join(',') }
  } catch (err) {
    return { type: 'verify', ok: false, error: (err as Error).message }
  } finally {
    socket.destroy()
  }
}

/** Waits until no request is outstanding, or `seconds`. */
async function drain(connections: Connection[], seconds: number): Promise<void> {
  const deadline = performance.now() + seconds * 1000
  while (connections.some((c) => c.outstanding > 0) && performance.now() < deadline) await sleep(0.01)
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: Float32Array, p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]
}

/** Runs one cell: a warm-up, then a measured window unless `seconds` is 0. */
async function runCell(command: RunCommand): Promise<CellReport> {
  const { cell } = command
  const sockets = await Promise.all(Array.from({ length: cell.connections }, () => open(command.port)))
  const connections = sockets.map((s) => new Connection(s, cell.inFlight))
  run.sending = true
  run.recording = false
  run.errors = 0
  run.firstError = undefined
  run.exceptions = {}
  run.wrong = 0
  for (const c of connections) c.start()
  await sleep(command.warmup)
  const relayTicks = () => (command.relay ? (command.relay.children ? treeCpuTicks(command.relay.pid) : cpuTicks(command.relay.pid)) : 0)
  const t0 = performance.now()
  const relay0 = relayTicks()
  const cpu0 = cpuTicks(command.serverPid)
  const busy0 = machineBusyTicks()
  const own0 = process.cpuUsage()
  run.count = 0
  run.recording = command.seconds > 0
  if (command.seconds > 0) await sleep(command.seconds)
  run.recording = false
  const count = run.count
  const cpu1 = cpuTicks(command.serverPid)
  const relay1 = relayTicks()
  const busy1 = machineBusyTicks()
  const own = process.cpuUsage(own0)
  const elapsed = (performance.now() - t0) / 1000
  run.sending = false
  await drain(connections, 2)
  await Promise.all(connections.map((c) => c.close()))
  const sorted = run.latencies.subarray(0, Math.min(count, LATENCY_CAPACITY)).sort()
  return {
    type: 'cell',
    cell,
    requests: count,
    elapsed,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    serverCpu: (cpu1 - cpu0) / command.clockTicks,
    loadCpu: (own.user + own.system) / 1e6,
    machineBusy: (busy1 - busy0) / command.clockTicks,
    errors: run.errors,
    exceptions: run.exceptions,
    wrong: run.wrong,
    ...(command.relay ? { relayCpu: (relay1 - relay0) / command.clockTicks } : {}),
    ...(run.firstError === undefined ? {} : { firstError: run.firstError }),
  }
}

async function execute(command: LoadCommand): Promise<LoadReport> {
  try {
    return command.type === 'verify' ? await verify(command.port) : await runCell(command)
  } catch (err) {
    return { type: 'fail', error: err instanceof Error ? err.message : String(err) }
  }
}

/** Commands are taken one at a time, in order; stdin closing ends the generator. */
let queue = Promise.resolve()
let pending = ''
process.stdin.setEncoding('utf8')
process.stdin.on('data', (s: string) => {
  pending += s
  let nl: number
  while ((nl = pending.indexOf('\n')) >= 0) {
    const command = JSON.parse(pending.slice(0, nl)) as LoadCommand
    pending = pending.slice(nl + 1)
    queue = queue.then(async () => {
      process.stdout.write(`${JSON.stringify(await execute(command))}\n`)
    })
  }
})
process.stdin.on('end', () => queue.then(() => process.exit(0)))
