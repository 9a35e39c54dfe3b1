/**
 * Wireshark's exported-PDU encapsulation (link type 252, WIRESHARK_UPPER_PDU): a list of tags in
 * front of the payload names the dissector that decodes it and, optionally, the addresses and
 * ports shown for it. A Modbus RTU frame from a serial line is recorded this way with the dissector
 * "mbrtu": Wireshark and tshark decode it with no option at all, which no Ethernet or UDP wrapping
 * achieves (Modbus RTU has no port of its own).
 *
 *   tag u16 | length u16 (of the value, padding included) | value, padded to 32 bits   … | 0 | 0 | payload
 *
 * All fields big-endian. Tags used: 12 protocol name (NUL-padded text), 20/21 IPv4 source and
 * destination, 24 port type (2 = TCP), 25/26 source and destination port (u32).
 */
import type { Endpoint } from './ip-packets.ts'

const TAG_END = 0
const TAG_PROTO_NAME = 12
const TAG_IPV4_SRC = 20
const TAG_IPV4_DST = 21
const TAG_PORT_TYPE = 24
const TAG_SRC_PORT = 25
const TAG_DST_PORT = 26
const PORT_TYPE_TCP = 2

/** Dissectors a capture hands payloads to. */
export type ExportedDissector = 'mbrtu' | 'mbtcp' | 'data'

function writeU32Tag(buf: Buffer, at: number, tag: number, value: number): number {
  buf.writeUInt16BE(tag, at)
  buf.writeUInt16BE(4, at + 2)
  buf.writeUInt32BE(value >>> 0, at + 4)
  return at + 8
}

/**
 * The exported PDU carrying `payload` for `dissector`, shown as sent from `src` to `dst`. The port
 * type is TCP so that Wireshark's "mbrtu.tcp.port" preference, set to the destination port of
 * requests, tells queries from responses for every function code (and mbtcp's port 502 does, with
 * no preference).
 */
export function exportedPdu(dissector: ExportedDissector, payload: Buffer, src?: Endpoint, dst?: Endpoint): Buffer {
  const nameLength = (dissector.length + 4) & ~3
  const addressed = src !== undefined && dst !== undefined
  const size = 4 + nameLength + (addressed ? 5 * 8 : 0) + 4 + payload.length
  const buf = Buffer.alloc(size)
  buf.writeUInt16BE(TAG_PROTO_NAME, 0)
  buf.writeUInt16BE(nameLength, 2)
  buf.write(dissector, 4, 'latin1')
  let at = 4 + nameLength
  if (addressed) {
    at = writeU32Tag(buf, at, TAG_IPV4_SRC, src.ip)
    at = writeU32Tag(buf, at, TAG_IPV4_DST, dst.ip)
    at = writeU32Tag(buf, at, TAG_PORT_TYPE, PORT_TYPE_TCP)
    at = writeU32Tag(buf, at, TAG_SRC_PORT, src.port)
    at = writeU32Tag(buf, at, TAG_DST_PORT, dst.port)
  }
  buf.writeUInt16BE(TAG_END, at)
  buf.writeUInt16BE(0, at + 2)
  payload.copy(buf, at + 4)
  return buf
}
