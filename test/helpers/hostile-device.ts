/**
 * A hostile RTU device on the far end of a socat PTY pair. It serves reads (03, 04) from a register
 * map in which every value encodes where it came from — table, unit and address — so a reply that
 * carries another request's data can never pass for the right one. Per request it behaves as a
 * script (or a seeded PRNG) says: it answers correctly, late, twice, for another unit, with a wrong
 * or a lying byte count, with garbage before or after the frame, not at all, or holds the reply
 * until the test releases it.
 *
 * The device lives in the test process (like scripted-device.ts); its timers are its own and are
 * cleared by close().
 */
import { createRtuFramer, encodeResponse, parseAddress, type SerialAddress } from '../../core/index.ts'
import type { ByteLink } from '../../core/transport/link.ts'
import { openSerialLink } from '../../core/transport/serial.ts'
import { prng } from './random.ts'

/** What the device does with one request. */
export type Behavior =
  /** The right reply at once. */
  | 'correct'
  /** The right reply, `lateMs` after the request: after the gateway's timeout when the test says so. */
  | 'late'
  /** The right reply twice, back to back. */
  | 'twice'
  /** Only a reply of the right shape from another unit (with that unit's data). */
  | 'foreign'
  /** Another unit's reply, then the right one. */
  | 'foreignThenCorrect'
  /** A well-formed reply with one register more than asked (its byte count agrees with its data, not with the request). */
  | 'wrongCount'
  /** The right data under a byte count two larger than the data (the CRC covers the bytes sent). */
  | 'lyingCount'
  /** Random bytes, then the right reply. */
  | 'garbageBefore'
  /** The right reply, then random bytes. */
  | 'garbageAfter'
  /** No reply. */
  | 'silent'
  /** The right reply, kept until release(). */
  | 'hold'

/** Behaviours after which the gateway holds the right reply (within its timeout). */
export const ANSWERING: ReadonlySet<Behavior> = new Set(['correct', 'twice', 'foreignThenCorrect', 'garbageBefore', 'garbageAfter', 'hold'])

/** One request as the device received it, and what it did. */
export interface LoggedRequest {
  unit: number
  /** Request PDU, hex. */
  pdu: string
  behavior: Behavior
  /** performance.now() when the request was framed, and when the answer was handed to the port (if any). */
  receivedAt: number
  sentAt?: number
}

/** What the device sent besides right replies. */
export interface HostileCounts {
  /** Well-formed frames that are no request's reply whenever they arrive: duplicates, other units', wrong counts. */
  strayFrames: number
  /** Right replies sent late (strays when they land after the timeout, as meant). */
  lateFrames: number
  garbageBytes: number
}

/** Options of a hostile device. */
export interface HostileDeviceOptions {
  /** Chooses the behaviour for each request (`index` counts requests received, from 0). */
  behave: (request: { unit: number; pdu: Buffer }, index: number) => Behavior
  /** Delay of a 'late' reply after the request arrived, ms. */
  lateMs?: number
  /** Delay before every other answer, ms (a slow device); default 0. */
  delayMs?: number
  /** Seed of the garbage bytes. */
  seed?: number
  baud?: number
}

/** A running hostile device. */
export interface HostileDevice {
  readonly log: LoggedRequest[]
  readonly counts: HostileCounts
  /** Replaces the behaviour chooser. */
  behave: HostileDeviceOptions['behave']
  /** Delay before every answer but a late one, ms (changeable). */
  delayMs: number
  /** Sends every held reply now; resolves with how many. */
  release(): Promise<number>
  close(): Promise<void>
}

/** Units the register map covers (five bits) and addresses per table (ten bits). */
export const MAP_UNITS = 31
export const MAP_ADDRESSES = 1024

/**
 * The value of a register: bit 15 the table (0 holding, 1 input), bits 14-10 the unit, bits 9-0 the
 * address. One value, one (table, unit, address).
 */
export function registerValue(code: 0x03 | 0x04, unit: number, address: number): number {
  return ((code === 0x04 ? 1 : 0) << 15) | (unit << 10) | address
}

/**
 * The right reply PDU to a request PDU for `unit`: reads (03, 04) from the map, exception 02 past it;
 * 08/0000 (return query data) echoed; exception 01 for anything else.
 */
export function rightReply(unit: number, pdu: Buffer): Buffer {
  const code = pdu[0]
  if (code === 0x08 && pdu.length >= 3 && pdu.readUInt16BE(1) === 0x0000) return Buffer.from(pdu)
  if (code !== 0x03 && code !== 0x04) return encodeResponse({ function: code, exception: 0x01 })
  const address = pdu.readUInt16BE(1)
  const quantity = pdu.readUInt16BE(3)
  if (unit < 1 || unit > MAP_UNITS || quantity < 1 || quantity > 125 || address + quantity > MAP_ADDRESSES) return encodeResponse({ function: code, exception: 0x02 })
  return readReply(code, unit, address, quantity)
}

function readReply(code: 0x03 | 0x04, unit: number, address: number, quantity: number, byteCount = quantity * 2): Buffer {
  const reply = Buffer.alloc(2 + quantity * 2)
  reply[0] = code
  reply[1] = byteCount & 0xff
  for (let i = 0; i < quantity; i++) reply.writeUInt16BE(registerValue(code, unit, (address + i) % MAP_ADDRESSES), 2 + i * 2)
  return reply
}

/** A behaviour chooser drawing from `weights` with a seeded PRNG: the same seed, the same run. */
export function seededBehaviors(seed: number, weights: Partial<Record<Behavior, number>>): HostileDeviceOptions['behave'] {
  const next = prng(seed)
  const table = Object.entries(weights) as [Behavior, number][]
  const total = table.reduce((s, [, w]) => s + w, 0)
  return () => {
    let r = next() * total
    for (const [b, w] of table) {
      if ((r -= w) < 0) return b
    }
    return table[table.length - 1][0]
  }
}

/** Opens `path` as an RTU line and misbehaves on it as `options.behave` says. */
export async function hostileDevice(path: string, options: HostileDeviceOptions): Promise<HostileDevice> {
  const link: ByteLink = await openSerialLink(parseAddress(`rtu://${path}?baud=${options.baud ?? 19200}`) as SerialAddress)
  const requestFramer = createRtuFramer({ expect: 'request', probe: true })
  const encoder = createRtuFramer({ expect: 'response' })
  const noise = prng(options.seed ?? 1)
  const timers = new Set<NodeJS.Timeout>()
  const held: Buffer[] = []
  const log: LoggedRequest[] = []
  const counts: HostileCounts = { strayFrames: 0, lateFrames: 0, garbageBytes: 0 }
  let closed = false

  const write = (entry: LoggedRequest, bytes: Buffer) => {
    entry.sentAt = performance.now()
    void link.write(bytes).catch(() => {})
  }
  const send = (entry: LoggedRequest, bytes: Buffer, afterMs = 0) => {
    if (closed) return
    if (afterMs <= 0) return write(entry, bytes)
    const timer = setTimeout(() => {
      timers.delete(timer)
      if (!closed) write(entry, bytes)
    }, afterMs)
    timers.add(timer)
  }
  const garbage = () => {
    const bytes = Buffer.alloc(1 + Math.floor(noise() * 8))
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(noise() * 256)
    counts.garbageBytes += bytes.length
    return bytes
  }
  const frame = (unit: number, pdu: Buffer) => encoder.encode(unit, pdu)

  const device: HostileDevice = {
    log,
    counts,
    behave: options.behave,
    delayMs: options.delayMs ?? 0,
    async release() {
      const all = held.splice(0)
      for (const bytes of all) await link.write(bytes).catch(() => {})
      return all.length
    },
    async close() {
      closed = true
      for (const t of timers) clearTimeout(t)
      timers.clear()
      await link.close()
    },
  }

  const answer = (unit: number, pdu: Buffer) => {
    const receivedAt = performance.now()
    const behavior = device.behave({ unit, pdu }, log.length)
    const entry: LoggedRequest = { unit, pdu: pdu.toString('hex'), behavior, receivedAt }
    log.push(entry)
    const delay = device.delayMs
    const reply = (bytes: Buffer, afterMs = delay) => send(entry, bytes, afterMs)
    const right = frame(unit, rightReply(unit, pdu))
    const isRead = (pdu[0] === 0x03 || pdu[0] === 0x04) && right[1] === pdu[0]
    const code = pdu[0] as 0x03 | 0x04
    const quantity = isRead ? pdu.readUInt16BE(3) : 0
    const address = isRead ? pdu.readUInt16BE(1) : 0
    switch (behavior) {
      case 'correct':
        return reply(right)
      case 'late':
        counts.lateFrames++
        return reply(right, options.lateMs ?? 1000)
      case 'twice':
        counts.strayFrames++
        return reply(Buffer.concat([right, right]))
      case 'foreign':
      case 'foreignThenCorrect': {
        const other = (unit % MAP_UNITS) + 1
        const foreign = frame(other, isRead ? readReply(code, other, address, quantity) : rightReply(other, pdu))
        counts.strayFrames++
        return reply(behavior === 'foreign' ? foreign : Buffer.concat([foreign, right]))
      }
      case 'wrongCount':
        if (!isRead) return reply(right)
        counts.strayFrames++
        return reply(frame(unit, readReply(code, unit, address, quantity < 125 ? quantity + 1 : quantity - 1)))
      case 'lyingCount':
        if (!isRead) return reply(right)
        return reply(frame(unit, readReply(code, unit, address, quantity, quantity * 2 + 2)))
      case 'garbageBefore':
        return reply(Buffer.concat([garbage(), right]))
      case 'garbageAfter':
        return reply(Buffer.concat([right, garbage()]))
      case 'silent':
        return
      case 'hold':
        held.push(right)
        return
    }
  }

  link.onData((chunk) =>
    requestFramer.push(chunk, {
      frame: (adu) => answer(adu.unit, Buffer.from(adu.pdu)),
      error() {},
    }),
  )
  return device
}
