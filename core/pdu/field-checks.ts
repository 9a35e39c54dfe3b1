/**
 * The few checks every function-code codec makes, each producing a PduError that names the
 * field, the limit and the value. Shared so that every message reads the same way.
 */
import { PduError, hex } from '../errors.ts'
import { ADDRESS_SPACE } from '../limits.ts'

/** Which side of a transaction a codec handles, for messages. */
export type Direction = 'request' | 'response'

/** Throws MB_ERR_TRUNCATED or MB_ERR_LENGTH unless the PDU is exactly `expected` bytes. */
export function expectLength(fc: number, what: string, actual: number, expected: number): void {
  if (actual === expected) return
  const code = actual < expected ? 'MB_ERR_TRUNCATED' : 'MB_ERR_LENGTH'
  throw new PduError(code, `${what}: PDU is ${actual} bytes, expected ${expected}`, {
    functionCode: fc,
    field: 'length',
    limit: String(expected),
    value: actual,
  })
}

/** Throws MB_ERR_TRUNCATED unless the PDU has at least `min` bytes. */
export function expectAtLeast(fc: number, what: string, actual: number, min: number): void {
  if (actual >= min) return
  throw new PduError('MB_ERR_TRUNCATED', `${what}: PDU is ${actual} bytes, needs at least ${min}`, {
    functionCode: fc,
    field: 'length',
    limit: `>= ${min}`,
    value: actual,
  })
}

/** Throws MB_ERR_RANGE unless min <= value <= max. `section` cites the spec. */
export function checkRange(
  fc: number,
  what: string,
  field: string,
  value: number,
  min: number,
  max: number,
  section: string,
): void {
  if (value >= min && value <= max && Number.isInteger(value)) return
  throw new PduError(
    'MB_ERR_RANGE',
    `${what}: ${field} ${value} (${hex(value >>> 0, 4)}) is outside ${min}..${max} (${section})`,
    { functionCode: fc, field, limit: `${min}..${max}`, value },
  )
}

/** Throws MB_ERR_RANGE when address + quantity runs past the 16-bit address space (§4.4). */
export function checkAddressSpan(fc: number, what: string, field: string, address: number, quantity: number): void {
  if (address + quantity <= ADDRESS_SPACE) return
  throw new PduError(
    'MB_ERR_RANGE',
    `${what}: ${field} ${hex(address, 4)} + quantity ${quantity} passes the end of the address space (0x10000, §4.4)`,
    { functionCode: fc, field, limit: `${field} + quantity <= 0x10000`, value: address + quantity },
  )
}

/** Throws MB_ERR_BYTE_COUNT unless the byte count field equals what the rest of the PDU implies. */
export function checkByteCount(fc: number, what: string, actual: number, expected: number, why: string): void {
  if (actual === expected) return
  throw new PduError('MB_ERR_BYTE_COUNT', `${what}: byte count ${actual}, expected ${expected} (${why})`, {
    functionCode: fc,
    field: 'byteCount',
    limit: String(expected),
    value: actual,
  })
}

/** Throws MB_ERR_VALUE for a field whose value the spec does not allow. */
export function badValue(fc: number, what: string, field: string, value: number, allowed: string): never {
  throw new PduError('MB_ERR_VALUE', `${what}: ${field} ${hex(value, 4)} is not allowed (${allowed})`, {
    functionCode: fc,
    field,
    limit: allowed,
    value,
  })
}

/** Throws MB_ERR_RANGE unless value is an integer 0..0xFFFF (encode-side check of a 16-bit field). */
export function checkU16(fc: number, what: string, field: string, value: number): void {
  checkRange(fc, what, field, value, 0, 0xffff, '16-bit field')
}

/** Throws MB_ERR_RANGE unless value is an integer 0..0xFF (encode-side check of an 8-bit field). */
export function checkU8(fc: number, what: string, field: string, value: number): void {
  checkRange(fc, what, field, value, 0, 0xff, '8-bit field')
}

/** Reads a big-endian 16-bit value. */
export function u16(buf: Uint8Array, offset: number): number {
  return (buf[offset] << 8) | buf[offset + 1]
}

/** Writes a big-endian 16-bit value; returns the new offset. */
export function putU16(buf: Uint8Array, offset: number, value: number): number {
  buf[offset] = value >>> 8
  buf[offset + 1] = value & 0xff
  return offset + 2
}

/** Reads `count` big-endian 16-bit values. */
export function readWords(buf: Uint8Array, offset: number, count: number): number[] {
  const out = new Array<number>(count)
  for (let i = 0; i < count; i++, offset += 2) out[i] = (buf[offset] << 8) | buf[offset + 1]
  return out
}

/** Writes 16-bit values big-endian; returns the new offset. Values are checked by the caller's size(). */
export function writeWords(buf: Uint8Array, offset: number, values: readonly number[]): number {
  for (let i = 0; i < values.length; i++, offset += 2) {
    const v = values[i]
    buf[offset] = v >>> 8
    buf[offset + 1] = v & 0xff
  }
  return offset
}

/** Checks every value of a register list is a 16-bit integer (encode side). */
export function checkWords(fc: number, what: string, field: string, values: readonly number[]): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (!(v >= 0 && v <= 0xffff && Number.isInteger(v))) checkRange(fc, what, `${field}[${i}]`, v, 0, 0xffff, '16-bit register')
  }
}

/** Decodes a hex string (spaces allowed) to bytes; throws MB_ERR_INVALID_ARGUMENT style PduError on bad input. */
export function hexToBytes(fc: number, what: string, text: string): Buffer {
  const clean = text.replace(/\s+/g, '')
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) {
    throw new PduError('MB_ERR_VALUE', `${what}: "${text}" is not a hex byte string`, { functionCode: fc, field: 'data' })
  }
  return Buffer.from(clean, 'hex')
}
