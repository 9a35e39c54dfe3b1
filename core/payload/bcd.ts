/**
 * Packed BCD: two decimal digits per byte, most significant digit first, high nibble first.
 * 1234 in 2 bytes is 0x12 0x34; in 3 bytes it is 0x00 0x12 0x34.
 *
 * BCD bytes are placed in payload order as they are: byte and word order do not apply to them,
 * just as they do not apply to strings.
 */
import { ArgumentError, ModbusError, hex } from '../errors.ts'

/**
 * The widest BCD field handled: 7 bytes hold 14 digits, below 2^53, so every value is an exact
 * JS number. (Wider meter registers are rare; read them as two fields.)
 */
export const MAX_BCD_BYTES = 7

/** Throws an ArgumentError unless `bytes` is an integer 1..MAX_BCD_BYTES. */
export function checkBcdBytes(method: string, bytes: unknown): asserts bytes is number {
  if (typeof bytes === 'number' && Number.isInteger(bytes) && bytes >= 1 && bytes <= MAX_BCD_BYTES) return
  throw new ArgumentError(`${method}: BCD width must be an integer 1..${MAX_BCD_BYTES} bytes, got ${String(bytes)}`)
}

/** Throws an ArgumentError unless `value` is an integer 0..10^(2×bytes) − 1. Checks `bytes` too. */
export function checkBcd(method: string, value: unknown, bytes: unknown): void {
  checkBcdBytes(method, bytes)
  const max = 10 ** (2 * bytes) - 1
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new ArgumentError(`${method}: BCD takes an integer, got ${typeof value} ${String(value)}`)
  }
  if (value < 0 || value > max) {
    throw new ArgumentError(`${method}: value ${value} is outside the ${bytes}-byte BCD range 0..${max}`)
  }
}

/** Writes an already checked value as `bytes` packed-BCD bytes at `offset`; returns the new offset. */
export function writeBcd(value: number, bytes: number, buf: Uint8Array, offset: number): number {
  let rest = value
  for (let i = offset + bytes - 1; i >= offset; i--) {
    const low = rest % 10
    rest = (rest - low) / 10
    const high = rest % 10
    rest = (rest - high) / 10
    buf[i] = (high << 4) | low
  }
  return offset + bytes
}

/**
 * Reads `bytes` packed-BCD bytes at `offset`. A nibble above 9 throws ModbusError MB_ERR_VALUE
 * naming the byte and its offset; the caller checks the length.
 */
export function readBcd(buf: Uint8Array, offset: number, bytes: number): number {
  let value = 0
  for (let i = offset; i < offset + bytes; i++) {
    const byte = buf[i]
    const high = byte >>> 4
    const low = byte & 0x0f
    if (high > 9 || low > 9) {
      throw new ModbusError('MB_ERR_VALUE', `bcd: byte ${hex(byte)} at offset ${i} is not two decimal digits (nibbles 0..9)`)
    }
    value = value * 100 + high * 10 + low
  }
  return value
}
