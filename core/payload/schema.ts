/**
 * One-shot payload encoding and decoding from a list of fields, for the command line and for
 * configuration files: `decodePayload(registers, fields)` gives an object keyed by field name and
 * `encodePayload(object, fields)` gives the registers back.
 */
import { ArgumentError, ModbusError } from '../errors.ts'
import { checkBcdBytes } from './bcd.ts'
import type { PayloadOrder } from './byte-order.ts'
import { PayloadBuilder } from './builder.ts'
import { PayloadDecoder } from './decoder.ts'
import { type NumericType, NUMERIC_SIZES, isBigIntType, isNumericType } from './numeric.ts'
import { type StringEncoding, checkLength } from './strings.ts'

/** A number-valued or bigint-valued field (int8 … uint64, float32, float64). */
export interface NumericField {
  name: string
  type: NumericType
}

/** A fixed-length text field; see StringBuildOptions and StringDecodeOptions. */
export interface StringField {
  name: string
  type: 'string'
  /** Length in bytes. */
  length: number
  encoding?: StringEncoding
  /** Pad byte written after the text and, with `trim`, dropped on decode. Default 0x00. */
  pad?: number
  /** Drop trailing pad bytes on decode. Default false. */
  trim?: boolean
}

/** Booleans packed eight per byte, LSB first; decodes to 8 × `bytes` booleans. */
export interface BitsField {
  name: string
  type: 'bits'
  /** Bytes in the field. Default 1. */
  bytes?: number
}

/** Packed BCD of `bytes` bytes (1..7). */
export interface BcdField {
  name: string
  type: 'bcd'
  bytes: number
}

/** A gap of `bytes` bytes: zeros on encode, passed over on decode; it has no value. */
export interface SkipField {
  name?: string
  type: 'skip'
  bytes: number
}

/** One entry of a payload layout. */
export type PayloadField = NumericField | StringField | BitsField | BcdField | SkipField

/** Every field type name. */
export type PayloadType = PayloadField['type']

/** A decoded field value: number, bigint (64-bit integers), string, or booleans (bits). */
export type PayloadValue = number | bigint | string | boolean[]

/** Decoded values keyed by field name. */
export type PayloadValues = Record<string, PayloadValue>

function fieldLabel(field: PayloadField, index: number): string {
  return field.name === undefined ? `field ${index} (${field.type})` : `field "${field.name}" (${field.type})`
}

/** The bytes one field occupies; throws an ArgumentError if its description is unusable. */
function fieldSize(who: string, field: PayloadField, index: number): number {
  if (field === null || typeof field !== 'object') throw new ArgumentError(`${who}: field ${index} is not an object`)
  const label = `${who}: ${fieldLabel(field, index)}`
  if (field.type !== 'skip' && (typeof field.name !== 'string' || field.name === '')) {
    throw new ArgumentError(`${who}: field ${index} (${String(field.type)}) needs a non-empty name`)
  }
  if (isNumericType(field.type)) return NUMERIC_SIZES[field.type]
  switch (field.type) {
    case 'string':
      checkLength(label, 'length', field.length)
      return field.length
    case 'bits':
      if (field.bytes === undefined) return 1
      checkLength(label, 'bytes', field.bytes)
      return field.bytes
    case 'bcd':
      checkBcdBytes(label, field.bytes)
      return field.bytes
    case 'skip':
      checkLength(label, 'bytes', field.bytes)
      return field.bytes
  }
  throw new ArgumentError(`${who}: field ${index} has unknown type ${JSON.stringify((field as { type: unknown }).type)}`)
}

/**
 * Checks a field list (names present and unique, types known, sizes valid) and returns the
 * payload length in bytes. Throws an ArgumentError naming the first bad field.
 */
export function fieldsByteLength(fields: readonly PayloadField[], who = 'fieldsByteLength'): number {
  if (!Array.isArray(fields)) throw new ArgumentError(`${who}: fields must be an array`)
  const seen = new Set<string>()
  let total = 0
  for (let i = 0; i < fields.length; i++) {
    total += fieldSize(who, fields[i], i)
    const name = fields[i].name
    if (name === undefined) continue
    if (seen.has(name)) throw new ArgumentError(`${who}: field ${i} repeats the name "${name}"`)
    seen.add(name)
  }
  return total
}

/** Registers a field list spans (its byte length rounded up): the quantity to read. */
export function fieldsRegisterCount(fields: readonly PayloadField[]): number {
  return (fieldsByteLength(fields, 'fieldsRegisterCount') + 1) >>> 1
}

/** Re-raises a builder or decoder error with the field named first; the original is the cause. */
function withField(err: unknown, who: string, label: string): never {
  if (err instanceof ArgumentError) throw new ArgumentError(`${who}: ${label}: ${err.message}`, { cause: err })
  if (err instanceof ModbusError) throw new ModbusError(err.code, `${who}: ${label}: ${err.message}`, { cause: err })
  throw err
}

/**
 * Decodes `registers` field by field into an object keyed by field name (skip fields yield
 * nothing). Registers beyond the fields are ignored; too few throw ModbusError
 * MB_ERR_TRUNCATED and a bad BCD digit MB_ERR_VALUE, each naming the field.
 */
export function decodePayload(
  registers: readonly number[],
  fields: readonly PayloadField[],
  opts?: PayloadOrder,
): PayloadValues {
  fieldsByteLength(fields, 'decodePayload')
  const decoder = PayloadDecoder.fromRegisters(registers, opts)
  const out: PayloadValues = {}
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]
    try {
      if (f.type === 'skip') decoder.skip(f.bytes)
      else out[f.name] = readField(decoder, f)
    } catch (err) {
      withField(err, 'decodePayload', fieldLabel(f, i))
    }
  }
  return out
}

function readField(decoder: PayloadDecoder, f: Exclude<PayloadField, SkipField>): PayloadValue {
  switch (f.type) {
    case 'string': return decoder.string(f.length, { encoding: f.encoding, pad: f.pad, trim: f.trim })
    case 'bits': return decoder.bits(f.bytes ?? 1)
    case 'bcd': return decoder.bcd(f.bytes)
    default: return decoder.numeric(f.type)
  }
}

/**
 * Accepts what a command line or a JSON file can carry for a 64-bit integer: a bigint, a safe
 * integer number, or a string of decimal digits with an optional minus sign.
 */
function toBigInt(value: unknown): unknown {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value)
  if (typeof value === 'string' && /^-?[0-9]+$/.test(value)) return BigInt(value)
  return value
}

/**
 * Encodes `values` (keyed by field name) into registers. Every named field needs a value and
 * every value needs a field; 64-bit integers may also be given as safe integers or decimal
 * strings; a bits value may be shorter than its field (padded with false). Bad values throw an
 * ArgumentError naming the field.
 */
export function encodePayload(
  values: Readonly<Record<string, unknown>>,
  fields: readonly PayloadField[],
  opts?: PayloadOrder,
): number[] {
  fieldsByteLength(fields, 'encodePayload')
  if (values === null || typeof values !== 'object') throw new ArgumentError('encodePayload: values must be an object')
  const names = new Set<string>()
  for (const f of fields) if (f.name !== undefined && f.type !== 'skip') names.add(f.name)
  for (const key of Object.keys(values)) {
    if (!names.has(key)) throw new ArgumentError(`encodePayload: value "${key}" matches no field`)
  }
  const builder = new PayloadBuilder(opts)
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]
    const label = fieldLabel(f, i)
    if (f.type !== 'skip' && !Object.hasOwn(values, f.name)) {
      throw new ArgumentError(`encodePayload: ${label} has no value`)
    }
    try {
      writeField(builder, f, f.type === 'skip' ? undefined : values[f.name])
    } catch (err) {
      withField(err, 'encodePayload', label)
    }
  }
  return builder.toRegisters()
}

function writeField(builder: PayloadBuilder, f: PayloadField, value: unknown): void {
  switch (f.type) {
    case 'skip':
      builder.skip(f.bytes)
      return
    case 'string':
      builder.addString(value as string, { length: f.length, encoding: f.encoding, pad: f.pad })
      return
    case 'bcd':
      builder.addBcd(value as number, f.bytes)
      return
    case 'bits': {
      const bytes = f.bytes ?? 1
      if (!Array.isArray(value) || value.length > bytes * 8) {
        throw new ArgumentError(`expected at most ${bytes * 8} booleans, got ${Array.isArray(value) ? value.length : typeof value}`)
      }
      const padded = value.length === bytes * 8 ? value : value.concat(new Array<boolean>(bytes * 8 - value.length).fill(false))
      builder.addBits(padded)
      return
    }
    default:
      builder.addNumeric(f.type, (isBigIntType(f.type) ? toBigInt(value) : value) as number)
  }
}
