/**
 * `modbridge serve --on-write ndjson`: every accepted write is one JSON line on stdout, naming the
 * client that wrote it ("host:port" on TCP, the port path on a serial line), and the logs move to
 * stderr so that stdout stays parseable. The CLI is spawned directly (startCli waits on stdout,
 * which here carries only writes).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { connectClient, encodeRequest, ModbusExceptionError, type ModbusClient } from '../../core/index.ts'
import { ptyPair, type PtyPair } from '../helpers/pty.ts'
import { rawClient } from '../helpers/raw-tcp.ts'
import { waitFor } from '../helpers/wait.ts'

const BIN = fileURLToPath(new URL('../../cli/modbridge.js', import.meta.url))

const test = suite('serve --on-write ndjson')
let proc: ChildProcess | undefined
let client: ModbusClient | undefined
let out = ''
let err = ''
let served = ''

test.before(async () => {
  proc = spawn(process.execPath, [BIN, 'serve', '--listen', 'tcp://127.0.0.1:0', '--on-write', 'ndjson'], { stdio: ['ignore', 'pipe', 'pipe'] })
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString()))
  proc.stderr!.on('data', (c: Buffer) => (err += c.toString()))
  served = await waitFor(() => err.match(/serving (tcp:\/\/127\.0\.0\.1:\d+)/)?.[1] ?? (proc!.exitCode !== null ? `exited: ${err}` : ''), 'serve to log its address on stderr', 15000)
  client = connectClient(served, { timeout: 2000 })
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

test('each accepted write is one JSON line: time, unit, table, address, values, client', async () => {
  await client!.writeRegisters(1, 10, [1, 2, 0xffff])
  await client!.writeCoil(1, 7, true)
  await client!.writeRegister(1, 3, 42)
  await client!.writeCoils(1, 100, [true, false, true])
  await waitFor(() => lines().length >= 4, 'four JSON lines on stdout')
  const got = lines()
  for (const l of got) assert.match(String(l.time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
  const who = got[0].client
  assert.match(String(who), /^127\.0\.0\.1:\d+$/)
  assert.equal(got.map(({ time: _, ...rest }) => rest), [
    { unit: 1, table: 'holdingRegisters', address: 10, values: [1, 2, 0xffff], client: who },
    { unit: 1, table: 'coils', address: 7, values: [true], client: who },
    { unit: 1, table: 'holdingRegisters', address: 3, values: [42], client: who },
    { unit: 1, table: 'coils', address: 100, values: [true, false, true], client: who },
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

test('client is the writer\'s own address and port: two connections, two clients; mask and read/write multiple too', async () => {
  const raw = await rawClient(Number(served.split(':').pop()))
  try {
    const before = lines().length
    raw.send(1, 1, encodeRequest({ function: 'writeSingleRegister', address: 30, value: 3 }))
    await raw.reply(1)
    raw.send(2, 1, encodeRequest({ function: 'maskWriteRegister', address: 30, andMask: 0xfffe, orMask: 0 }))
    await raw.reply(2)
    await client!.readWriteRegisters(1, 0, 1, 31, [7])
    await waitFor(() => lines().length === before + 3, 'three more lines')
    const [a, b, c] = lines().slice(before)
    const mine = `127.0.0.1:${raw.socket.localPort}`
    assert.equal([a.client, a.address, a.values], [mine, 30, [3]])
    assert.equal([b.client, b.address, b.values], [mine, 30, [2]])
    assert.equal([c.address, c.values], [31, [7]])
    assert.match(String(c.client), /^127\.0\.0\.1:\d+$/)
    assert.is.not(c.client, mine)
  } finally {
    await raw.close()
  }
})

test('a file record write with three sub-requests is three lines, each naming the client', async () => {
  const before = lines().length
  await client!.writeFileRecord(1, [
    { file: 1, record: 2, values: [0x1111] },
    { file: 1, record: 9, values: [0x2222, 0x3333] },
    { file: 2, record: 0, values: [4] },
  ])
  await waitFor(() => lines().length === before + 3, 'three file lines')
  const got = lines().slice(before)
  assert.equal(got.map((l) => [l.table, l.file, l.address, l.values]), [
    ['file', 1, 2, [0x1111]],
    ['file', 1, 9, [0x2222, 0x3333]],
    ['file', 2, 0, [4]],
  ])
  assert.match(String(got[0].client), /^127\.0\.0\.1:\d+$/)
  assert.ok(got.every((l) => l.client === got[0].client), `every sub-request names the client: ${JSON.stringify(got.map((l) => l.client))}`)
})

test.run()

// ---

const serial = suite('serve --on-write ndjson on a serial line')
let line: PtyPair | undefined
let serialProc: ChildProcess | undefined
let serialOut = ''
let serialErr = ''

serial.before(async () => {
  line = await ptyPair()
  serialProc = spawn(process.execPath, [BIN, 'serve', '--listen', `rtu://${line.b}?baud=115200`, '--on-write', 'ndjson'], { stdio: ['ignore', 'pipe', 'pipe'] })
  serialProc.stdout!.on('data', (c: Buffer) => (serialOut += c.toString()))
  serialProc.stderr!.on('data', (c: Buffer) => (serialErr += c.toString()))
  await waitFor(() => /serving rtu:/.test(serialErr) || serialProc!.exitCode !== null, 'serve to log the serial line on stderr', 15000)
})

serial.after(async () => {
  if (serialProc && serialProc.exitCode === null) {
    const exited = new Promise((r) => serialProc!.once('exit', r))
    serialProc.kill('SIGTERM')
    await exited
  }
  await line?.close()
})

serial('client is the path of the serial port the write came in on', async () => {
  const c = connectClient(`rtu://${line!.a}?baud=115200`, { timeout: 2000 })
  try {
    await c.writeRegister(1, 9, 99)
    await waitFor(() => serialOut.includes('\n'), 'a JSON line')
  } finally {
    await c.close()
  }
  const { time: _, ...rest } = JSON.parse(serialOut.split('\n')[0]) as Record<string, unknown>
  assert.equal(rest, { unit: 1, table: 'holdingRegisters', address: 9, values: [99], client: line!.b })
})

serial.run()
