/**
 * How a frame of a serial line goes into a capture. Wireshark decodes Modbus RTU (dissector
 * "mbrtu") but has no dissector for Modbus ASCII or Binary, so:
 * - RTU frames are recorded byte for byte, CRC included;
 * - ASCII and Binary frames are recorded as the RTU frame of the same unit and PDU (with a CRC
 *   computed for it), and the packet's comment carries the frame as it was on the wire;
 * - bytes that form no frame (garbage, a frame cut short, a bad checksum) are recorded as plain
 *   data, byte for byte, with what was wrong in the comment;
 * - a frame the mbrtu dissector refuses — for unit 0 (broadcast), or shorter than 5 bytes (the
 *   requests of 07, 0B, 0C and 11, which carry no data) — is recorded as the Modbus/TCP frame of the
 *   same unit and PDU (transaction id 0) for the "mbtcp" dissector, its RTU bytes in the comment.
 */
import { checkCrc16, writeCrc16 } from '../checksum/crc16.ts'
import { createAsciiFramer } from '../framers/ascii.ts'
import { createBinaryFramer } from '../framers/binary.ts'
import type { ExportedDissector } from './exported-pdu.ts'

/** Framings of a serial line (or of RTU over a TCP stream). */
export type SerialFraming = 'rtu' | 'ascii' | 'binary'

/** A frame's unit and PDU. */
export interface UnitPdu {
  unit: number
  pdu: Buffer
}

/** What to record for a serial frame: the payload, its dissector, and a note for the comment. */
export interface SerialRecord {
  /** mbrtu: an RTU frame; mbtcp: a frame mbrtu refuses, as MBAP; data: bytes that form no frame. */
  dissector: ExportedDissector
  bytes: Buffer
  /** The unit the frame names, when it is a frame. */
  unit?: number
  note?: string
}

const SHORTEST_RTU = 4
/** Wireshark's mbrtu dissector takes frames of at least this length, and not for unit 0. */
const MBRTU_SHORTEST = 5

/** The RTU frame of `unit` and `pdu`: unit | pdu | CRC (low byte first). */
export function rtuFrameOf(unit: number, pdu: Buffer): Buffer {
  const buf = Buffer.allocUnsafe(1 + pdu.length + 2)
  buf[0] = unit
  pdu.copy(buf, 1)
  writeCrc16(buf, 0, 1 + pdu.length)
  return buf
}

/** The Modbus/TCP frame of `unit` and `pdu` with transaction id 0 (MB TCP guide §3.1.3). */
function mbapFrameOf(unit: number, pdu: Buffer): Buffer {
  const buf = Buffer.allocUnsafe(7 + pdu.length)
  buf.writeUInt32BE(0, 0)
  buf.writeUInt16BE(1 + pdu.length, 4)
  buf[6] = unit
  pdu.copy(buf, 7)
  return buf
}

const spaced = (buf: Buffer) => buf.toString('hex').replace(/(..)(?!$)/g, '$1 ')

/** The record of a whole RTU frame: as it is, or as MBAP when mbrtu would refuse it. */
function rtuRecord(rtu: Buffer, unit: number, pdu: Buffer, note?: string): SerialRecord {
  if (unit !== 0 && rtu.length >= MBRTU_SHORTEST) return { dissector: 'mbrtu', bytes: rtu, unit, note }
  const why = unit === 0 ? 'for unit 0' : 'shorter than 5 bytes'
  const shown = `RTU frame ${spaced(rtu)} shown as Modbus/TCP (Wireshark's Modbus RTU dissector skips frames ${why})`
  return { dissector: 'mbtcp', bytes: mbapFrameOf(unit, pdu), unit, note: note ? `${note}; ${shown}` : shown }
}

/** The unit and PDU of one whole ASCII or Binary frame in `raw`, or undefined when it holds none. */
function parseDelimited(framing: 'ascii' | 'binary', raw: Buffer): UnitPdu | undefined {
  const framer = framing === 'ascii' ? createAsciiFramer() : createBinaryFramer()
  let found: UnitPdu | undefined
  let frames = 0
  const sink = {
    frame: (adu: UnitPdu) => {
      frames++
      found = { unit: adu.unit, pdu: Buffer.from(adu.pdu) }
    },
    error: () => {
      frames++
    },
  }
  framer.push(raw, sink)
  framer.end(sink)
  return frames === 1 ? found : undefined
}

/** The wire form of a delimited frame, readable in a comment. */
function shownOnWire(framing: 'ascii' | 'binary', raw: Buffer): string {
  return framing === 'ascii' ? JSON.stringify(raw.toString('latin1')) : spaced(raw)
}

/**
 * The record of `raw`, a frame as it was on a line of `framing`. `frame`: its unit and PDU when the
 * line's framer decoded it; without it, an RTU frame counts as one when its CRC checks, and ASCII or
 * Binary bytes are decoded here.
 */
export function serialRecord(framing: SerialFraming, raw: Buffer, frame?: UnitPdu): SerialRecord {
  if (framing === 'rtu') {
    if (frame) return rtuRecord(raw, frame.unit, frame.pdu)
    if (raw.length >= SHORTEST_RTU && checkCrc16(raw, 0, raw.length - 2)) return rtuRecord(raw, raw[0], raw.subarray(1, raw.length - 2))
    return { dissector: 'data', bytes: raw, note: raw.length >= SHORTEST_RTU ? 'not an RTU frame: its CRC does not check' : 'not an RTU frame: too short' }
  }
  const decoded = frame ?? parseDelimited(framing, raw)
  const name = framing === 'ascii' ? 'ASCII' : 'Binary'
  if (!decoded) return { dissector: 'data', bytes: raw, note: `${name} bytes that form no frame: ${shownOnWire(framing, raw)}` }
  return rtuRecord(rtuFrameOf(decoded.unit, decoded.pdu), decoded.unit, decoded.pdu, `${name} on the wire, shown as RTU: ${shownOnWire(framing, raw)}`)
}
