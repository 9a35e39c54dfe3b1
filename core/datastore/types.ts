/**
 * The data model a server serves, kept apart from the codec (as tokio-modbus does). Every
 * method may answer synchronously (in-memory blocks: no promise on the hot path) or with a
 * promise (a unit backed by any async source, such as a remote device).
 *
 * An address outside the map is reported by throwing `illegalAddress(...)` (exception 0x02);
 * any other throw becomes exception 0x04 (server device failure) in the request handler.
 */

/** A value or a promise of it. */
export type Awaitable<T> = T | Promise<T>

/** The four primary tables (§4.3). */
export type TableName = 'coils' | 'discreteInputs' | 'holdingRegisters' | 'inputRegisters'
/** The bit tables. */
export type BitTable = 'coils' | 'discreteInputs'
/** The register tables. */
export type RegisterTable = 'holdingRegisters' | 'inputRegisters'

/** A block of bits (boolean) or registers (number) in one table's address space. */
export interface DataBlock<T extends boolean | number> {
  /** True when every address in [address, address + count) exists. */
  has(address: number, count: number): boolean
  /** Values at [address, address + count); only called after has() said yes. */
  get(address: number, count: number): T[]
  /** Stores values from address on; only called after has() said yes. */
  set(address: number, values: readonly T[]): void
}

/** What a unit's data looks like to the request handler. Optional methods: absent means the function is not supported (0x01). */
export interface UnitData {
  readBits(table: BitTable, address: number, quantity: number): Awaitable<boolean[]>
  readRegisters(table: RegisterTable, address: number, quantity: number): Awaitable<number[]>
  /** Writes coils. */
  writeBits(address: number, values: readonly boolean[]): Awaitable<void>
  /** Writes holding registers. */
  writeRegisters(address: number, values: readonly number[]): Awaitable<void>
  /**
   * Mask write (§6.16), atomically: result = (current AND andMask) OR (orMask AND NOT andMask).
   * Returns the new value. When absent the handler reads, computes and writes.
   */
  maskWriteRegister?(address: number, andMask: number, orMask: number): Awaitable<number>
  /**
   * Read/Write Multiple Registers (§6.17) as one atomic step: write `values` at `writeAddress`,
   * then read `readQuantity` holding registers from `readAddress`, with no other write between
   * the two. When absent the handler calls writeRegisters, then readRegisters.
   */
  readWriteRegisters?(writeAddress: number, values: readonly number[], readAddress: number, readQuantity: number): Awaitable<number[]>
  /** Registers of a file record (§6.14); throw illegalAddress for a missing file or record range. */
  readFileRecord?(file: number, record: number, length: number): Awaitable<number[]>
  writeFileRecord?(file: number, record: number, values: readonly number[]): Awaitable<void>
  /** The queued values of the FIFO at `address` (§6.18), oldest first, at most 31 (more: throw illegalValue). */
  readFifoQueue?(address: number): Awaitable<number[]>
}

/** A write the data saw, for change listeners (the reference's callback server). */
export interface WriteEvent {
  table: 'coils' | 'holdingRegisters' | 'file' | 'fifo'
  address: number
  values: readonly (boolean | number)[]
  /** File number for table 'file'. */
  file?: number
  /**
   * Who wrote, when the server knows: "host:port" of a network client, the port path of a serial
   * line (see request-client.ts). Absent for writes made outside a server's dispatch.
   */
  client?: string
}
