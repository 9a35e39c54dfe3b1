/**
 * The server benchmark's workload (issue #3), shared by the orchestrator, the load generator and
 * the Node servers: Read Holding Registers (0x03) of 10 registers from address 0 on unit 1, over
 * MBAP on loopback. Every server holds the same ten values, so one expected reply fits them all;
 * the C and Python servers get the values on their command line.
 */

/** Unit id of every request. */
export const UNIT = 1
/** First register read. */
export const ADDRESS = 0
/** Registers per request. */
export const QUANTITY = 10
/** What registers 0..9 hold on every server: 1111, 2222, … 11110, easy to spot in a dump. */
export const VALUES: readonly number[] = Array.from({ length: QUANTITY }, (_, i) => (i + 1) * 1111)

/** Bytes of an MBAP request for the workload: header 7 + fc, address, quantity. */
export const REQUEST_LENGTH = 12
/** Bytes of its reply: header 7 + fc, byte count, 2 per register. */
export const RESPONSE_LENGTH = 9 + 2 * QUANTITY

/** One cell of the load matrix. */
export interface Cell {
  connections: number
  inFlight: number
}

/** The cells issue #3 names: 1 and 16 connections, each with 1 and 8 requests in flight. */
export const CELLS: readonly Cell[] = [
  { connections: 1, inFlight: 1 },
  { connections: 1, inFlight: 8 },
  { connections: 16, inFlight: 1 },
  { connections: 16, inFlight: 8 },
]

/** Short label of a cell, e.g. "16c×8". */
export function cellLabel(c: Cell): string {
  return `${c.connections}c×${c.inFlight}`
}

/**
 * The request ADU with transaction id `tid`:
 *   tid u16 | protocol 0 u16 | length 6 u16 | unit u8 | 0x03 | address u16 | quantity u16
 */
export function request(tid: number): Buffer {
  const buf = Buffer.allocUnsafe(REQUEST_LENGTH)
  buf.writeUInt16BE(tid, 0)
  buf.writeUInt16BE(0, 2)
  buf.writeUInt16BE(6, 4)
  buf[6] = UNIT
  buf[7] = 0x03
  buf.writeUInt16BE(ADDRESS, 8)
  buf.writeUInt16BE(QUANTITY, 10)
  return buf
}

/**
 * The one correct reply to `request(tid)`:
 *   tid u16 | protocol 0 u16 | length 3 + 2n u16 | unit u8 | 0x03 | byte count 2n u8 | n × u16
 */
export function expectedResponse(tid: number): Buffer {
  const buf = Buffer.allocUnsafe(RESPONSE_LENGTH)
  buf.writeUInt16BE(tid, 0)
  buf.writeUInt16BE(0, 2)
  buf.writeUInt16BE(3 + 2 * QUANTITY, 4)
  buf[6] = UNIT
  buf[7] = 0x03
  buf[8] = 2 * QUANTITY
  VALUES.forEach((v, i) => buf.writeUInt16BE(v, 9 + 2 * i))
  return buf
}

/** The holding registers as big-endian bytes, 2 per register, `length` registers long. */
export function registerBytes(length: number): Buffer {
  const buf = Buffer.alloc(2 * length)
  VALUES.forEach((v, i) => buf.writeUInt16BE(v, ADDRESS * 2 + 2 * i))
  return buf
}
