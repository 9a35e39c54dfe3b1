/**
 * PayloadDecoder: reads typed values from registers, bytes or coils, in sequence (PyModbus's
 * BinaryPayloadDecoder, with reads past the end reported instead of misread).
 */
import { ArgumentError, ModbusError } from '../errors.ts'
import { packBits, packedSize, unpackBits } from '../pdu/bit-packing.ts'
import { checkBcdBytes, readBcd } from './bcd.ts'
import { type OrderLayouts, type PayloadOrder, type ResolvedOrder, layoutsFor, resolveOrder } from './byte-order.ts'
import { type NumericType, type NumericValue, NUMERIC_SIZES, isNumericType, readNumeric } from './numeric.ts'
import { type StringDecodeOptions, checkLength, readString, resolveStringDecodeOptions } from './strings.ts'

/**
 * Reads a payload front to back. Every read checks that enough bytes remain and otherwise throws
 * ModbusError MB_ERR_TRUNCATED naming the read, the bytes it needs and the bytes left; the
 * position does not move on a failed read.
 *
 * ```ts
 * const d = PayloadDecoder.fromRegisters([0x0001, 0x0000, 0xC020], { wordOrder: 'little' })
 * d.uint16() // 1
 * d.float32() // -2.5
 * ```
 *
 * Byte and word order apply to the 16-, 32- and 64-bit numeric types only (see PayloadBuilder).
 */
export class PayloadDecoder {
  /** The order this decoder reads in. */
  readonly order: ResolvedOrder
  private readonly buf: Buffer
  private readonly layouts: OrderLayouts
  private pos = 0

  private constructor(buf: Buffer, order: ResolvedOrder) {
    this.buf = buf
    this.order = order
    this.layouts = layoutsFor(order)
  }

  /** Decodes registers (integers 0..0xFFFF), each contributing its high byte then its low byte. */
  static fromRegisters(registers: readonly number[], opts?: PayloadOrder): PayloadDecoder {
    const order = resolveOrder(opts, 'PayloadDecoder.fromRegisters')
    if (!Array.isArray(registers)) {
      throw new ArgumentError(`PayloadDecoder.fromRegisters: expected an array of registers, got ${typeof registers}`)
    }
    const buf = Buffer.allocUnsafe(registers.length * 2)
    for (let i = 0; i < registers.length; i++) {
      const r = registers[i]
      if (typeof r !== 'number' || !Number.isInteger(r) || r < 0 || r > 0xffff) {
        throw new ArgumentError(`PayloadDecoder.fromRegisters: register ${i} is ${String(r)}, not an integer 0..0xFFFF`)
      }
      buf[2 * i] = r >>> 8
      buf[2 * i + 1] = r & 0xff
    }
    return new PayloadDecoder(buf, order)
  }

  /** Decodes bytes in place: the decoder keeps a view of `bytes`, so do not change them while decoding. */
  static fromBuffer(bytes: Uint8Array, opts?: PayloadOrder): PayloadDecoder {
    const order = resolveOrder(opts, 'PayloadDecoder.fromBuffer')
    if (!(bytes instanceof Uint8Array)) {
      throw new ArgumentError(`PayloadDecoder.fromBuffer: expected a Buffer or Uint8Array, got ${typeof bytes}`)
    }
    const view = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    return new PayloadDecoder(view, order)
  }

  /**
   * Decodes coils packed as §6.1 packs them: coil i is bit i mod 8 of payload byte ⌊i/8⌋, so a
   * Read Coils result decodes like the bytes of its response, and PayloadBuilder.toCoils comes
   * back unchanged. A count that is not a multiple of 8 is padded with false at the end.
   */
  static fromCoils(coils: readonly boolean[], opts?: PayloadOrder): PayloadDecoder {
    const order = resolveOrder(opts, 'PayloadDecoder.fromCoils')
    if (!Array.isArray(coils)) {
      throw new ArgumentError(`PayloadDecoder.fromCoils: expected an array of booleans, got ${typeof coils}`)
    }
    for (let i = 0; i < coils.length; i++) {
      if (typeof coils[i] !== 'boolean') {
        throw new ArgumentError(`PayloadDecoder.fromCoils: coil ${i} is ${typeof coils[i]} ${String(coils[i])}, not a boolean`)
      }
    }
    const buf = Buffer.allocUnsafe(packedSize(coils.length))
    packBits(coils, buf, 0)
    return new PayloadDecoder(buf, order)
  }

  /** Bytes not yet read. */
  get remaining(): number {
    return this.buf.length - this.pos
  }

  /** Bytes read so far (the position of the next read). */
  get offset(): number {
    return this.pos
  }

  /** Total payload length in bytes. */
  get byteLength(): number {
    return this.buf.length
  }

  /** Reads a value of any numeric type: `uint16()` is `numeric('uint16')`. */
  numeric<T extends NumericType>(type: T): NumericValue<T> {
    if (!isNumericType(type)) throw new ArgumentError(`numeric: unknown numeric type ${String(type)}`)
    return this.read(type) as NumericValue<T>
  }

  /** Reads an int8 (one byte). */
  int8(): number {
    return this.read('int8') as number
  }

  /** Reads a uint8 (one byte). */
  uint8(): number {
    return this.read('uint8') as number
  }

  /** Reads an int16 (one register). */
  int16(): number {
    return this.read('int16') as number
  }

  /** Reads a uint16 (one register). */
  uint16(): number {
    return this.read('uint16') as number
  }

  /** Reads an int32 (two registers). */
  int32(): number {
    return this.read('int32') as number
  }

  /** Reads a uint32 (two registers). */
  uint32(): number {
    return this.read('uint32') as number
  }

  /** Reads an int64 (four registers) as a bigint. */
  int64(): bigint {
    return this.read('int64') as bigint
  }

  /** Reads a uint64 (four registers) as a bigint. */
  uint64(): bigint {
    return this.read('uint64') as bigint
  }

  /** Reads an IEEE 754 binary32 (two registers). */
  float32(): number {
    return this.read('float32') as number
  }

  /** Reads an IEEE 754 binary64 (four registers). */
  float64(): number {
    return this.read('float64') as number
  }

  /** Reads `length` bytes of text; `opts.trim` drops trailing pad bytes (0x00 unless `opts.pad`). */
  string(length: number, opts?: StringDecodeOptions): string {
    checkLength('string', 'length', length)
    const settled = resolveStringDecodeOptions('string', opts)
    const at = this.take('string', length)
    return readString(this.buf, at, length, settled)
  }

  /** Reads `bytes` bytes (default 1) as 8 × `bytes` booleans, least significant bit first (§6.1 packing). */
  bits(bytes = 1): boolean[] {
    checkLength('bits', 'byte count', bytes)
    const at = this.take('bits', bytes)
    return unpackBits(this.buf, at, bytes * 8)
  }

  /** Reads `bytes` bytes of packed BCD; a nibble above 9 throws ModbusError MB_ERR_VALUE. */
  bcd(bytes: number): number {
    checkBcdBytes('bcd', bytes)
    this.need('bcd', bytes)
    const value = readBcd(this.buf, this.pos, bytes)
    this.pos += bytes
    return value
  }

  /** Skips `bytes` bytes. */
  skip(bytes: number): this {
    checkLength('skip', 'byte count', bytes)
    this.take('skip', bytes)
    return this
  }

  /** Moves back to the first byte. */
  reset(): this {
    this.pos = 0
    return this
  }

  private read(type: NumericType): number | bigint {
    const at = this.take(type, NUMERIC_SIZES[type])
    return readNumeric(type, this.layouts, this.buf, at)
  }

  private need(what: string, bytes: number): void {
    if (bytes <= this.buf.length - this.pos) return
    throw new ModbusError(
      'MB_ERR_TRUNCATED',
      `${what} needs ${bytes} bytes at offset ${this.pos}, but only ${this.buf.length - this.pos} of ${this.buf.length} remain`,
    )
  }

  /** Checks that `bytes` remain, advances past them and returns where they start. */
  private take(what: string, bytes: number): number {
    this.need(what, bytes)
    const at = this.pos
    this.pos += bytes
    return at
  }
}
