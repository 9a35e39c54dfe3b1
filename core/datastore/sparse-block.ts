/**
 * SparseBlock: addresses with gaps (PyModbus's ModbusSparseDataBlock). Real devices leave holes in
 * their maps — a three-phase register layout on a one-phase meter — and a request touching a hole
 * must answer exception 0x02.
 */
import { ArgumentError, hex } from '../errors.ts'
import { illegalAddress } from './device-exception.ts'
import type { DataBlock } from './types.ts'
import { checkU16, formatRange, isRegisterValue } from './value-checks.ts'

/** The forms a sparse block is built from: {address: value}, an array (index = address, holes skipped) or a Map. */
export type SparseValues<T> = Readonly<Record<number, T>> | readonly T[] | ReadonlyMap<number, T>

/**
 * A Map of address → value. `has(address, count)` is true iff every address in
 * [address, address + count) exists, and false for a count of 0.
 *
 * Spec over PyModbus: PyModbus's sparse block creates missing keys on set. This one writes only to
 * addresses it already has (set() throws illegalAddress otherwise, before changing anything),
 * because an address the device lacks must keep answering 0x02 after a client writes to it.
 */
export class SparseBlock<T extends boolean | number> implements DataBlock<T> {
  private readonly map = new Map<number, T>()

  /** Copies `values`; every address must be an integer 0..0xFFFF. Prefer sparseRegisters()/sparseBits(), which check the values too. */
  constructor(values: SparseValues<T>) {
    const entries: Iterable<readonly [number | string, T]> =
      values instanceof Map ? values.entries() : Array.isArray(values) ? arrayEntries(values) : Object.entries(values)
    for (const [key, value] of entries) {
      const address = Number(key)
      checkU16('SparseBlock: address', address)
      this.map.set(address, value)
    }
  }

  /** Number of addresses held. */
  get size(): number {
    return this.map.size
  }

  /** True when every address in [address, address + count) exists; false for count 0. */
  has(address: number, count: number): boolean {
    if (count < 1) return false
    const map = this.map
    for (let i = 0; i < count; i++) if (!map.has(address + i)) return false
    return true
  }

  /** The values at [address, address + count). */
  get(address: number, count: number): T[] {
    const out = new Array<T>(count)
    for (let i = 0; i < count; i++) out[i] = this.map.get(address + i) as T
    return out
  }

  /** Overwrites existing addresses from `address` on; throws illegalAddress (writing nothing) if any is missing. */
  set(address: number, values: readonly T[]): void {
    if (!this.has(address, values.length)) {
      throw illegalAddress(`sparse block: ${formatRange(address, values.length)} includes an address the block does not have (${this.describe(address, values.length)})`)
    }
    for (let i = 0; i < values.length; i++) this.map.set(address + i, values[i])
  }

  /** The addresses held, ascending. */
  addresses(): number[] {
    return [...this.map.keys()].sort((a, b) => a - b)
  }

  /** What the block holds, for messages; given a range, names its first missing address. */
  describe(address?: number, count?: number): string {
    const keys = this.addresses()
    if (keys.length === 0) return 'sparse block: empty'
    const held = keys.length <= 8 ? keys.map((k) => hex(k, 4)).join(', ') : `${keys.length} addresses in ${formatRange(keys[0], keys[keys.length - 1] - keys[0] + 1)}`
    if (address === undefined || count === undefined) return `sparse block: ${held}`
    for (let i = 0; i < count; i++) {
      if (!this.map.has(address + i)) return `sparse block: ${hex(address + i, 4)} is a gap; held: ${held}`
    }
    return `sparse block: ${held}`
  }
}

function* arrayEntries<T>(values: readonly T[]): Generator<readonly [number, T]> {
  for (let i = 0; i < values.length; i++) if (i in values) yield [i, values[i]]
}

/** A sparse register block; every value must be an integer 0..0xFFFF. */
export function sparseRegisters(values: SparseValues<number>): SparseBlock<number> {
  const block = new SparseBlock<number>(values)
  for (const address of block.addresses()) {
    const value = block.get(address, 1)[0]
    if (!isRegisterValue(value)) throw new ArgumentError(`sparseRegisters(): value ${String(value)} at ${hex(address, 4)} is not an integer 0..0xFFFF`)
  }
  return block
}

/** A sparse bit block; every value must be a boolean. */
export function sparseBits(values: SparseValues<boolean>): SparseBlock<boolean> {
  const block = new SparseBlock<boolean>(values)
  for (const address of block.addresses()) {
    const value = block.get(address, 1)[0]
    if (typeof value !== 'boolean') throw new ArgumentError(`sparseBits(): value ${String(value)} at ${hex(address, 4)} is not a boolean`)
  }
  return block
}
