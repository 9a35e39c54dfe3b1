/**
 * `modbridge serve --on-write ndjson`: every accepted write is one JSON line on stdout, and the
 * logs move to stderr so that stdout stays parseable. The CLI is spawned directly (startCli waits
 * on stdout, which here carries only writes).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { connectClient, ModbusExceptionError, type ModbusClient } from '../../core/index.ts'
import { waitFor } from '../helpers/wait.ts'

const BIN = fileURLToPath(new URL('../../cli/modbridge.js', import.meta.url))

const test = suite('serve --on-write ndjson')
let proc: ChildProcess | undefined
let client: ModbusClient | undefined
let out = ''
let err = ''

test.before(async () => {
  proc = spawn(process.execPath, [BIN, 'serve', '--listen', 'tcp://127.0.0.1:0', '--on-write', 'ndjson'], { stdio: ['ignore', 'pipe', 'pipe'] })
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString()))
  proc.stderr!.on('data', (c: Buffer) => (err += c.toString()))
  const address = await waitFor(() => err.match(/serving (tcp:\/\/127\.0\.0\.1:\d+)/)?.[1] ?? (proc!.exitCode !== null ? `exited: ${err}` : ''), 'serve to log its address on stderr', 15000)
  client = connectClient(address, { timeout: 2000 })
})

test.after(async () => {
  await client?.close()
  if (proc && proc.exitCode === null) {
    const exited = new Promise((r) => proc!.once('exit', r))
    proc.kill('SIGTERM')
    await exited
  }
})

/** The JSON lines on stdout so far (every line must parse). */
function lines(): Record<string, unknown>[] {
  return out.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>)
}

test('logs go to stderr, and stdout holds nothing before the first write', () => {
  assert.match(err, /serving tcp:/)
  assert.is(out, '')
})

test('each accepted write is one JSON line: time, unit, table, address, values', async () => {
  await client!.writeRegisters(1, 10, [1, 2, 0xffff])
  await client!.writeCoil(1, 7, true)
  await client!.writeRegister(1, 3, 42)
  await client!.writeCoils(1, 100, [true, false, true])
  await waitFor(() => lines().length >= 4, 'four JSON lines on stdout')
  const got = lines()
  for (const l of got) assert.match(String(l.time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
  assert.equal(got.map(({ time: _, ...rest }) => rest), [
    { unit: 1, table: 'holdingRegisters', address: 10, values: [1, 2, 0xffff] },
    { unit: 1, table: 'coils', address: 7, values: [true] },
    { unit: 1, table: 'holdingRegisters', address: 3, values: [42] },
    { unit: 1, table: 'coils', address: 100, values: [true, false, true] },
  ])
})

test('a refused write (exception 02) prints nothing', async () => {
  const before = lines().length
  try {
    await client!.writeRegister(1, 20000, 1)
    assert.unreachable('write past the table should draw exception 02')
  } catch (e) {
    assert.instance(e, ModbusExceptionError)
    assert.is((e as ModbusExceptionError).exceptionCode, 2)
  }
  await client!.writeRegister(1, 4, 5)
  await waitFor(() => lines().length === before + 1, 'the next accepted write')
  assert.equal(lines().slice(before).map((l) => [l.table, l.address, l.values]), [['holdingRegisters', 4, [5]]])
})

test.run()
