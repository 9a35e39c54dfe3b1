/**
 * StoredUnit: a unit whose four tables live in an external store (SQLite, Redis), as an
 * AsyncSource for asyncUnit. The unit map (which addresses exist) comes from the device file's
 * template; the store backend holds the values. Register files and FIFO queues stay in the
 * template, in memory.
 *
 * Every failure of the backend — a value another program left invalid, a locked database, Redis
 * gone — answers exception 0x04 and is reported to `onError` with its reason; an address outside
 * the map answers 0x02 before the store is asked. Write events carry the writing client
 * (currentClient() when the call was made), and fire once the store has taken the write.
 */
import { ArgumentError, type ModbusExceptionError } from '../errors.ts'
import type { AsyncSource } from './async-unit.ts'
import { isPromiseLike, mapAwaitable } from './awaitable.ts'
import { deviceFailure } from './device-exception.ts'
import type { MemoryUnit, WriteListener } from './memory-unit.ts'
import { currentClient } from './request-client.ts'
import type { Awaitable, BitTable, RegisterTable, TableName, WriteEvent } from './types.ts'
import { UnitMap } from './unit-map.ts'
import { checkBitValues, checkRegisterValues } from './value-checks.ts'
import { WriteListeners } from './write-listeners.ts'

/**
 * What a store does for one unit. Addresses are protocol addresses already checked against the
 * map; values coming back are checked by the backend (badStoredValue). Mask write and read/write
 * multiple must each be atomic against every other writer of the store.
 */
export interface StoreBackend {
  readBits(table: BitTable, address: number, quantity: number): Awaitable<boolean[]>
  readRegisters(table: RegisterTable, address: number, quantity: number): Awaitable<number[]>
  /** Writes bits of `table` (a client writes coils; the device's own changes may write either). */
  writeBits(table: BitTable, address: number, values: readonly boolean[]): Awaitable<void>
  /** Writes registers of `table` (a client writes holding registers; the device's own changes may write either). */
  writeRegisters(table: RegisterTable, address: number, values: readonly number[]): Awaitable<void>
  /** §6.16: (current AND andMask) OR (orMask AND NOT andMask); returns the new value. */
  maskWriteRegister(address: number, andMask: number, orMask: number): Awaitable<number>
  /** §6.17: the write, then the read. */
  readWriteRegisters(writeAddress: number, values: readonly number[], readAddress: number, readQuantity: number): Awaitable<number[]>
}

/** Options of a StoredUnit. */
export interface StoredUnitOptions {
  /** Names the store and unit in messages, e.g. "sqlite ./plant.db unit 1". */
  label: string
  /** Told why a request failed with 0x04. */
  onError?: (message: string) => void
}

/** One unit served from a store: give it to asyncUnit() to make a device's data. */
export class StoredUnit implements AsyncSource {
  readonly map: UnitMap
  private readonly listeners = new WriteListeners()

  constructor(
    readonly template: MemoryUnit,
    private readonly backend: StoreBackend,
    private readonly options: StoredUnitOptions,
  ) {
    this.map = new UnitMap(template)
  }

  readBits(table: BitTable, address: number, quantity: number): Awaitable<boolean[]> {
    this.map.check(table, address, quantity)
    return this.guard('read', () => this.backend.readBits(table, address, quantity))
  }

  readRegisters(table: RegisterTable, address: number, quantity: number): Awaitable<number[]> {
    this.map.check(table, address, quantity)
    return this.guard('read', () => this.backend.readRegisters(table, address, quantity))
  }

  writeBits(address: number, values: readonly boolean[]): Awaitable<void> {
    this.map.check('coils', address, values.length)
    const client = currentClient()
    return mapAwaitable(this.guard('write', () => this.backend.writeBits('coils', address, values)), () => this.emit('coils', address, values.slice(), client))
  }

  writeRegisters(address: number, values: readonly number[]): Awaitable<void> {
    this.map.check('holdingRegisters', address, values.length)
    const client = currentClient()
    return mapAwaitable(this.guard('write', () => this.backend.writeRegisters('holdingRegisters', address, values)), () =>
      this.emit('holdingRegisters', address, values.slice(), client),
    )
  }

  maskWriteRegister(address: number, andMask: number, orMask: number): Awaitable<number> {
    this.map.check('holdingRegisters', address, 1)
    const client = currentClient()
    return mapAwaitable(this.guard('mask write', () => this.backend.maskWriteRegister(address, andMask, orMask)), (result) => {
      this.emit('holdingRegisters', address, [result], client)
      return result
    })
  }

  readWriteRegisters(writeAddress: number, values: readonly number[], readAddress: number, readQuantity: number): Awaitable<number[]> {
    this.map.check('holdingRegisters', writeAddress, values.length)
    this.map.check('holdingRegisters', readAddress, readQuantity)
    const client = currentClient()
    return mapAwaitable(this.guard('read/write', () => this.backend.readWriteRegisters(writeAddress, values, readAddress, readQuantity)), (read) => {
      this.emit('holdingRegisters', writeAddress, values.slice(), client)
      return read
    })
  }

  /**
   * Stores registers of either register table from protocol `address` on, as the device's own
   * change (a behaviour's update): no onWrite, and no 0x04 conversion — the caller gets the
   * store's error. Throws ArgumentError outside the map or for a value that is not 0..0xFFFF.
   */
  setRegisters(table: RegisterTable, address: number, values: readonly number[]): Awaitable<void> {
    checkRegisterValues(`setRegisters(${table})`, values)
    this.checkOwn(table, address, values.length)
    return this.backend.writeRegisters(table, address, values)
  }

  /** Stores bits of either bit table, as the device's own change (see setRegisters). */
  setBits(table: BitTable, address: number, values: readonly boolean[]): Awaitable<void> {
    checkBitValues(`setBits(${table})`, values)
    this.checkOwn(table, address, values.length)
    return this.backend.writeBits(table, address, values)
  }

  /** Read File Record (14), from the template (files are not kept in the store). */
  readFileRecord(file: number, record: number, length: number): number[] {
    return this.template.readFileRecord(file, record, length)
  }

  /** Write File Record (15), to the template; fires onWrite. */
  writeFileRecord(file: number, record: number, values: readonly number[]): void {
    this.template.writeFileRecord(file, record, values)
  }

  /** Read FIFO Queue (18), from the template. */
  readFifoQueue(address: number): number[] {
    return this.template.readFifoQueue(address)
  }

  /**
   * Calls `listener` after every write a client made and the store took (coils, holding
   * registers, mask write, the write of read/write multiple, file records), with the client when
   * known. A listener that throws makes the request answer 0x04 (the write is stored). Returns
   * a function that unsubscribes.
   */
  onWrite(listener: WriteListener): () => void {
    const own = this.listeners.add(listener)
    const files = this.template.onWrite(listener)
    return () => {
      own()
      files()
    }
  }

  private checkOwn(table: TableName, address: number, count: number): void {
    try {
      this.map.check(table, address, count)
    } catch (err) {
      throw new ArgumentError(`set ${table}: ${(err as Error).message}`, { cause: err })
    }
  }

  private emit(table: WriteEvent['table'], address: number, values: readonly (boolean | number)[], client: string | undefined): void {
    if (this.listeners.size === 0) return
    this.listeners.emit(client === undefined ? { table, address, values } : { table, address, values, client })
  }

  /** Runs a backend call; any failure becomes deviceFailure (0x04), reported with its reason. */
  private guard<T>(op: string, run: () => Awaitable<T>): Awaitable<T> {
    let result: Awaitable<T>
    try {
      result = run()
    } catch (err) {
      throw this.fail(op, err)
    }
    if (!isPromiseLike(result)) return result
    return Promise.resolve(result).catch((err: unknown) => {
      throw this.fail(op, err)
    })
  }

  private fail(op: string, err: unknown): ModbusExceptionError {
    const reason = err instanceof Error ? err.message : String(err)
    const message = `${this.options.label}: ${op} failed: ${reason}`
    this.options.onError?.(message)
    const failure = deviceFailure(message)
    failure.cause = err
    return failure
  }
}
