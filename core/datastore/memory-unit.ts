/**
 * MemoryUnit: a unit's data held in memory (PyModbus's ModbusSlaveContext), with change
 * notification (the reference's callback server) and updates from the application while serving
 * (the reference's updating server).
 *
 * Every method answers synchronously, so the request handler's hot path never waits on a promise.
 * Because JavaScript runs one callback at a time, a request and an external update never
 * interleave: the read-modify-write race the reference's updating server warns about cannot happen.
 */
import { ArgumentError, hex } from '../errors.ts'
import type { ModbusExceptionError } from '../errors.ts'
import { illegalAddress } from './device-exception.ts'
import { currentClient } from './request-client.ts'
import { WriteListeners } from './write-listeners.ts'
import { FifoStore, type FifoValues } from './fifo-store.ts'
import { FileStore, type FileValues } from './file-store.ts'
import { SequentialBlock } from './sequential-block.ts'
import type { BitTable, DataBlock, RegisterTable, TableName, UnitData, WriteEvent } from './types.ts'
import { checkBitValues, checkRegisterValues, checkU16, formatRange } from './value-checks.ts'

/** What a MemoryUnit is made of. A table left out has no addresses: every request to it answers 0x02. */
export interface MemoryUnitOptions {
  coils?: DataBlock<boolean>
  discreteInputs?: DataBlock<boolean>
  holdingRegisters?: DataBlock<number>
  inputRegisters?: DataBlock<number>
  /** Register files for function codes 14/15: file number (1..0xFFFF) → registers, one per record. */
  files?: FileValues
  /** FIFO queues for function code 18: pointer address → values, oldest first. */
  fifos?: FifoValues
  /**
   * true (default): protocol address N is block address N. false: protocol address N is block
   * address N + 1, PyModbus's default mapping (its `zero_mode=False`), for maps written for it.
   * Applies to the four tables only; file and FIFO numbers are used as sent.
   */
  zeroMode?: boolean
}

/** Called after a client's write has been stored. */
export type WriteListener = (event: WriteEvent) => void

/** A block that can say what it holds, for error messages (SequentialBlock and SparseBlock can). */
interface Describable {
  describe(address?: number, count?: number): string
}

function describeBlock(block: object, address: number, count: number): string {
  const d = block as Partial<Describable>
  return typeof d.describe === 'function' ? d.describe(address, count) : 'a custom block'
}

function badTable(table: string): never {
  throw new ArgumentError(`memory unit: unknown table '${table}'`)
}

/**
 * The four tables of §4.3 plus register files and FIFO queues. Blocks may be shared between
 * tables (pass the same block as coils and discreteInputs, or as holdingRegisters and
 * inputRegisters) and then alias the same data, as PyModbus allows.
 *
 * Requests outside the map throw illegalAddress (0x02) with a message naming the table, the
 * range asked for and what the table holds. The set and push methods are the device's own changes:
 * they do not fire onWrite, take protocol addresses (zeroMode applies) and throw ArgumentError.
 */
export class MemoryUnit implements UnitData {
  /** See MemoryUnitOptions.zeroMode. */
  readonly zeroMode: boolean
  readonly coils: DataBlock<boolean>
  readonly discreteInputs: DataBlock<boolean>
  readonly holdingRegisters: DataBlock<number>
  readonly inputRegisters: DataBlock<number>
  private readonly offset: number
  private readonly files: FileStore
  private readonly fifos: FifoStore
  private readonly listeners = new WriteListeners()

  constructor(options: MemoryUnitOptions = {}) {
    this.zeroMode = options.zeroMode ?? true
    this.offset = this.zeroMode ? 0 : 1
    this.coils = options.coils ?? SequentialBlock.bits(0, 0)
    this.discreteInputs = options.discreteInputs ?? SequentialBlock.bits(0, 0)
    this.holdingRegisters = options.holdingRegisters ?? SequentialBlock.registers(0, 0)
    this.inputRegisters = options.inputRegisters ?? SequentialBlock.registers(0, 0)
    this.files = new FileStore(options.files)
    this.fifos = new FifoStore(options.fifos)
  }

  /** Read Coils (01) / Read Discrete Inputs (02). */
  readBits(table: BitTable, address: number, quantity: number): boolean[] {
    const block = this.bitBlock(table)
    const at = address + this.offset
    if (!block.has(at, quantity)) throw this.outside(table, block, address, quantity, 'bits')
    return block.get(at, quantity)
  }

  /** Read Holding Registers (03) / Read Input Registers (04). */
  readRegisters(table: RegisterTable, address: number, quantity: number): number[] {
    const block = this.registerBlock(table)
    const at = address + this.offset
    if (!block.has(at, quantity)) throw this.outside(table, block, address, quantity, 'registers')
    return block.get(at, quantity)
  }

  /** Write Single Coil (05) / Write Multiple Coils (0F); fires onWrite. */
  writeBits(address: number, values: readonly boolean[]): void {
    const at = address + this.offset
    if (!this.coils.has(at, values.length)) throw this.outside('coils', this.coils, address, values.length, 'bits')
    this.coils.set(at, values)
    if (this.listeners.size > 0) this.emit({ table: 'coils', address, values: values.slice() })
  }

  /** Write Single Register (06) / Write Multiple Registers (10) and the write of 17; fires onWrite. */
  writeRegisters(address: number, values: readonly number[]): void {
    const block = this.holdingRegisters
    const at = address + this.offset
    if (!block.has(at, values.length)) throw this.outside('holdingRegisters', block, address, values.length, 'registers')
    block.set(at, values)
    if (this.listeners.size > 0) this.emit({ table: 'holdingRegisters', address, values: values.slice() })
  }

  /**
   * Mask Write Register (16, §6.16): result = (current AND andMask) OR (orMask AND NOT andMask).
   * Returns the new value; fires onWrite.
   */
  maskWriteRegister(address: number, andMask: number, orMask: number): number {
    const block = this.holdingRegisters
    const at = address + this.offset
    if (!block.has(at, 1)) throw this.outside('holdingRegisters', block, address, 1, 'registers')
    // Spec over PyModbus: PyModbus 2.0 computes (cur & and) | or, which lets OR bits through where AND is 1.
    const result = ((block.get(at, 1)[0] & andMask) | (orMask & ~andMask)) & 0xffff
    block.set(at, [result])
    if (this.listeners.size > 0) this.emit({ table: 'holdingRegisters', address, values: [result] })
    return result
  }

  /** Read File Record (14), one sub-request. */
  readFileRecord(file: number, record: number, length: number): number[] {
    return this.files.read(file, record, length)
  }

  /** Write File Record (15), one sub-request; fires onWrite with table 'file', address = record. */
  writeFileRecord(file: number, record: number, values: readonly number[]): void {
    this.files.write(file, record, values)
    if (this.listeners.size > 0) this.emit({ table: 'file', file, address: record, values: values.slice() })
  }

  /** Read FIFO Queue (18): the queued values, left in the queue. */
  readFifoQueue(address: number): number[] {
    return this.fifos.read(address)
  }

  /**
   * Calls `listener` after every successful write by a client: coils, holding registers, mask
   * write and file record write (with protocol addresses, as sent, and the writing client when a
   * server dispatched the request). Listeners run synchronously
   * and in order; if any throws, the rest still run and the first error is rethrown, so the
   * request answers 0x04 (device failure) as PyModbus's callback server does — the write has
   * already been stored. Returns a function that unsubscribes this registration.
   */
  onWrite(listener: WriteListener): () => void {
    return this.listeners.add(listener)
  }

  /** Stores registers from protocol `address` on, as the device's own change: no onWrite. */
  setRegisters(table: RegisterTable, address: number, values: readonly number[]): void {
    checkRegisterValues(`setRegisters(${table})`, values)
    this.update(table, this.registerBlock(table), address, values, 'registers')
  }

  /** Stores bits from protocol `address` on (coils or discrete inputs), as the device's own change: no onWrite. */
  setBits(table: BitTable, address: number, values: readonly boolean[]): void {
    checkBitValues(`setBits(${table})`, values)
    this.update(table, this.bitBlock(table), address, values, 'bits')
  }

  /** Appends a value to the FIFO at `address` (creating it), as the device's own change. */
  pushFifo(address: number, value: number): void {
    this.fifos.push(address, value)
  }

  /** Replaces the FIFO at `address` with `values` (empty to clear it), as the device's own change. */
  setFifo(address: number, values: readonly number[]): void {
    this.fifos.set(address, values)
  }

  /** Creates or replaces register file `file` (1..0xFFFF, at most 10000 records), as the device's own change. */
  setFile(file: number, registers: readonly number[]): void {
    this.files.set(file, registers)
  }

  private bitBlock(table: BitTable): DataBlock<boolean> {
    return table === 'coils' ? this.coils : table === 'discreteInputs' ? this.discreteInputs : badTable(table)
  }

  private registerBlock(table: RegisterTable): DataBlock<number> {
    return table === 'holdingRegisters' ? this.holdingRegisters : table === 'inputRegisters' ? this.inputRegisters : badTable(table)
  }

  private update<T extends boolean | number>(table: TableName, block: DataBlock<T>, address: number, values: readonly T[], unit: string): void {
    checkU16(`set ${table}: address`, address)
    if (values.length === 0) return
    const at = address + this.offset
    if (!block.has(at, values.length)) {
      throw new ArgumentError(`set ${table}: ${this.explain(table, block, address, values.length, unit)}`)
    }
    block.set(at, values)
  }

  private emit(event: WriteEvent): void {
    const client = currentClient()
    if (client !== undefined) event.client = client
    this.listeners.emit(event)
  }

  private outside(table: TableName, block: DataBlock<boolean> | DataBlock<number>, address: number, count: number, unit: string): ModbusExceptionError {
    return illegalAddress(`${table}: ${this.explain(table, block, address, count, unit)}`)
  }

  private explain(table: TableName, block: object, address: number, count: number, unit: string): string {
    const at = address + this.offset
    const mapping = this.zeroMode ? '' : ` (block addresses ${formatRange(at, count)}: zeroMode is off, protocol address N is block address N+1)`
    return `${count} ${unit} from ${hex(address, 4)} (${formatRange(address, count)})${mapping} are not all in the ${table} table, which holds ${describeBlock(block, at, count)}`
  }
}
