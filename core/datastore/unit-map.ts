/**
 * UnitMap: which addresses a unit has, taken from its in-memory template (the MemoryUnit a device
 * file builds), for units whose values live elsewhere (SQLite, Redis). The device file stays the
 * authority on the map — sequential or sparse tables, zeroMode — and on the initial values; the
 * store holds the current values.
 */
import { illegalAddress } from './device-exception.ts'
import type { MemoryUnit } from './memory-unit.ts'
import { SequentialBlock } from './sequential-block.ts'
import { SparseBlock } from './sparse-block.ts'
import type { DataBlock, TableName } from './types.ts'
import { formatRange } from './value-checks.ts'

/** The four tables a store keeps, in a fixed order. */
export const STORED_TABLES = ['coils', 'discreteInputs', 'holdingRegisters', 'inputRegisters'] as const

/** True for the bit tables. */
export function isBitTable(table: TableName): table is 'coils' | 'discreteInputs' {
  return table === 'coils' || table === 'discreteInputs'
}

/** A run of consecutive protocol addresses and their initial values (bits as 0/1). */
export interface SeedRun {
  address: number
  values: number[]
}

/** Seeds are handed out in runs of at most this many addresses (one statement or script each). */
const MAX_RUN = 1000

/** The address map of one unit, in protocol addresses (zeroMode applied as the template does). */
export class UnitMap {
  private readonly offset: number

  constructor(readonly template: MemoryUnit) {
    this.offset = template.zeroMode ? 0 : 1
  }

  /**
   * Throws illegalAddress (0x02) unless every address in [address, address + count) is in the
   * table; the message is the template's own (it names the table, the range and what it holds).
   */
  check(table: TableName, address: number, count: number): void {
    if (this.block(table).has(address + this.offset, count)) return
    if (isBitTable(table)) this.template.readBits(table, address, count)
    else this.template.readRegisters(table, address, count)
    throw illegalAddress(`${table}: ${formatRange(address, count)} is not in the map`)
  }

  /** The table's addresses with the template's values, ascending, in runs of consecutive addresses. */
  *seeds(table: TableName): Generator<SeedRun> {
    const block = this.block(table)
    let start = -1
    let length = 0
    for (const address of this.addresses(block)) {
      if (start >= 0 && address === start + length && length < MAX_RUN) {
        length++
        continue
      }
      if (start >= 0) yield this.run(table, start, length)
      start = address
      length = 1
    }
    if (start >= 0) yield this.run(table, start, length)
  }

  private run(table: TableName, address: number, length: number): SeedRun {
    const values = isBitTable(table) ? this.template.readBits(table, address, length).map(Number) : this.template.readRegisters(table, address, length)
    return { address, values }
  }

  /** Protocol addresses 0..0xFFFF the block holds, ascending (fast for the two built-in blocks). */
  private *addresses(block: DataBlock<boolean> | DataBlock<number>): Generator<number> {
    const offset = this.offset
    if (block instanceof SequentialBlock) {
      const first = Math.max(block.start - offset, 0)
      const end = Math.min(block.start + block.length - offset, 0x10000)
      for (let a = first; a < end; a++) yield a
    } else if (block instanceof SparseBlock) {
      for (const b of block.addresses()) if (b - offset >= 0 && b - offset <= 0xffff) yield b - offset
    } else {
      for (let a = 0; a <= 0xffff; a++) if (block.has(a + offset, 1)) yield a
    }
  }

  private block(table: TableName): DataBlock<boolean> | DataBlock<number> {
    return this.template[table]
  }
}
