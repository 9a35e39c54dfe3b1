/**
 * Numeric payload types: their sizes, their ranges, and how each is checked, written and read.
 *
 * Integers are two's complement; floats are IEEE 754 binary32 and binary64. Values up to 32 bits
 * are JS numbers, 64-bit integers are bigints (a number cannot hold them exactly). Each value is
 * written big-endian into a scratch buffer and then shuffled into place by byte-order.ts; 8-bit
 * values occupy one payload byte and are never shuffled.
 */
import { ArgumentError } from '../errors.ts'
import { type Layout, type OrderLayouts, gather, scatter } from './byte-order.ts'

/** Every numeric type, mapped to its size in bytes. */
export const NUMERIC_SIZES = {
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  int64: 8,
  uint64: 8,
  float32: 4,
  float64: 8,
} as const

/** A numeric payload type. */
export type NumericType = keyof typeof NUMERIC_SIZES

/** The 64-bit integer types, whose values are bigints. */
export type BigIntType = 'int64' | 'uint64'

/** The integer types whose values are numbers. */
export type SmallIntType = 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32'

/** The floating-point types. */
export type FloatType = 'float32' | 'float64'

/** The JS value type a numeric type decodes to. */
export type NumericValue<T extends NumericType> = T extends BigIntType ? bigint : number

/** Inclusive ranges of the number-valued integer types. */
export const INTEGER_RANGES = {
  int8: [-0x80, 0x7f],
  uint8: [0, 0xff],
  int16: [-0x8000, 0x7fff],
  uint16: [0, 0xffff],
  int32: [-0x80000000, 0x7fffffff],
  uint32: [0, 0xffffffff],
} as const satisfies Record<SmallIntType, readonly [number, number]>

/** Inclusive ranges of the 64-bit integer types. */
export const BIGINT_RANGES = {
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
} as const satisfies Record<BigIntType, readonly [bigint, bigint]>

/** The largest finite binary32 value, (2 − 2^−23) × 2^127. */
export const FLOAT32_MAX = 3.4028234663852886e38

/** True for the types whose values are bigints. */
export function isBigIntType(type: NumericType): type is BigIntType {
  return type === 'int64' || type === 'uint64'
}

/** True for any name in NUMERIC_SIZES (guards input from JSON or a command line). */
export function isNumericType(type: unknown): type is NumericType {
  return typeof type === 'string' && Object.hasOwn(NUMERIC_SIZES, type)
}

function describe(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`
  if (typeof value === 'string') return JSON.stringify(value)
  return String(value)
}

/**
 * Throws an ArgumentError unless `value` fits `type`; `method` names the caller in the message,
 * e.g. "addUint16: value 70000 is outside the uint16 range 0..65535".
 */
export function checkNumeric(method: string, type: NumericType, value: unknown): void {
  if (isBigIntType(type)) {
    if (typeof value !== 'bigint') {
      throw new ArgumentError(`${method}: ${type} takes a bigint, got ${typeof value} ${describe(value)}`)
    }
    const [min, max] = BIGINT_RANGES[type]
    if (value < min || value > max) {
      throw new ArgumentError(`${method}: value ${value} is outside the ${type} range ${min}..${max}`)
    }
    return
  }
  if (typeof value !== 'number') {
    throw new ArgumentError(`${method}: ${type} takes a number, got ${typeof value} ${describe(value)}`)
  }
  if (type === 'float64') return
  if (type === 'float32') {
    // A finite value beyond binary32's range would silently become Infinity; refuse it instead.
    if (Number.isFinite(value) && !Number.isFinite(Math.fround(value))) {
      throw new ArgumentError(`${method}: value ${value} is outside the float32 range ±${FLOAT32_MAX}`)
    }
    return
  }
  const [min, max] = INTEGER_RANGES[type]
  if (!Number.isInteger(value)) {
    throw new ArgumentError(`${method}: value ${value} is not an integer (${type} range ${min}..${max})`)
  }
  if (value < min || value > max) {
    throw new ArgumentError(`${method}: value ${value} is outside the ${type} range ${min}..${max}`)
  }
}

// One scratch value for the shuffle; payload code is synchronous, so sharing it is safe.
const scratch = Buffer.alloc(8)

function writeBigEndian(type: NumericType, value: number | bigint): void {
  switch (type) {
    case 'int16': scratch.writeInt16BE(value as number, 0); break
    case 'uint16': scratch.writeUInt16BE(value as number, 0); break
    case 'int32': scratch.writeInt32BE(value as number, 0); break
    case 'uint32': scratch.writeUInt32BE(value as number, 0); break
    case 'int64': scratch.writeBigInt64BE(value as bigint, 0); break
    case 'uint64': scratch.writeBigUInt64BE(value as bigint, 0); break
    case 'float32': scratch.writeFloatBE(value as number, 0); break
    case 'float64': scratch.writeDoubleBE(value as number, 0); break
    case 'int8': scratch.writeInt8(value as number, 0); break
    case 'uint8': scratch.writeUInt8(value as number, 0); break
  }
}

function readBigEndian(type: NumericType): number | bigint {
  switch (type) {
    case 'int16': return scratch.readInt16BE(0)
    case 'uint16': return scratch.readUInt16BE(0)
    case 'int32': return scratch.readInt32BE(0)
    case 'uint32': return scratch.readUInt32BE(0)
    case 'int64': return scratch.readBigInt64BE(0)
    case 'uint64': return scratch.readBigUInt64BE(0)
    case 'float32': return scratch.readFloatBE(0)
    case 'float64': return scratch.readDoubleBE(0)
    case 'int8': return scratch.readInt8(0)
    case 'uint8': return scratch.readUInt8(0)
  }
}

function layoutOf(type: NumericType, layouts: OrderLayouts): Layout | undefined {
  const size = NUMERIC_SIZES[type]
  return size === 1 ? undefined : layouts[size]
}

/**
 * Writes an already checked value at `buf[offset..)` in the given order; returns the new offset.
 * 8-bit values are written as they are: byte and word order do not apply to a single byte.
 */
export function writeNumeric(
  type: NumericType,
  value: number | bigint,
  layouts: OrderLayouts,
  buf: Uint8Array,
  offset: number,
): number {
  writeBigEndian(type, value)
  const layout = layoutOf(type, layouts)
  if (layout === undefined) buf[offset] = scratch[0]
  else scatter(scratch, layout, buf, offset)
  return offset + NUMERIC_SIZES[type]
}

/** Reads a value of `type` at `buf[offset..)` in the given order; the caller checks the length. */
export function readNumeric(type: NumericType, layouts: OrderLayouts, buf: Uint8Array, offset: number): number | bigint {
  const layout = layoutOf(type, layouts)
  if (layout === undefined) scratch[0] = buf[offset]
  else gather(buf, offset, layout, scratch)
  return readBigEndian(type)
}
