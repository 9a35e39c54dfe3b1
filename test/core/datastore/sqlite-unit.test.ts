/**
 * The SQLite store against real files: the documented schema, seeding once, values surviving a
 * reopen, other connections' writes, values another program left invalid, atomic mask write and
 * read/write multiple under concurrent clients, and files that are not usable at all.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ArgumentError, TransportError } from '../../../core/errors.ts'
import { asyncUnit, isPromiseLike, openSqliteStore, sqliteTableName, type SqliteStore } from '../../../core/datastore/index.ts'
import { buildDevices, type DeviceFile } from '../../../core/index.ts'
import { clients, closeAll, maskWriteRace, readWriteRace, serveStore } from '../../helpers/store-server.ts'
import { waitFor } from '../../helpers/wait.ts'
import { exceptionReply, failure } from '../../helpers/throws.ts'

const FILE: DeviceFile = {
  units: {
    '1': {
      coils: { start: 0, length: 16, values: [true, false, true] },
      discreteInputs: { start: 0, length: 8, values: [false, true] },
      holdingRegisters: { start: 0, length: 20, values: [100, 101, 102, 103] },
      inputRegisters: { start: 0, length: 4, values: [7, 8, 9, 10] },
    },
    '2': { holdingRegisters: { sparse: { '100': 7, '101': 8, '200': 9 } } },
    '3': { holdingRegisters: { start: 1, length: 3, values: [5, 6, 7] }, zeroMode: false },
  },
}

function templates(file: DeviceFile = FILE) {
  return new Map([...buildDevices(file).units].map(([id, u]) => [id, u.data]))
}

const dir = mkdtempSync(join(tmpdir(), 'modbridge-sqlite-'))
let n = 0
const fresh = () => join(dir, `store-${++n}.db`)
const open: SqliteStore[] = []
async function openStore(path: string, options: Parameters<typeof openSqliteStore>[2] = {}): Promise<SqliteStore> {
  const store = await openSqliteStore(path, templates(), options)
  open.push(store)
  return store
}

function rows(path: string, table: string): [number, unknown][] {
  const db = new Database(path, { readonly: true })
  try {
    return db.prepare(`SELECT address, value FROM ${table} ORDER BY address`).raw(true).all() as [number, unknown][]
  } finally {
    db.close()
  }
}

// ---

const test = suite('sqlite store')

test.after(async () => {
  for (const s of open) await s.close()
})

test('creates the file with one STRICT table per unit and kind, columns address and value, as documented', async () => {
  const path = fresh()
  const store = await openStore(path)
  await store.close()
  const db = new Database(path, { readonly: true })
  const tables = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string; sql: string }[]
  const columns = db.prepare('SELECT name, type, pk, "notnull" FROM pragma_table_info(?)').all('unit1_holding_registers')
  db.close()
  assert.equal(tables.map((t) => t.name), [1, 2, 3].flatMap((u) => ['coils', 'discrete_inputs', 'holding_registers', 'input_registers'].map((k) => `unit${u}_${k}`)).sort())
  assert.equal(columns, [
    { name: 'address', type: 'INTEGER', pk: 1, notnull: 0 },
    { name: 'value', type: 'INTEGER', pk: 0, notnull: 1 },
  ])
  for (const t of tables) assert.match(t.sql, /STRICT$/)
  assert.match(tables.find((t) => t.name === 'unit1_coils')!.sql, /CHECK \(value IN \(0, 1\)\)/)
  assert.match(tables.find((t) => t.name === 'unit1_input_registers')!.sql, /CHECK \(value BETWEEN 0 AND 65535\)/)
  assert.is(sqliteTableName(7, 'discreteInputs'), 'unit7_discrete_inputs')
})

test('the first open seeds the device file, keyed by protocol address (zeroMode off and sparse maps included); the journal is WAL', async () => {
  const path = fresh()
  const store = await openStore(path)
  assert.is(store.seeded, 16 + 8 + 20 + 4 + 3 + 3)
  await store.close()
  assert.equal(rows(path, 'unit1_holding_registers').slice(0, 5), [[0, 100], [1, 101], [2, 102], [3, 103], [4, 0]])
  assert.equal(rows(path, 'unit1_coils').slice(0, 4), [[0, 1], [1, 0], [2, 1], [3, 0]])
  assert.equal(rows(path, 'unit2_holding_registers'), [[100, 7], [101, 8], [200, 9]])
  assert.equal(rows(path, 'unit3_holding_registers'), [[0, 5], [1, 6], [2, 7]])
  const db = new Database(path, { readonly: true })
  assert.is(db.pragma('journal_mode', { simple: true }), 'wal')
  db.close()
})

test('reads and writes answer synchronously (no promise), through the async unit interface', async () => {
  const store = await openStore(fresh())
  const unit = asyncUnit(store.unit(1)!)
  const read = unit.readRegisters('holdingRegisters', 0, 4)
  assert.not.ok(isPromiseLike(read))
  assert.equal(read, [100, 101, 102, 103])
  assert.equal(unit.readBits('coils', 0, 3), [true, false, true])
  assert.equal(unit.readBits('discreteInputs', 0, 2), [false, true])
  assert.equal(unit.readRegisters('inputRegisters', 0, 4), [7, 8, 9, 10])
  unit.writeRegisters(2, [0xffff, 0])
  unit.writeBits(1, [true])
  assert.equal(unit.readRegisters('holdingRegisters', 1, 3), [101, 0xffff, 0])
  assert.equal(unit.readBits('coils', 0, 3), [true, true, true])
  assert.is(unit.maskWriteRegister!(0, 0x00f2, 0x0025), ((100 & 0xf2) | (0x25 & ~0xf2)) & 0xffff)
  assert.equal(unit.readWriteRegisters!(5, [9, 8], 4, 3), [0, 9, 8])
})

test('values written survive closing and reopening, and the second open seeds nothing', async () => {
  const path = fresh()
  let store = await openStore(path)
  asyncUnit(store.unit(1)!).writeRegisters(10, [4242, 17])
  asyncUnit(store.unit(3)!).writeRegisters(2, [99])
  await store.close()
  store = await openStore(path)
  assert.is(store.seeded, 0)
  assert.equal(asyncUnit(store.unit(1)!).readRegisters('holdingRegisters', 10, 2), [4242, 17])
  assert.equal(asyncUnit(store.unit(3)!).readRegisters('holdingRegisters', 0, 3), [5, 6, 99])
  assert.equal(asyncUnit(store.unit(1)!).readRegisters('holdingRegisters', 0, 1), [100])
})

test('a value another connection writes is what the next read returns', async () => {
  const path = fresh()
  const store = await openStore(path)
  const other = new Database(path)
  other.prepare('UPDATE unit1_holding_registers SET value = 31337 WHERE address = 7').run()
  other.prepare('UPDATE unit1_coils SET value = 1 WHERE address = 15').run()
  other.close()
  assert.equal(asyncUnit(store.unit(1)!).readRegisters('holdingRegisters', 7, 1), [31337])
  assert.equal(asyncUnit(store.unit(1)!).readBits('coils', 15, 1), [true])
})

test('addresses outside the device file map answer 0x02 before the database is asked, sparse gaps included', async () => {
  const store = await openStore(fresh())
  const one = asyncUnit(store.unit(1)!)
  const two = asyncUnit(store.unit(2)!)
  assert.is((await exceptionReply(() => one.readRegisters('holdingRegisters', 19, 2))).exceptionCode, 2)
  assert.is((await exceptionReply(() => one.writeBits(16, [true]))).exceptionCode, 2)
  assert.is((await exceptionReply(() => two.readRegisters('holdingRegisters', 100, 3))).exceptionCode, 2)
  assert.match((await exceptionReply(() => two.writeRegisters(102, [1]))).message, /holdingRegisters/)
  assert.equal(two.readRegisters('holdingRegisters', 100, 2), [7, 8])
})

test('hostile data: a value another program stored that is not a register answers 0x04, and the reason is reported', async () => {
  const path = fresh()
  const db = new Database(path)
  db.exec('CREATE TABLE unit1_holding_registers (address INTEGER PRIMARY KEY, value)')
  db.prepare('INSERT INTO unit1_holding_registers VALUES (?, ?)').run(3, 'abc')
  db.prepare('INSERT INTO unit1_holding_registers VALUES (?, ?)').run(4, 70000)
  db.prepare('INSERT INTO unit1_holding_registers VALUES (?, ?)').run(5, 1.5)
  db.exec('CREATE TABLE unit1_coils (address INTEGER PRIMARY KEY, value)')
  db.prepare('INSERT INTO unit1_coils VALUES (?, ?)').run(0, 2)
  db.close()
  const reasons: string[] = []
  const store = await openStore(path, { onError: (m) => reasons.push(m) })
  const unit = asyncUnit(store.unit(1)!)
  assert.equal(unit.readRegisters('holdingRegisters', 0, 3), [100, 101, 102])
  const bad = await exceptionReply(() => unit.readRegisters('holdingRegisters', 2, 2))
  assert.is(bad.exceptionCode, 4)
  assert.match(bad.message, /unit1_holding_registers address 3 holds "abc", not an integer 0\.\.65535/)
  assert.is((await exceptionReply(() => unit.readRegisters('holdingRegisters', 4, 1))).exceptionCode, 4)
  assert.is((await exceptionReply(() => unit.readRegisters('holdingRegisters', 5, 1))).exceptionCode, 4)
  assert.is((await exceptionReply(() => unit.readBits('coils', 0, 1))).exceptionCode, 4)
  assert.is((await exceptionReply(() => unit.maskWriteRegister!(3, 0, 1))).exceptionCode, 4)
  assert.is(reasons.length, 5)
  assert.match(reasons[0], /^sqlite .* unit 1: read failed: unit1_holding_registers address 3 holds "abc"/)
  assert.match(reasons[2], /address 5 holds 1\.5/)
  assert.match(reasons[3], /unit1_coils address 0 holds 2, not 0 or 1/)
  assert.equal(rows(path, 'unit1_holding_registers').slice(3, 6), [[3, 'abc'], [4, 70000], [5, 1.5]], 'the failed mask write changed nothing')
})

test('a row deleted by another program answers 0x04 until the next open restores it from the device file', async () => {
  const path = fresh()
  let store = await openStore(path)
  const other = new Database(path)
  other.prepare('DELETE FROM unit1_input_registers WHERE address = 2').run()
  other.close()
  const err = await exceptionReply(() => asyncUnit(store.unit(1)!).readRegisters('inputRegisters', 0, 4))
  assert.is(err.exceptionCode, 4)
  assert.match(err.message, /unit1_input_registers address 2 has no value/)
  await store.close()
  store = await openStore(path)
  assert.is(store.seeded, 1)
  assert.equal(asyncUnit(store.unit(1)!).readRegisters('inputRegisters', 0, 4), [7, 8, 9, 10])
})

test('hostile neighbour: while another program holds the write lock, a write answers 0x04 (database is locked) and reads still work', async () => {
  const path = fresh()
  const reasons: string[] = []
  const store = await openStore(path, { busyTimeoutMs: 50, onError: (m) => reasons.push(m) })
  const unit = asyncUnit(store.unit(1)!)
  const holder = new Database(path)
  holder.exec('BEGIN EXCLUSIVE')
  holder.prepare('UPDATE unit1_holding_registers SET value = 1 WHERE address = 0').run()
  try {
    assert.is((await exceptionReply(() => unit.writeRegisters(1, [5]))).exceptionCode, 4)
    assert.is((await exceptionReply(() => unit.maskWriteRegister!(1, 0, 1))).exceptionCode, 4)
    assert.equal(unit.readRegisters('holdingRegisters', 0, 2), [100, 101], 'readers see the last committed values')
  } finally {
    holder.exec('ROLLBACK')
    holder.close()
  }
  assert.is(reasons.length, 2)
  assert.match(reasons[0], /unit 1: write failed: database is locked/)
  unit.writeRegisters(1, [5])
  assert.equal(unit.readRegisters('holdingRegisters', 0, 2), [100, 5])
})

test('the device\'s own changes (a counter behaviour) go to the database, fire no write event, and continue from the stored value', async () => {
  const path = fresh()
  const file: DeviceFile = {
    units: {
      '1': {
        inputRegisters: { start: 0, length: 4 },
        points: { count: { table: 'inputRegisters', address: 2, type: 'uint16', value: 5, behaviour: { kind: 'counter', interval: 1000 } } },
      },
    },
  }
  const run = async (ticks: number) => {
    const devices = buildDevices(file)
    const store = await openSqliteStore(path, new Map([...devices.units].map(([id, u]) => [id, u.data])))
    const events: unknown[] = []
    store.unit(1)!.onWrite((e) => events.push(e))
    devices.behaviours.setData(1, store.unit(1)!)
    for (let i = 0; i < ticks; i++) await devices.behaviours.tick(1_000_000 + i * 1000)
    await store.close()
    assert.equal(events, [])
  }
  await run(3)
  assert.equal(rows(path, 'unit1_input_registers'), [[0, 0], [1, 0], [2, 7], [3, 0]])
  await run(2)
  assert.equal(rows(path, 'unit1_input_registers')[2], [2, 8])
})

test('setRegisters and setBits refuse addresses outside the map and bad values with ArgumentError, writing nothing', async () => {
  const path = fresh()
  const store = await openStore(path)
  const unit = store.unit(1)!
  for (const call of [() => unit.setRegisters('inputRegisters', 3, [1, 2]), () => unit.setRegisters('holdingRegisters', 0, [70000]), () => unit.setBits('discreteInputs', 8, [true])]) {
    try {
      await call()
      assert.unreachable('expected ArgumentError')
    } catch (err) {
      assert.instance(err, ArgumentError)
    }
  }
  await unit.setBits('discreteInputs', 7, [true])
  await store.close()
  assert.equal(rows(path, 'unit1_input_registers'), [[0, 7], [1, 8], [2, 9], [3, 10]])
  assert.equal(rows(path, 'unit1_discrete_inputs')[7], [7, 1])
})

// ---

const served = suite('sqlite store behind a TCP server')
let server: Awaited<ReturnType<typeof serveStore>> | undefined

served.before(async () => {
  server = await serveStore(FILE, (t) => openSqliteStore(fresh(), t))
})

served.after(async () => {
  await server?.close()
})

served('16 clients mask-writing their own bit of one register at once end with every bit set (no lost update)', async () => {
  const crowd = await clients(server!.address, 16)
  try {
    await crowd[0].writeRegister(1, 12, 0)
    await maskWriteRace(crowd, 1, 12, 6)
    assert.equal(await crowd[0].readHoldingRegisters(1, 12, 1), [0xffff])
  } finally {
    await closeAll(crowd)
  }
})

served('8 clients doing read/write multiple on one register each read back their own write', async () => {
  const crowd = await clients(server!.address, 8)
  try {
    assert.equal(await readWriteRace(crowd, 1, 13, 20), [])
  } finally {
    await closeAll(crowd)
  }
})

served('write events name the client, and carry the mask write result and the write of read/write multiple', async () => {
  const events: unknown[] = []
  const unsubscribe = (server!.store as SqliteStore).unit(1)!.onWrite((e) => events.push(e))
  const [c] = await clients(server!.address, 1)
  try {
    await c.writeRegister(1, 14, 0x00ff)
    await c.maskWriteRegister(1, 14, 0x0f0f, 0xf000)
    await c.readWriteRegisters(1, 14, 1, 15, [5, 6])
    await c.writeCoils(1, 4, [true, false])
    await waitFor(() => events.length === 4, 'four write events')
    const client = (events[0] as { client?: string }).client
    assert.match(String(client), /^127\.0\.0\.1:\d+$/)
    assert.equal(events, [
      { table: 'holdingRegisters', address: 14, values: [0x00ff], client },
      { table: 'holdingRegisters', address: 14, values: [(0x00ff & 0x0f0f) | (0xf000 & ~0x0f0f & 0xffff)], client },
      { table: 'holdingRegisters', address: 15, values: [5, 6], client },
      { table: 'coils', address: 4, values: [true, false], client },
    ])
  } finally {
    unsubscribe()
    await c.close()
  }
})

// ---

const hostile = suite('sqlite store: files it cannot use')
const badDir = mkdtempSync(join(tmpdir(), 'modbridge-sqlite-bad-'))

hostile.after(() => {
  try {
    execFileSync('chattr', ['-i', join(badDir, 'immutable.db')], { stdio: 'ignore' })
  } catch {
    // never made immutable
  }
  rmSync(badDir, { recursive: true, force: true })
  rmSync(dir, { recursive: true, force: true })
})

hostile('a file that is not an SQLite database: ArgumentError naming the file, nothing overwritten', async () => {
  const path = join(badDir, 'notes.db')
  const text = 'these are notes, not a database\n'.repeat(200)
  writeFileSync(path, text)
  const err = await failure(() => openSqliteStore(path, templates()))
  assert.instance(err, ArgumentError)
  assert.match(err.message, /^sqlite store .*notes\.db: the file is not an SQLite database \(SQLITE_NOTADB/)
  assert.not.match(err.message, /\n/)
})

hostile('a truncated database (a valid header, the rest cut off) is refused with a clear message', async () => {
  const good = join(badDir, 'good.db')
  const s = await openSqliteStore(good, templates())
  await s.close()
  const cut = join(badDir, 'cut.db')
  writeFileSync(cut, readFileSync(good).subarray(0, 100))
  const err = await failure(() => openSqliteStore(cut, templates()))
  assert.instance(err, ArgumentError)
  assert.match(err.message, /^sqlite store .*cut\.db: the database file is damaged \(SQLITE_CORRUPT/)
})

hostile('a directory, or a path whose directory is missing: ArgumentError', async () => {
  const a = await failure(() => openSqliteStore(badDir, templates()))
  assert.instance(a, ArgumentError)
  assert.match(a.message, /cannot open or create the file/)
  const b = await failure(() => openSqliteStore(join(badDir, 'no', 'such', 'dir.db'), templates()))
  assert.instance(b, ArgumentError)
  assert.match(b.message, /directory does not exist/)
})

hostile('a read-only file (immutable, so even root cannot write it): ArgumentError saying so', async () => {
  const path = join(badDir, 'immutable.db')
  const s = await openSqliteStore(path, templates())
  await s.close()
  let immutable = true
  try {
    execFileSync('chattr', ['+i', path], { stdio: 'ignore' })
  } catch {
    immutable = false
  }
  if (immutable) {
    const err = await failure(() => openSqliteStore(path, templates(buildDevicesWithMoreRows())))
    assert.instance(err, ArgumentError)
    assert.match(err.message, /the file is read-only/)
  } else {
    // chattr is not supported on this file system: a read-only file system path stands in.
    const err = await failure(() => openSqliteStore('/proc/modbridge-store.db', templates()))
    assert.instance(err, ArgumentError)
    assert.match(err.message, /cannot open or create the file/)
  }
})

hostile('a database another connection holds locked: TransportError after the open timeout, then it opens once released', async () => {
  const path = join(badDir, 'locked.db')
  const s = await openSqliteStore(path, templates())
  await s.close()
  const holder = new Database(path)
  holder.exec('BEGIN EXCLUSIVE')
  try {
    const err = await failure(() => openSqliteStore(path, templates(), { openTimeoutMs: 200 }))
    assert.instance(err, TransportError)
    assert.match(err.message, /the database is locked by another program \(waited 200 ms\)/)
  } finally {
    holder.exec('ROLLBACK')
    holder.close()
  }
  const again = await openSqliteStore(path, templates())
  await again.close()
})

hostile('better-sqlite3 missing or its native module broken: ArgumentError with the install command', async () => {
  const missing = await failure(() =>
    openSqliteStore(join(badDir, 'x.db'), templates(), { loadLibrary: () => Promise.reject(Object.assign(new Error("Cannot find package 'better-sqlite3'"), { code: 'ERR_MODULE_NOT_FOUND' })) }),
  )
  assert.instance(missing, ArgumentError)
  assert.match(missing.message, /better-sqlite3 package is not available \(Cannot find package 'better-sqlite3'\); install it with: npm install better-sqlite3@12/)
  const broken = await failure(() =>
    openSqliteStore(join(badDir, 'y.db'), templates(), {
      loadLibrary: async () => ({
        default: function Database() {
          throw new Error('Could not locate the bindings file. Tried:\n → /x/build/better_sqlite3.node')
        },
      }),
    }),
  )
  assert.instance(broken, ArgumentError)
  assert.is(broken.message, "sqlite store: better-sqlite3's native module did not load (Could not locate the bindings file. Tried:); reinstall it with: npm install better-sqlite3@12")
})

/** FILE with one more holding register in unit 1, so opening must insert a row (a write). */
function buildDevicesWithMoreRows(): DeviceFile {
  return { units: { ...FILE.units, '1': { ...FILE.units['1'], holdingRegisters: { start: 0, length: 21 } } } }
}

test.run()
served.run()
hostile.run()
