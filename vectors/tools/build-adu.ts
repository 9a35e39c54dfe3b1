/**
 * ADU builders for the four framings, used to write golden frame vectors. Written from the
 * framing descriptions (MIG §3.1.3 MBAP, SL §2.5.1 RTU, SL §2.5.2 ASCII, and the jamod/PyModbus
 * Binary framing) and independent of core/framers.
 */
import { crcBytes, lrc } from './checksums.ts'

/** MBAP: tid u16 | protocol id u16 = 0 | length u16 = 1 + PDU | unit u8 | PDU. */
export function tcpAdu(unit: number, pdu: Buffer, tid: number): Buffer {
  const header = Buffer.alloc(7)
  header.writeUInt16BE(tid, 0)
  header.writeUInt16BE(0, 2)
  header.writeUInt16BE(pdu.length + 1, 4)
  header[6] = unit
  return Buffer.concat([header, pdu])
}

/** RTU: address u8 | PDU | CRC-16 low byte first. */
export function rtuAdu(unit: number, pdu: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from([unit]), pdu])
  return Buffer.concat([body, crcBytes(body)])
}

/** ASCII: ':' | hex of address, PDU and LRC (upper case) | CR LF, as text. */
export function asciiAdu(unit: number, pdu: Buffer): string {
  const body = Buffer.concat([Buffer.from([unit]), pdu])
  return ':' + Buffer.concat([body, Buffer.from([lrc(body)])]).toString('hex').toUpperCase() + '\r\n'
}

const OPEN = 0x7b
const CLOSE = 0x7d

/** Binary: '{' | address, PDU and CRC with every '{' and '}' doubled | '}'. */
export function binaryAdu(unit: number, pdu: Buffer): Buffer {
  const raw = rtuAdu(unit, pdu)
  const out: number[] = [OPEN]
  for (const b of raw) {
    out.push(b)
    if (b === OPEN || b === CLOSE) out.push(b)
  }
  out.push(CLOSE)
  return Buffer.from(out)
}

/** Lower-case hex with a space between bytes. */
export function spaced(buf: Uint8Array): string {
  return Buffer.from(buf).toString('hex').replace(/(..)(?!$)/g, '$1 ')
}

/** Bytes of a hex string with optional spaces. */
export function fromHex(text: string): Buffer {
  const clean = text.replace(/\s+/g, '')
  if (!/^([0-9a-fA-F]{2})*$/.test(clean)) throw new TypeError(`not a hex byte string: ${JSON.stringify(text)}`)
  return Buffer.from(clean, 'hex')
}
