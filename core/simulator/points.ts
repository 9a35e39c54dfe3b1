/**
 * Named points of a device file: a typed value at an address of one table, with byte and word
 * order and a scale, laid out and read back through core/payload (PayloadBuilder and
 * PayloadDecoder), exactly as the command line's typed reads and writes do.
 *
 *   "flow": { "table": "holdingRegisters", "address": 10, "type": "float32", "wordOrder": "little",
 *             "scale": 0.1, "unit": "m3/h", "value": 12.5 }
 *
 * Numbers (int16 … float64) and strings (`length` registers, two latin1 characters each, the first
 * in the high byte; byteOrder little swaps the two) live in register tables; bool (one bit) and
 * bits (`length` bits) in coils and discrete inputs. A point's value is raw × scale.
 */
import { ArgumentError } from '../errors.ts'
import type { BitTable, TableName } from '../datastore/types.ts'
import { BIGINT_RANGES, FLOAT32_MAX, INTEGER_RANGES, NUMERIC_SIZES, PayloadBuilder, PayloadDecoder, type Endian, type ResolvedOrder } from '../payload/index.ts'
import type { BehaviourSpec } from './behaviours.ts'
import { POINT_TYPES } from './device-schema.ts'

/** A point's type. */
export type PointType = (typeof POINT_TYPES)[number]

/** The number-valued point types. */
export type NumericPointType = Exclude<PointType, 'string' | 'bool' | 'bits'>

/** A point as a device file gives it. */
export interface PointSpec {
  table: TableName
  address: number
  type: PointType
  /** string: registers; bits: bits (default 1). */
  length?: number
  byteOrder?: Endian
  wordOrder?: Endian
  /** value = raw × scale; default 1. */
  scale?: number
  /** Engineering unit, e.g. "m3/h". */
  unit?: string
  description?: string
  /** Initial value (after scale); 64-bit integers may be decimal strings. */
  value?: number | string | boolean | boolean[]
  behaviour?: BehaviourSpec
}

/** A point's value: number, bigint (64-bit integers without a scale), string, bool, or bits. */
export type PointValue = number | bigint | string | boolean | boolean[]

/** A point ready to use. */
export interface Point {
  readonly name: string
  readonly table: TableName
  readonly address: number
  readonly type: PointType
  /** Registers (register tables) or bits (coils, discrete inputs) the point covers. */
  readonly count: number
  readonly order: ResolvedOrder
  readonly scale: number
  readonly unit?: string
  readonly description?: string
}

/** Registers a string point may span: one read request (§6.3). */
export const MAX_STRING_REGISTERS = 125
/** Bits a bits point may span: one read request (§6.1). */
export const MAX_POINT_BITS = 2000

/** True for coils and discrete inputs. */
export function isBitTable(table: TableName): table is BitTable {
  return table === 'coils' || table === 'discreteInputs'
}

/** True for the number-valued types. */
export function isNumericPoint(type: PointType): type is NumericPointType {
  return type !== 'string' && type !== 'bool' && type !== 'bits'
}

/** Registers or bits a point of this spec covers. */
export function pointCount(spec: Pick<PointSpec, 'type' | 'length'>): number {
  if (isNumericPoint(spec.type)) return NUMERIC_SIZES[spec.type] / 2
  if (spec.type === 'bool') return 1
  return spec.length ?? 1
}

/** A point from its spec (the spec already checked). */
export function resolvePoint(name: string, spec: PointSpec): Point {
  return {
    name,
    table: spec.table,
    address: spec.address,
    type: spec.type,
    count: pointCount(spec),
    order: { byteOrder: spec.byteOrder ?? 'big', wordOrder: spec.wordOrder ?? 'big' },
    scale: spec.scale ?? 1,
    unit: spec.unit,
    description: spec.description,
  }
}

/** A type or kind name with its article, for messages: "an int16", "a uint16", "an uptime". */
export function aType(type: string): string {
  return `${/^[aeiou]/.test(type) && !/^uint/.test(type) ? 'an' : 'a'} ${type}`
}

/** Where a point sits, e.g. "holdingRegisters 10..11". */
export function describePoint(p: Pick<Point, 'table' | 'address' | 'count'>): string {
  return p.count === 1 ? `${p.table} ${p.address}` : `${p.table} ${p.address}..${p.address + p.count - 1}`
}

/** Decimal places of a scale (0.1 → 1, 0.25 → 2, 10 → 0), to round raw × scale to. */
function decimals(scale: number): number {
  const text = scale.toExponential()
  const [mantissa, exponent] = text.split('e')
  const fraction = mantissa.split('.')[1]?.length ?? 0
  return Math.max(0, fraction - Number(exponent))
}

/** The range of raw values of a numeric type (floats: their finite range). */
function rawRange(type: NumericPointType): [number, number] {
  if (type === 'float64') return [-Number.MAX_VALUE, Number.MAX_VALUE]
  if (type === 'float32') return [-FLOAT32_MAX, FLOAT32_MAX]
  if (type === 'int64' || type === 'uint64') return [Number(BIGINT_RANGES[type][0]), Number(BIGINT_RANGES[type][1])]
  return [...INTEGER_RANGES[type]]
}

/** The range of a numeric point's values, after scale. */
export function valueRange(point: Pick<Point, 'type' | 'scale'>): [number, number] {
  const [min, max] = rawRange(point.type as NumericPointType)
  return [min * point.scale, max * point.scale]
}

/** A raw value as the point's value: raw × scale, rounded to the scale's decimals for integer types. */
export function scaleRaw(point: Pick<Point, 'type' | 'scale'>, raw: number | bigint): number | bigint {
  if (point.scale === 1) return raw
  const value = Number(raw) * point.scale
  if (point.type === 'float32' || point.type === 'float64') return value
  return Number(value.toFixed(Math.min(decimals(point.scale), 20)))
}

function rangeText(point: Point): string {
  const type = point.type as NumericPointType
  const raw = type === 'float32' || type === 'float64' ? `±${rawRange(type)[1]}` : (type === 'int64' || type === 'uint64' ? BIGINT_RANGES[type] : INTEGER_RANGES[type]).join('..')
  return point.scale === 1 ? raw : `raw ${raw}, scale ${point.scale}`
}

/**
 * The raw value for `value`: divided by the scale, rounded for integer types. Out of the type's
 * range it is clamped (`clamp`) or refused with an ArgumentError.
 */
function rawValue(point: Point, value: unknown, clamp: boolean): number | bigint {
  const type = point.type as NumericPointType
  const refuse = (why = ''): never => {
    throw new ArgumentError(`expected ${aType(type)} value (${rangeText(point)})${why}, got ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`)
  }
  if (type === 'int64' || type === 'uint64') {
    const [min, max] = BIGINT_RANGES[type]
    let v: bigint
    if (point.scale === 1 && typeof value === 'string' && /^-?[0-9]+$/.test(value)) v = BigInt(value)
    else if (typeof value === 'bigint') v = point.scale === 1 ? value : BigInt(Math.round(Number(value) / point.scale))
    else if (typeof value === 'number' && Number.isFinite(value / point.scale)) {
      if (point.scale === 1 && !Number.isInteger(value) && !clamp) refuse(', a whole number')
      v = BigInt(Math.round(value / point.scale))
    } else return clamp ? 0n : refuse(' as a number or a decimal string')
    if (v >= min && v <= max) return v
    return clamp ? (v < min ? min : max) : refuse()
  }
  if (typeof value === 'bigint' && clamp) value = Number(value)
  if (typeof value !== 'number' || Number.isNaN(value)) return clamp ? 0 : refuse()
  const float = type === 'float32' || type === 'float64'
  if (!float && point.scale === 1 && !Number.isInteger(value) && !clamp) refuse(', a whole number')
  const raw = float ? value / point.scale : Math.round(value / point.scale)
  const [min, max] = rawRange(type)
  if (raw >= min && raw <= max) return raw
  return clamp ? Math.min(max, Math.max(min, raw)) : refuse()
}

function swapBytes(registers: number[]): number[] {
  for (let i = 0; i < registers.length; i++) registers[i] = ((registers[i] & 0xff) << 8) | (registers[i] >>> 8)
  return registers
}

/**
 * A point's value as the registers or bits it occupies. `strict` refuses what does not fit with
 * an ArgumentError (initial values); otherwise numbers are clamped to the type, strings cut and
 * bits cut or padded, so a behaviour never writes outside its point.
 */
export function encodePoint(point: Point, value: unknown, strict: boolean): number[] | boolean[] {
  switch (point.type) {
    case 'bool':
      if (typeof value === 'boolean') return [value]
      if (value === 0 || value === 1 || !strict) return [Boolean(value)]
      throw new ArgumentError(`expected true/false (or 0/1), got ${JSON.stringify(value)}`)
    case 'bits': {
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'boolean')) throw new ArgumentError(`expected an array of true/false, got ${JSON.stringify(value)}`)
      if (value.length > point.count && strict) throw new ArgumentError(`expected at most ${point.count} bits, got ${value.length}`)
      return Array.from({ length: point.count }, (_, i) => value[i] === true)
    }
    case 'string': {
      if (typeof value !== 'string') throw new ArgumentError(`expected a string, got ${JSON.stringify(value)}`)
      let text = value
      const bytes = point.count * 2
      if (/[^\x00-\xff]/.test(text)) {
        if (strict) throw new ArgumentError(`${JSON.stringify(value)} has characters outside latin1`)
        text = text.replace(/[^\x00-\xff]/g, '?')
      }
      if (text.length > bytes) {
        if (strict) throw new ArgumentError(`expected at most ${bytes} characters (${point.count} registers), got ${text.length}`)
        text = text.slice(0, bytes)
      }
      const registers = new PayloadBuilder().addString(text, { length: bytes }).toRegisters()
      return point.order.byteOrder === 'little' ? swapBytes(registers) : registers
    }
    default:
      return new PayloadBuilder(point.order).addNumeric(point.type, rawValue(point, value, !strict) as never).toRegisters()
  }
}

/** A point's value from the registers or bits it occupies. */
export function decodePoint(point: Point, raw: readonly number[] | readonly boolean[]): PointValue {
  switch (point.type) {
    case 'bool':
      return raw[0] === true
    case 'bits':
      return (raw as boolean[]).slice(0, point.count)
    case 'string': {
      const registers = point.order.byteOrder === 'little' ? swapBytes((raw as number[]).slice()) : (raw as number[])
      return PayloadDecoder.fromRegisters(registers).string(point.count * 2, { trim: true })
    }
    default:
      return scaleRaw(point, PayloadDecoder.fromRegisters(raw as number[], point.order).numeric(point.type))
  }
}
