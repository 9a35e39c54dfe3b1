/**
 * PayloadBuilder: lays typed values out over registers (PyModbus's BinaryPayloadBuilder, with its
 * values checked and its coil layout fixed).
 *
 * Each add* method checks its value at once, so a bad value fails at the call that passed it,
 * and records it. The output methods compute the total size, allocate once and write each value
 * at its offset.
 */
import { ArgumentError } from '../errors.ts'
import { packBits, packedSize, unpackBits } from '../pdu/bit-packing.ts'
import { checkBcd, writeBcd } from './bcd.ts'
import { type OrderLayouts, type PayloadOrder, type ResolvedOrder, layoutsFor, resolveOrder } from './byte-order.ts'
import { type NumericType, type NumericValue, NUMERIC_SIZES, checkNumeric, isNumericType, writeNumeric } from './numeric.ts'
import { type PreparedString, type StringBuildOptions, checkLength, prepareString, writeString } from './strings.ts'

type Entry =
  | { kind: 'numeric'; type: NumericType; value: number | bigint }
  | { kind: 'string'; text: PreparedString }
  | { kind: 'bits'; values: readonly boolean[] }
  | { kind: 'bcd'; value: number; bytes: number }
  | { kind: 'skip'; bytes: number }

/** The add* method name of each numeric type, for messages. */
const ADD_METHODS = {
  int8: 'addInt8',
  uint8: 'addUint8',
  int16: 'addInt16',
  uint16: 'addUint16',
  int32: 'addInt32',
  uint32: 'addUint32',
  int64: 'addInt64',
  uint64: 'addUint64',
  float32: 'addFloat32',
  float64: 'addFloat64',
} as const satisfies Record<NumericType, string>

/**
 * Builds a register payload value by value.
 *
 * ```ts
 * new PayloadBuilder({ wordOrder: 'little' }).addUint16(1).addFloat32(-2.5).toRegisters()
 * // [0x0001, 0x0000, 0xC020]
 * ```
 *
 * Byte and word order (see byte-order.ts) apply to the 16-, 32- and 64-bit numeric types. Single
 * bytes (int8, uint8), strings, bits, BCD and skipped bytes go into the payload in order, the
 * first byte being the high byte of the first register.
 */
export class PayloadBuilder {
  /** The order this builder writes in. */
  readonly order: ResolvedOrder
  private readonly layouts: OrderLayouts
  private entries: Entry[] = []
  private size = 0

  /** `opts` sets byte and word order, both `'big'` by default. */
  constructor(opts?: PayloadOrder) {
    this.order = resolveOrder(opts, 'PayloadBuilder')
    this.layouts = layoutsFor(this.order)
  }

  /** Payload length so far in bytes (before padding to whole registers). */
  get byteLength(): number {
    return this.size
  }

  /** Registers that toRegisters() returns: the byte length rounded up to whole registers. */
  get registerCount(): number {
    return (this.size + 1) >>> 1
  }

  /** Adds a value of any numeric type (64-bit types take bigints); `addUint16(v)` is `addNumeric('uint16', v)`. */
  addNumeric<T extends NumericType>(type: T, value: NumericValue<T>): this {
    if (!isNumericType(type)) throw new ArgumentError(`addNumeric: unknown numeric type ${String(type)}`)
    checkNumeric(`addNumeric(${type})`, type, value)
    return this.push({ kind: 'numeric', type, value }, NUMERIC_SIZES[type])
  }

  /** Adds an int8 (−128..127): one byte. */
  addInt8(value: number): this {
    return this.numeric('int8', value)
  }

  /** Adds a uint8 (0..255): one byte. */
  addUint8(value: number): this {
    return this.numeric('uint8', value)
  }

  /** Adds an int16 (−32768..32767): one register. */
  addInt16(value: number): this {
    return this.numeric('int16', value)
  }

  /** Adds a uint16 (0..65535): one register. */
  addUint16(value: number): this {
    return this.numeric('uint16', value)
  }

  /** Adds an int32 (−2^31..2^31−1): two registers. */
  addInt32(value: number): this {
    return this.numeric('int32', value)
  }

  /** Adds a uint32 (0..2^32−1): two registers. */
  addUint32(value: number): this {
    return this.numeric('uint32', value)
  }

  /** Adds an int64 (−2^63..2^63−1) given as a bigint: four registers. */
  addInt64(value: bigint): this {
    return this.numeric('int64', value)
  }

  /** Adds a uint64 (0..2^64−1) given as a bigint: four registers. */
  addUint64(value: bigint): this {
    return this.numeric('uint64', value)
  }

  /**
   * Adds an IEEE 754 binary32: two registers. The value is rounded to the nearest float32;
   * a finite value beyond ±FLOAT32_MAX is refused rather than turned into Infinity.
   */
  addFloat32(value: number): this {
    return this.numeric('float32', value)
  }

  /** Adds an IEEE 754 binary64: four registers. */
  addFloat64(value: number): this {
    return this.numeric('float64', value)
  }

  /**
   * Adds text, padded with `opts.pad` (default 0x00) up to `opts.length` bytes when given.
   * Text longer than `length`, or a latin1 string with a character above U+00FF, is refused.
   */
  addString(text: string, opts?: StringBuildOptions): this {
    const prepared = prepareString('addString', text, opts)
    return this.push({ kind: 'string', text: prepared }, prepared.length)
  }

  /**
   * Adds booleans packed as Modbus packs coils (§6.1): eight per byte, the first in the least
   * significant bit; the last byte is padded with false.
   */
  addBits(values: readonly boolean[]): this {
    if (!Array.isArray(values)) throw new ArgumentError(`addBits: expected an array of booleans, got ${typeof values}`)
    for (let i = 0; i < values.length; i++) {
      if (typeof values[i] !== 'boolean') {
        throw new ArgumentError(`addBits: element ${i} is ${typeof values[i]} ${String(values[i])}, not a boolean`)
      }
    }
    return this.push({ kind: 'bits', values: values.slice() }, packedSize(values.length))
  }

  /** Adds `value` as `bytes` bytes of packed BCD (1234 in 2 bytes is 0x12 0x34); refuses values that do not fit. */
  addBcd(value: number, bytes: number): this {
    checkBcd('addBcd', value, bytes)
    return this.push({ kind: 'bcd', value, bytes }, bytes)
  }

  /** Adds `bytes` zero bytes (a gap in the payload, decoded with PayloadDecoder.skip). */
  skip(bytes: number): this {
    checkLength('skip', 'byte count', bytes)
    return this.push({ kind: 'skip', bytes }, bytes)
  }

  /** Forgets every value added so far; the order stays. */
  reset(): this {
    this.entries = []
    this.size = 0
    return this
  }

  /** The payload bytes, exactly byteLength of them (a fresh Buffer). */
  toBuffer(): Buffer {
    return this.render(this.size)
  }

  /** The payload as registers; an odd final byte is padded with 0x00 to make a whole register. */
  toRegisters(): number[] {
    const buf = this.render(this.registerCount * 2)
    const out = new Array<number>(buf.length >>> 1)
    for (let i = 0; i < out.length; i++) out[i] = (buf[2 * i] << 8) | buf[2 * i + 1]
    return out
  }

  /**
   * The payload as coils, 16 per register (registerCount × 16 booleans). Coil i is bit i mod 8
   * of payload byte ⌊i/8⌋, the payload bytes being the registers' wire bytes (high byte first).
   * That is the packing of §6.11 Write Multiple Coils, so writing these coils sends exactly the
   * bytes of toRegisters(), and PayloadDecoder.fromCoils reads them back. Within register k,
   * bits 8..15 are coils 16k..16k+7 and bits 0..7 are coils 16k+8..16k+15.
   *
   * Spec over PyModbus: PyModbus's to_coils lists each register most significant bit first,
   * which its fromCoils does not invert. Here every register is included, in §6.11 packing, and
   * toCoils and fromCoils are inverses.
   */
  toCoils(): boolean[] {
    const buf = this.render(this.registerCount * 2)
    return unpackBits(buf, 0, buf.length * 8)
  }

  private numeric(type: NumericType, value: number | bigint): this {
    checkNumeric(ADD_METHODS[type], type, value)
    return this.push({ kind: 'numeric', type, value }, NUMERIC_SIZES[type])
  }

  private push(entry: Entry, bytes: number): this {
    this.entries.push(entry)
    this.size += bytes
    return this
  }

  private render(total: number): Buffer {
    const buf = Buffer.alloc(total)
    let offset = 0
    for (const e of this.entries) {
      switch (e.kind) {
        case 'numeric': offset = writeNumeric(e.type, e.value, this.layouts, buf, offset); break
        case 'string': offset = writeString(e.text, buf, offset); break
        case 'bits': offset = packBits(e.values, buf, offset); break
        case 'bcd': offset = writeBcd(e.value, e.bytes, buf, offset); break
        case 'skip': offset += e.bytes; break
      }
    }
    return buf
  }
}
