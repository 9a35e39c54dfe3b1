/**
 * SequentialBlock: a contiguous run of addresses (PyModbus's ModbusSequentialDataBlock), backed by
 * one typed array — Uint16Array for registers, Uint8Array (one byte per bit) for bits — so reads
 * and writes are index arithmetic with no per-address lookups.
 */
import type { DataBlock } from './types.ts'
import { checkAddressRange, checkBitValues, checkRegisterValues, formatRange } from './value-checks.ts'

/** What a block holds: bits (coils, discrete inputs) or 16-bit registers. */
export type BlockKind = 'bits' | 'registers'

/**
 * `length` values from address `start`. `has(address, count)` is true iff
 * `start <= address` and `address + count <= start + length` (PyModbus's validate, so a count of
 * 0 inside or at the end of the block is true; the codecs never ask for 0).
 *
 * Build one with `registers(start, valuesOrLength)` or `bits(start, valuesOrLength)`. `get`
 * returns a plain array; `set` trusts its caller (the request handler checks has() and the codec
 * checks each register is 0..0xFFFF), because it sits on the hot path.
 */
export class SequentialBlock<T extends boolean | number> implements DataBlock<T> {
  /** First address. */
  readonly start: number
  /** Number of addresses; the block ends before `start + length` (at most 0x10000). */
  readonly length: number
  /** Bits or registers. */
  readonly kind: BlockKind
  private readonly store: Uint8Array | Uint16Array

  private constructor(kind: BlockKind, start: number, store: Uint8Array | Uint16Array) {
    this.kind = kind
    this.start = start
    this.length = store.length
    this.store = store
  }

  /** A register block from `start`: given values (each 0..0xFFFF, copied) or `length` zeros. */
  static registers(start: number, valuesOrLength: readonly number[] | number): SequentialBlock<number> {
    const length = typeof valuesOrLength === 'number' ? valuesOrLength : valuesOrLength.length
    checkAddressRange('registers()', start, length)
    const store = new Uint16Array(length)
    if (typeof valuesOrLength !== 'number') {
      checkRegisterValues('registers()', valuesOrLength)
      store.set(valuesOrLength)
    }
    return new SequentialBlock<number>('registers', start, store)
  }

  /** A bit block from `start`: given values (copied) or `length` values of false. */
  static bits(start: number, valuesOrLength: readonly boolean[] | number): SequentialBlock<boolean> {
    const length = typeof valuesOrLength === 'number' ? valuesOrLength : valuesOrLength.length
    checkAddressRange('bits()', start, length)
    const store = new Uint8Array(length)
    if (typeof valuesOrLength !== 'number') {
      checkBitValues('bits()', valuesOrLength)
      for (let i = 0; i < length; i++) store[i] = valuesOrLength[i] ? 1 : 0
    }
    return new SequentialBlock<boolean>('bits', start, store)
  }

  /** True when [address, address + count) lies inside the block. */
  has(address: number, count: number): boolean {
    return this.start <= address && address + count <= this.start + this.length
  }

  /** The values at [address, address + count), as a new plain array. */
  get(address: number, count: number): T[] {
    const store = this.store
    const from = address - this.start
    const out = new Array<T>(count)
    if (this.kind === 'bits') {
      for (let i = 0; i < count; i++) out[i] = (store[from + i] === 1) as T
    } else {
      for (let i = 0; i < count; i++) out[i] = store[from + i] as T
    }
    return out
  }

  /** Overwrites values from `address` on. */
  set(address: number, values: readonly T[]): void {
    const store = this.store
    const from = address - this.start
    if (this.kind === 'bits') {
      for (let i = 0; i < values.length; i++) store[from + i] = values[i] ? 1 : 0
    } else {
      for (let i = 0; i < values.length; i++) store[from + i] = values[i] as number
    }
  }

  /** What the block holds, for error messages: "registers 0x0000..0x0063 (100 addresses)". */
  describe(): string {
    if (this.length === 0) return `${this.kind}: empty`
    return `${this.kind} ${formatRange(this.start, this.length)} (${this.length} addresses)`
  }
}

/** Shorthand for `SequentialBlock.registers(start, valuesOrLength)`. */
export function registers(start: number, valuesOrLength: readonly number[] | number): SequentialBlock<number> {
  return SequentialBlock.registers(start, valuesOrLength)
}

/** Shorthand for `SequentialBlock.bits(start, valuesOrLength)`. */
export function bits(start: number, valuesOrLength: readonly boolean[] | number): SequentialBlock<boolean> {
  return SequentialBlock.bits(start, valuesOrLength)
}
