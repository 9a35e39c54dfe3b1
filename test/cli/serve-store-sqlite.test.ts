/**
 * `modbridge serve --store sqlite:PATH` as a real child process: values written over Modbus
 * survive a stop and a crash, writes are printed with their client, and files the store cannot
 * use end serve at once with one line on stderr.
 */
import { execFileSync, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { connectClient, type ModbusClient } from '../../core/index.ts'
import { runCli } from '../helpers/run-cli.ts'
import { startCli, type RunningCli } from '../helpers/spawn-cli.ts'
import { waitFor } from '../helpers/wait.ts'

const BIN = fileURLToPath(new URL('../../cli/modbridge.js', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'modbridge-serve-sqlite-'))
const SERVING = /serving (tcp:\/\/127\.0\.0\.1:\d+)/
let cli: (RunningCli & { match: RegExpMatchArray }) | undefined
let client: ModbusClient | undefined

async function serve(...args: string[]): Promise<string> {
  cli = await startCli(['serve', '--listen', 'tcp://127.0.0.1:0', ...args], SERVING)
  client = connectClient(cli.match[1], { timeout: 3000 })
  return cli.match[1]
}

async function stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
  await client?.close()
  client = undefined
  const proc = cli?.proc
  cli = undefined
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return
  const exited = new Promise((r) => proc.once('exit', r))
  proc.kill(signal)
  await exited
}

// ---

const test = suite('serve --store sqlite: values survive a restart')

test.after(async () => {
  await stop()
})

test('written over Modbus, stopped with SIGTERM, started again: the values are read back, and the log says they were kept', async () => {
  const path = join(dir, 'plant.db')
  await serve('--store', `sqlite:${path}`)
  assert.match(cli!.output(), /store: sqlite .*plant\.db \(40000 rows seeded from the device file\)/)
  await client!.writeRegisters(1, 100, [1, 2, 0xffff])
  await client!.writeCoils(1, 7, [true, true])
  await client!.maskWriteRegister(1, 100, 0x00f0, 0x0f00)
  await stop()
  await serve('--store', `sqlite:${path}`)
  assert.match(cli!.output(), /store: sqlite .*plant\.db \(stored values kept\)/)
  assert.equal(await client!.readHoldingRegisters(1, 99, 4), [0, 0x0f00, 2, 0xffff])
  assert.equal(await client!.readCoils(1, 6, 4), [false, true, true, false])
  assert.equal(await client!.readInputRegisters(1, 5, 2), [5, 6], 'the device file still gives the rest')
  await stop()
  const db = new Database(path, { readonly: true })
  assert.equal(db.prepare('SELECT value FROM unit1_holding_registers WHERE address BETWEEN 100 AND 102 ORDER BY address').pluck().all(), [0x0f00, 2, 0xffff])
  db.close()
})

test('a crash (SIGKILL) loses no write that was answered', async () => {
  const path = join(dir, 'crash.db')
  await serve('--store', `sqlite:${path}`)
  for (let i = 0; i < 20; i++) await client!.writeRegister(1, 200 + i, 1000 + i)
  await stop('SIGKILL')
  await serve('--store', `sqlite:${path}`)
  assert.equal(await client!.readHoldingRegisters(1, 200, 20), Array.from({ length: 20 }, (_, i) => 1000 + i))
  await stop()
})

test('a device file seeds the first start; later starts keep the stored values even when the file changes its initial values', async () => {
  const path = join(dir, 'device.db')
  const device = join(dir, 'device.json')
  writeFileSync(device, JSON.stringify({ units: { '5': { holdingRegisters: { start: 0, length: 4, values: [10, 20, 30, 40] } } } }))
  await serve('--store', `sqlite:${path}`, '--device', device)
  await client!.writeRegister(5, 0, 11)
  await stop()
  writeFileSync(device, JSON.stringify({ units: { '5': { holdingRegisters: { start: 0, length: 5, values: [90, 90, 90, 90, 50] } } } }))
  await serve('--store', `sqlite:${path}`, '--device', device)
  assert.match(cli!.output(), /\(1 rows seeded from the device file\)/)
  assert.equal(await client!.readHoldingRegisters(5, 0, 5), [11, 20, 30, 40, 50])
  await stop()
})

test('--on-write ndjson with a store: each stored write is a line naming the client', async () => {
  const path = join(dir, 'events.db')
  // stdout carries only the writes, so serve logs its address on stderr.
  const child = spawn(process.execPath, [BIN, 'serve', '--listen', 'tcp://127.0.0.1:0', '--store', `sqlite:${path}`, '--on-write', 'ndjson'], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()))
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()))
  try {
    const address = await waitFor(() => err.match(SERVING)?.[1], 'serve to log its address on stderr', 15000)
    const c = connectClient(address!, { timeout: 3000 })
    try {
      await c.writeRegister(1, 3, 33)
      await c.readWriteRegisters(1, 0, 1, 4, [44, 45])
      await waitFor(() => out.split('\n').filter(Boolean).length === 2, 'two JSON lines')
    } finally {
      await c.close()
    }
    const lines = out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>)
    assert.match(String(lines[0].client), /^127\.0\.0\.1:\d+$/)
    assert.equal(lines.map(({ time: _, ...rest }) => rest), [
      { unit: 1, table: 'holdingRegisters', address: 3, values: [33], client: lines[0].client },
      { unit: 1, table: 'holdingRegisters', address: 4, values: [44, 45], client: lines[0].client },
    ])
  } finally {
    const exited = new Promise((r) => child.once('exit', r))
    child.kill('SIGTERM')
    await exited
  }
})

// ---

const hostile = suite('serve --store sqlite: files it cannot use end serve with one line')

hostile.after(() => {
  try {
    execFileSync('chattr', ['-i', join(dir, 'immutable.db')], { stdio: 'ignore' })
  } catch {
    // never made immutable
  }
  rmSync(dir, { recursive: true, force: true })
})

/** Runs serve with `store` and expects a quick failure: exit 2 and one `modbridge: MB_ERR_…` line, no stack trace. */
async function refused(store: string, why: RegExp): Promise<string> {
  const r = await runCli(['serve', '--listen', 'tcp://127.0.0.1:0', '--store', store], 20_000)
  assert.is(r.code, 2, `exit code (stderr: ${r.stderr})`)
  assert.is(r.stdout, '')
  const lines = r.stderr.split('\n').filter(Boolean)
  assert.is(lines.length, 1, `one line on stderr, got: ${r.stderr}`)
  assert.match(lines[0], /^modbridge: MB_ERR_[A-Z_]+: /)
  assert.not.match(r.stderr, /^\s+at /m)
  assert.match(lines[0], why)
  return lines[0]
}

hostile('a file that is not an SQLite database', async () => {
  const path = join(dir, 'notes.txt')
  writeFileSync(path, 'shopping list: bread, milk\n'.repeat(100))
  await refused(`sqlite:${path}`, /MB_ERR_INVALID_ARGUMENT: sqlite store .*notes\.txt: the file is not an SQLite database/)
})

hostile('a directory, and a path in a directory that does not exist', async () => {
  const sub = join(dir, 'a-directory')
  mkdirSync(sub)
  await refused(`sqlite:${sub}`, /cannot open or create the file/)
  await refused(`sqlite:${join(dir, 'missing', 'x.db')}`, /directory does not exist/)
})

hostile('a read-only database file (immutable: even root cannot write it)', async () => {
  const path = join(dir, 'immutable.db')
  const db = new Database(path)
  db.exec('CREATE TABLE unit1_coils (address INTEGER PRIMARY KEY, value INTEGER NOT NULL)')
  db.close()
  try {
    execFileSync('chattr', ['+i', path], { stdio: 'ignore' })
  } catch {
    // chattr is not supported on this file system: a read-only file system path stands in.
    await refused('sqlite:/proc/modbridge-store.db', /cannot open or create the file/)
    return
  }
  await refused(`sqlite:${path}`, /the file is read-only/)
})

hostile('a database another program holds locked', async () => {
  const path = join(dir, 'locked.db')
  const holder = new Database(path)
  holder.pragma('journal_mode = WAL')
  holder.exec('CREATE TABLE other (x)')
  holder.exec('BEGIN EXCLUSIVE')
  try {
    await refused(`sqlite:${path}`, /MB_ERR_TRANSPORT: .*the database is locked by another program \(waited 2000 ms\)/)
  } finally {
    holder.exec('ROLLBACK')
    holder.close()
  }
})

hostile('a store that is neither sqlite: nor redis://, and sqlite: without a path', async () => {
  await refused('postgres://127.0.0.1/plant', /store: "postgres:\/\/127\.0\.0\.1\/plant" is neither sqlite:PATH nor redis:\/\/host:port\/db/)
  await refused('sqlite:', /sqlite: needs a file path/)
})

test.run()
hostile.run()
