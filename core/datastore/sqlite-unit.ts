/**
 * The SQLite store (`serve --store sqlite:./plant.db`): a unit's four tables in an SQLite file, so
 * the values survive a restart and other programs can read them (better-sqlite3 12, loaded only
 * when a store is opened, so the package works without its native build).
 *
 * Schema — one table per unit and kind, named unit<N>_<kind>:
 *
 *   CREATE TABLE unit1_coils             (address INTEGER PRIMARY KEY CHECK (address BETWEEN 0 AND 65535),
 *                                         value INTEGER NOT NULL CHECK (value IN (0, 1))) STRICT;
 *   CREATE TABLE unit1_discrete_inputs   (… same as coils …);
 *   CREATE TABLE unit1_holding_registers (address INTEGER PRIMARY KEY CHECK (address BETWEEN 0 AND 65535),
 *                                         value INTEGER NOT NULL CHECK (value BETWEEN 0 AND 65535)) STRICT;
 *   CREATE TABLE unit1_input_registers   (… same as holding registers …);
 *
 * `address` is the Modbus protocol address (0-based, as on the wire); bits are 0/1. Every open
 * creates missing tables and inserts the rows the device file has and the database lacks
 * (INSERT OR IGNORE), in one transaction: the first open seeds everything, later opens keep the
 * stored values. Which addresses exist is the device file's map, not the rows: a row deleted
 * by another program makes its address answer 0x04 until the next open restores it.
 *
 * Journal in WAL mode with synchronous=NORMAL: readers never block the server, and a committed
 * write survives a crash of the process (a power cut may lose the last ones). Each client write is
 * one transaction; mask write (16) and read/write multiple (17) read and write inside one
 * IMMEDIATE transaction, so no other writer — in this process or another — comes between.
 * better-sqlite3 is synchronous: requests are answered without a promise, and while another
 * program holds the write lock a write waits up to `busyTimeoutMs` (blocking the process), then
 * answers 0x04.
 */
import type BetterSqlite3 from 'better-sqlite3'
import { ArgumentError, TransportError, type ModbusError } from '../errors.ts'
import type { MemoryUnit } from './memory-unit.ts'
import { badStoredValue, storedBit, storedRegister } from './stored-value.ts'
import { StoredUnit, type StoreBackend } from './stored-unit.ts'
import type { BitTable, RegisterTable, TableName } from './types.ts'
import { isBitTable, STORED_TABLES, UnitMap } from './unit-map.ts'

type Database = BetterSqlite3.Database
type Statement = BetterSqlite3.Statement<unknown[], unknown>
type DatabaseConstructor = new (path: string, options?: BetterSqlite3.Options) => Database

/** The SQL name of each table's kind. */
const KIND_NAMES: Record<TableName, string> = {
  coils: 'coils',
  discreteInputs: 'discrete_inputs',
  holdingRegisters: 'holding_registers',
  inputRegisters: 'input_registers',
}

/** The SQLite table holding `table` of unit `unit`, e.g. unit1_holding_registers. */
export function sqliteTableName(unit: number, table: TableName): string {
  return `unit${unit}_${KIND_NAMES[table]}`
}

/** Options of openSqliteStore. */
export interface SqliteStoreOptions {
  /** How long opening waits for another program's lock, ms. Default 2000. */
  openTimeoutMs?: number
  /** How long a request waits for another program's lock while serving, ms (the process waits too). Default 250. */
  busyTimeoutMs?: number
  /** Told why a request answered 0x04 (a bad or missing value, a locked database). */
  onError?: (message: string) => void
  /** Loads the better-sqlite3 module (default: a dynamic import); for tests. */
  loadLibrary?: () => Promise<unknown>
}

/** The unit tables of one unit in the database. */
class SqliteTables implements StoreBackend {
  private readonly select = new Map<TableName, Statement>()
  private readonly upsert = new Map<TableName, Statement>()
  private readonly writeRun: (table: TableName, address: number, values: readonly number[]) => void
  private readonly maskRun: (address: number, andMask: number, orMask: number) => number
  private readonly readWriteRun: (writeAddress: number, values: readonly number[], readAddress: number, readQuantity: number) => number[]

  constructor(
    db: Database,
    private readonly unit: number,
  ) {
    for (const table of STORED_TABLES) {
      const name = sqliteTableName(unit, table)
      this.select.set(table, db.prepare(`SELECT address, value FROM ${name} WHERE address >= ? AND address < ? ORDER BY address`).raw(true))
      this.upsert.set(table, db.prepare(`INSERT INTO ${name} (address, value) VALUES (?, ?) ON CONFLICT (address) DO UPDATE SET value = excluded.value`))
    }
    const write = (table: TableName, address: number, values: readonly number[]) => {
      const upsert = this.upsert.get(table)!
      for (let i = 0; i < values.length; i++) upsert.run(address + i, values[i])
    }
    this.writeRun = db.transaction(write)
    const mask = db.transaction((address: number, andMask: number, orMask: number) => {
      const [current] = this.registers('holdingRegisters', address, 1)
      const result = ((current & andMask) | (orMask & ~andMask)) & 0xffff
      write('holdingRegisters', address, [result])
      return result
    })
    this.maskRun = mask.immediate
    const readWrite = db.transaction((writeAddress: number, values: readonly number[], readAddress: number, readQuantity: number) => {
      write('holdingRegisters', writeAddress, values)
      return this.registers('holdingRegisters', readAddress, readQuantity)
    })
    this.readWriteRun = readWrite.immediate
  }

  readBits(table: BitTable, address: number, quantity: number): boolean[] {
    const rows = this.rows(table, address, quantity)
    const out = new Array<boolean>(quantity)
    for (const [a, raw] of rows) {
      const bit = storedBit(raw)
      if (bit === undefined) throw badStoredValue(this.where(table, a), raw, true)
      out[a - address] = bit
    }
    if (rows.length !== quantity) this.missing(table, out, address, true)
    return out
  }

  readRegisters(table: RegisterTable, address: number, quantity: number): number[] {
    return this.registers(table, address, quantity)
  }

  writeBits(table: BitTable, address: number, values: readonly boolean[]): void {
    this.writeRun(table, address, values.map(Number))
  }

  writeRegisters(table: RegisterTable, address: number, values: readonly number[]): void {
    this.writeRun(table, address, values)
  }

  maskWriteRegister(address: number, andMask: number, orMask: number): number {
    return this.maskRun(address, andMask, orMask)
  }

  readWriteRegisters(writeAddress: number, values: readonly number[], readAddress: number, readQuantity: number): number[] {
    return this.readWriteRun(writeAddress, values, readAddress, readQuantity)
  }

  private registers(table: RegisterTable, address: number, quantity: number): number[] {
    const rows = this.rows(table, address, quantity)
    const out = new Array<number>(quantity)
    for (const [a, raw] of rows) {
      const value = storedRegister(raw)
      if (value < 0) throw badStoredValue(this.where(table, a), raw, false)
      out[a - address] = value
    }
    if (rows.length !== quantity) this.missing(table, out, address, false)
    return out
  }

  private rows(table: TableName, address: number, quantity: number): [number, unknown][] {
    return this.select.get(table)!.all(address, address + quantity) as [number, unknown][]
  }

  private missing(table: TableName, out: unknown[], address: number, bits: boolean): never {
    let i = 0
    while (i < out.length && out[i] !== undefined) i++
    throw badStoredValue(this.where(table, address + i), undefined, bits)
  }

  private where(table: TableName, address: number): string {
    return `${sqliteTableName(this.unit, table)} address ${address}`
  }
}

/** An open SQLite store: one StoredUnit per unit of the device file. */
export class SqliteStore {
  /** Rows the last open inserted from the device file (0 when every value was already stored). */
  readonly seeded: number
  private readonly stored = new Map<number, StoredUnit>()

  /**
   * Use openSqliteStore. `backends` are the unit tables by unit id and `closeDb` closes the database
   * (both made by openSqliteStore: the package's types do not name better-sqlite3's).
   */
  constructor(
    readonly path: string,
    backends: ReadonlyMap<number, StoreBackend>,
    private readonly closeDb: () => void,
    templates: ReadonlyMap<number, MemoryUnit>,
    seeded: number,
    onError: ((message: string) => void) | undefined,
  ) {
    this.seeded = seeded
    for (const [unit, template] of templates) {
      this.stored.set(unit, new StoredUnit(template, backends.get(unit)!, { label: `sqlite ${path} unit ${unit}`, onError }))
    }
  }

  /** The stored unit for unit id `unit`, or undefined. */
  unit(unit: number): StoredUnit | undefined {
    return this.stored.get(unit)
  }

  /** Every stored unit by unit id. */
  get units(): ReadonlyMap<number, StoredUnit> {
    return this.stored
  }

  /** Closes the database (checkpointing the WAL); requests after this answer 0x04. */
  async close(): Promise<void> {
    this.closeDb()
  }
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]
}

/** One clear sentence for what went wrong opening `path`. */
function openError(path: string, err: unknown, timeoutMs: number): ModbusError {
  const code = (err as { code?: unknown }).code
  const detail = `${typeof code === 'string' ? code + ': ' : ''}${firstLine(err)}`
  const at = `sqlite store ${path}`
  if (typeof code !== 'string') return new ArgumentError(`${at}: ${detail}`, { cause: err })
  if (code === 'SQLITE_NOTADB') return new ArgumentError(`${at}: the file is not an SQLite database (${detail})`, { cause: err })
  if (code.startsWith('SQLITE_CORRUPT')) return new ArgumentError(`${at}: the database file is damaged (${detail})`, { cause: err })
  if (code.startsWith('SQLITE_CANTOPEN')) return new ArgumentError(`${at}: cannot open or create the file — is it a directory, or its directory not writable? (${detail})`, { cause: err })
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_PERM')) return new ArgumentError(`${at}: the file is read-only, and the store must write it (${detail})`, { cause: err })
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new TransportError(`${at}: the database is locked by another program (waited ${timeoutMs} ms) (${detail})`, { cause: err })
  }
  return new ArgumentError(`${at}: ${detail}`, { cause: err })
}

async function loadDatabase(load: () => Promise<unknown>): Promise<DatabaseConstructor> {
  try {
    const mod = (await load()) as { default?: unknown }
    if (typeof mod.default !== 'function') throw new TypeError('the module has no default export')
    return mod.default as DatabaseConstructor
  } catch (err) {
    throw new ArgumentError(`sqlite store: the better-sqlite3 package is not available (${firstLine(err)}); install it with: npm install better-sqlite3@12`, { cause: err })
  }
}

/**
 * Opens (creating if absent) the SQLite file at `path` for the units of `templates` (unit id →
 * the device file's MemoryUnit: the map and the initial values), seeding what is missing.
 * Throws ArgumentError (or TransportError for a lock held too long) with one clear sentence.
 */
export async function openSqliteStore(path: string, templates: ReadonlyMap<number, MemoryUnit>, options: SqliteStoreOptions = {}): Promise<SqliteStore> {
  const Database = await loadDatabase(options.loadLibrary ?? (() => import('better-sqlite3')))
  const openTimeout = options.openTimeoutMs ?? 2000
  let db: Database
  try {
    db = new Database(path, { timeout: openTimeout })
  } catch (err) {
    const code = (err as { code?: unknown }).code
    if (typeof code === 'string' && code.startsWith('SQLITE_')) throw openError(path, err, openTimeout)
    if (err instanceof TypeError) throw new ArgumentError(`sqlite store ${path}: ${firstLine(err)}`, { cause: err })
    // Anything else comes from loading the native addon (no build, another Node ABI).
    throw new ArgumentError(`sqlite store: better-sqlite3's native module did not load (${firstLine(err)}); reinstall it with: npm install better-sqlite3@12`, { cause: err })
  }
  let seeded = 0
  try {
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    const seed = db.transaction(() => {
      for (const [unit, template] of templates) seeded += seedUnit(db, unit, new UnitMap(template))
    })
    seed.immediate()
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 250))}`)
    const backends = new Map([...templates.keys()].map((unit) => [unit, new SqliteTables(db, unit)] as const))
    return new SqliteStore(path, backends, () => db.open && db.close(), templates, seeded, options.onError)
  } catch (err) {
    db.close()
    throw openError(path, err, openTimeout)
  }
}

/** Creates the unit's tables if missing and inserts the rows it lacks; returns how many were inserted. */
function seedUnit(db: Database, unit: number, map: UnitMap): number {
  let inserted = 0
  for (const table of STORED_TABLES) {
    const name = sqliteTableName(unit, table)
    const check = isBitTable(table) ? 'value IN (0, 1)' : 'value BETWEEN 0 AND 65535'
    db.exec(`CREATE TABLE IF NOT EXISTS ${name} (address INTEGER PRIMARY KEY CHECK (address BETWEEN 0 AND 65535), value INTEGER NOT NULL CHECK (${check})) STRICT`)
    const insert = db.prepare(`INSERT OR IGNORE INTO ${name} (address, value) VALUES (?, ?)`)
    for (const run of map.seeds(table)) {
      for (let i = 0; i < run.values.length; i++) inserted += insert.run(run.address + i, run.values[i]).changes
    }
  }
  return inserted
}
