/**
 * Typed register values on the command line (--type, --byte-order, --word-order, --swap): reads
 * are decoded and writes encoded through core/payload, so the command line lays values out exactly
 * as PayloadBuilder and PayloadDecoder do.
 *
 * Registers per value: int16, uint16, hex, bits and bcd 1; int32, uint32 and float32 2; int64,
 * uint64 and float64 4. A string is one value over all the registers read (two characters each).
 */
import { ArgumentError } from '../core/errors.ts'
import { PayloadBuilder, PayloadDecoder, INTEGER_RANGES, BIGINT_RANGES, type Endian, type PayloadOrder } from '../core/payload/index.ts'
import { parseBigInt, parseDecimal, parseInteger } from './numbers.ts'
import { VALUE_TYPES, type ValueType } from './value-type-names.ts'

export { VALUE_TYPES, type ValueType }

/** Registers one value of `type` occupies (string: 1, per two characters). */
export function registersPerValue(type: ValueType): number {
  switch (type) {
    case 'int32':
    case 'uint32':
    case 'float32':
      return 2
    case 'int64':
    case 'uint64':
    case 'float64':
      return 4
    default:
      return 1
  }
}

/** A decoded value as the output prints it: numbers, bigints (64-bit) and strings (hex, bits, text). */
export type TypedValue = number | bigint | string

/** Byte and word order from the options; --swap is --word-order little (mbpoll without -B, Modbus Poll's "CD AB"). */
export function orderFromOptions(o: { byteOrder?: Endian; wordOrder?: Endian; swap?: boolean }): PayloadOrder {
  if (o.swap && o.wordOrder !== undefined) throw new ArgumentError('give --swap or --word-order, not both (--swap is --word-order little)')
  return { byteOrder: o.byteOrder ?? 'big', wordOrder: o.swap ? 'little' : (o.wordOrder ?? 'big') }
}

/** Swaps the two bytes of every register (strings under --byte-order little). */
function swapBytes(registers: readonly number[]): number[] {
  return registers.map((r) => ((r & 0xff) << 8) | (r >>> 8))
}

/**
 * Decodes registers into values of `type`. Registers that do not fill a whole value are an error
 * (the reply was shorter than the values asked for).
 */
export function decodeRegisters(registers: readonly number[], type: ValueType, order: PayloadOrder): TypedValue[] {
  if (type === 'string') {
    const regs = order.byteOrder === 'little' ? swapBytes(registers) : registers
    return [PayloadDecoder.fromRegisters(regs).string(regs.length * 2, { trim: true })]
  }
  const width = registersPerValue(type)
  if (registers.length % width !== 0) throw new ArgumentError(`${registers.length} registers do not hold whole ${type} values (${width} registers each)`)
  const decoder = PayloadDecoder.fromRegisters(registers, order)
  const out: TypedValue[] = []
  for (let i = 0; i < registers.length; i += width) {
    switch (type) {
      case 'hex':
        out.push('0x' + decoder.uint16().toString(16).toUpperCase().padStart(4, '0'))
        break
      case 'bits':
        out.push(decoder.uint16().toString(2).padStart(16, '0'))
        break
      case 'bcd':
        out.push(decoder.bcd(2))
        break
      default:
        out.push(decoder.numeric(type))
    }
  }
  return out
}

/** Parses one value of `type` from text, refusing anything it does not fully understand. */
function addValue(builder: PayloadBuilder, type: Exclude<ValueType, 'string'>, text: string, option: string): void {
  switch (type) {
    case 'hex': {
      if (!/^(?:0x)?[0-9a-f]{1,4}$/i.test(text)) throw new ArgumentError(`${option}: ${JSON.stringify(text)} is not a 16-bit hex value (e.g. 0x1A2B)`)
      builder.addUint16(Number.parseInt(text.replace(/^0x/i, ''), 16))
      return
    }
    case 'bits': {
      const digits = text.replace(/^0b/i, '').replace(/[_ ]/g, '')
      if (!/^[01]{1,16}$/.test(digits)) throw new ArgumentError(`${option}: ${JSON.stringify(text)} is not up to 16 binary digits, bit 15 first`)
      builder.addUint16(Number.parseInt(digits, 2))
      return
    }
    case 'bcd':
      builder.addBcd(parseInteger(text, option, 0, 9999), 2)
      return
    case 'float32':
    case 'float64':
      builder.addNumeric(type, parseDecimal(text, option))
      return
    case 'int64':
    case 'uint64': {
      const v = parseBigInt(text, option)
      const [min, max] = BIGINT_RANGES[type]
      if (v < min || v > max) throw new ArgumentError(`${option}: ${text} is out of range for ${type} (${min}..${max})`)
      builder.addNumeric(type, v)
      return
    }
    default: {
      const [min, max] = INTEGER_RANGES[type]
      builder.addNumeric(type, parseInteger(text, `${option} (${type})`, min, max))
    }
  }
}

/** Encodes values given as text into registers: one item per value, or the whole text for a string. */
export function encodeValues(items: readonly string[], type: ValueType, order: PayloadOrder, option: string): number[] {
  if (type === 'string') {
    if (items.length !== 1) throw new ArgumentError(`${option}: a string is one value`)
    const text = items[0]
    const bytes = Buffer.byteLength(text, 'latin1')
    if ([...text].some((c) => c.charCodeAt(0) > 0xff)) throw new ArgumentError(`${option}: ${JSON.stringify(text)} has characters outside latin1`)
    const registers = new PayloadBuilder().addString(text, { length: bytes + (bytes % 2) }).toRegisters()
    return order.byteOrder === 'little' ? swapBytes(registers) : registers
  }
  const builder = new PayloadBuilder(order)
  for (const item of items) addValue(builder, type, item, option)
  return builder.toRegisters()
}

/** JSON for a typed value: 64-bit integers as decimal strings, so no digit is lost. */
export function jsonValue(v: TypedValue | boolean): number | string | boolean | null {
  if (typeof v === 'bigint') return v.toString()
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v)
  return v
}
