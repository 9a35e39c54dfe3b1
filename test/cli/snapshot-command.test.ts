/**
 * `modbridge snapshot` end to end: a device is recorded by the real CLI, the written file is
 * served by a second in-process server, and both are read over every recorded range, past each
 * range's ends, and for identity and server id: the replay must answer exactly as the original.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer as createNetServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { buildDevices, connectClient, createServer, defaultDeviceFile, loadDeviceFile, ModbusError, type DeviceFile, type ModbusClient, type ModbusServer } from '../../core/index.ts'
import { requirePymodbus, setUp, startFixture } from '../interop/helpers.ts'
import { runCli } from '../helpers/run-cli.ts'
import { unitList } from '../../cli/snapshot-command.ts'

type TableName = 'coils' | 'discreteInputs' | 'holdingRegisters' | 'inputRegisters'
const TABLES: TableName[] = ['coils', 'discreteInputs', 'holdingRegisters', 'inputRegisters']

const dir = mkdtempSync(join(tmpdir(), 'modbridge-snapshot-'))

/** One read: its values, or the error code and exception code it drew. */
async function outcome(client: ModbusClient, table: TableName, address: number, quantity: number): Promise<unknown> {
  try {
    if (table === 'coils') return await client.readCoils(1, address, quantity)
    if (table === 'discreteInputs') return await client.readDiscreteInputs(1, address, quantity)
    if (table === 'holdingRegisters') return await client.readHoldingRegisters(1, address, quantity)
    return await client.readInputRegisters(1, address, quantity)
  } catch (err) {
    if (err instanceof ModbusError) return { code: err.code, exception: (err as { exceptionCode?: number }).exceptionCode }
    throw err
  }
}

/** The readable ranges a device file holds, per table. */
function recordedRanges(file: DeviceFile, table: TableName): [number, number][] {
  const t = file.units['1'][table]
  if (!t) return []
  if (t.sparse) {
    const addresses = Object.keys(t.sparse).map(Number).sort((a, b) => a - b)
    const out: [number, number][] = []
    for (const a of addresses) {
      const last = out[out.length - 1]
      if (last && a === last[1] + 1) last[1] = a
      else out.push([a, a])
    }
    return out
  }
  return [[t.start ?? 0, (t.start ?? 0) + (t.length ?? 0) - 1]]
}

/** Reads every recorded range (and one address either side) from both and asserts the same answers; returns the addresses compared. */
async function compare(original: ModbusClient, replay: ModbusClient, file: DeviceFile): Promise<number> {
  let compared = 0
  for (const table of TABLES) {
    const max = table === 'coils' || table === 'discreteInputs' ? 2000 : 125
    for (const [first, last] of recordedRanges(file, table)) {
      for (let a = first; a <= last; a += max) {
        const q = Math.min(max, last - a + 1)
        assert.equal(await outcome(replay, table, a, q), await outcome(original, table, a, q), `${table} ${a}+${q}`)
        compared += q
      }
      for (const edge of [first - 1, last + 1].filter((x) => x >= 0 && x <= 0xffff)) {
        assert.equal(await outcome(replay, table, edge, 1), await outcome(original, table, edge, 1), `${table} ${edge} (outside the range)`)
      }
    }
  }
  for (const readCode of [1, 2, 3]) {
    assert.equal(await replay.readDeviceIdentificationAll(1, readCode), await original.readDeviceIdentificationAll(1, readCode), `identity, read code ${readCode}`)
  }
  return compared
}

/** Runs the CLI against `target`; returns the file written and the CLI's stderr. */
async function snapshot(target: string, name: string): Promise<{ file: DeviceFile; path: string; stderr: string; stdout: string }> {
  const path = join(dir, name)
  const r = await runCli(['snapshot', '--target', target, '--unit', '1', '--out', path, '--max-seconds', '60'], 90_000)
  assert.is(r.code, 0, `snapshot exited with ${r.code}: ${r.stderr}`)
  return { file: JSON.parse(readFileSync(path, 'utf8')) as DeviceFile, path, stderr: r.stderr, stdout: r.stdout }
}

/** Starts a server for a device file on 127.0.0.1 port 0 and a client to it. */
async function serve(devices: ReturnType<typeof buildDevices>, onClose: (close: () => unknown) => void): Promise<{ client: ModbusClient; address: string }> {
  const server: ModbusServer = createServer('tcp://127.0.0.1:0', { context: devices.context })
  const address = await server.listen()
  onClose(() => server.close())
  const client = connectClient(address, { timeout: 2000 })
  onClose(() => client.close())
  return { client, address }
}

// ---

const own = suite("snapshot: serve's own default device, with values written, replays the same")
const ownCtx = setUp(own, async (onClose) => {
  const { client: original, address } = await serve(buildDevices(defaultDeviceFile()), onClose)
  await original.writeRegisters(1, 500, [0x1234, 0xffff, 7])
  await original.writeRegister(1, 9999, 42)
  await original.writeCoils(1, 1990, [true, false, true, true])
  await original.writeCoil(1, 0, true)
  return { original, address, onClose }
})

own('records all four tables, identity, server id, FIFO and files, and the replay answers identically', async () => {
  const { original, address, onClose } = ownCtx()
  const { file, path, stderr, stdout } = await snapshot(address, 'own.json')
  assert.match(stdout, /device file written to/)
  assert.match(stderr, /holdingRegisters: 10000 address\(es\) in 1 range\(s\) \(0-9999\)/)
  assert.match(stderr, /could not read: nothing/)
  const unit = file.units['1']
  const holding = unit.holdingRegisters?.values as number[]
  assert.equal(holding.slice(500, 503), [0x1234, 0xffff, 7])
  assert.is(holding[9999], 42)
  assert.equal((unit.coils?.values as boolean[]).slice(1990, 1994), [true, false, true, true])
  assert.equal(unit.fifos, { '1246': [440, 4740] })
  assert.equal(Object.keys(unit.files ?? {}), ['1', '2'])
  assert.equal(unit.files?.['1'].length, 10000)
  const { client: replay } = await serve(loadDeviceFile(path), onClose)
  assert.is(await compare(original, replay, file), 40000)
  assert.equal(await replay.reportServerId(1), await original.reportServerId(1))
  assert.is(await replay.readExceptionStatus(1), await original.readExceptionStatus(1))
  assert.equal(await replay.readFifoQueue(1, 1246), await original.readFifoQueue(1, 1246))
  assert.equal(await replay.readFileRecord(1, [{ file: 2, record: 9990, length: 10 }]), await original.readFileRecord(1, [{ file: 2, record: 9990, length: 10 }]))
})

own.run()

// ---

const gaps = suite('snapshot: a device with holes in its tables replays the holes as exception 02')
const gapsCtx = setUp(gaps, async (onClose) => {
  const spec: DeviceFile = {
    units: {
      '1': {
        holdingRegisters: { sparse: Object.fromEntries([...range(0, 99), ...range(1000, 1299)].map((a) => [String(a), (a * 7) & 0xffff])) },
        coils: { start: 300, length: 129, values: range(0, 128).map((i) => i % 5 === 0) },
        identity: { '0': 'Gappy', '1': 'G-1', '2': '2.0' },
        serverId: '0a0b',
        running: false,
        additionalData: 'c0ffee',
      },
    },
  }
  const { client: original, address } = await serve(buildDevices(spec), onClose)
  return { original, address, onClose }
})

function range(first: number, last: number): number[] {
  return Array.from({ length: last - first + 1 }, (_, i) => first + i)
}

gaps('sparse ranges are found, recorded sparse, and every read (and every hole edge) answers the same', async () => {
  const { original, address, onClose } = gapsCtx()
  const { file, path, stderr } = await snapshot(address, 'gaps.json')
  assert.match(stderr, /holdingRegisters: 400 address\(es\) in 2 range\(s\) \(0-99, 1000-1299\)/)
  assert.ok(file.units['1'].holdingRegisters?.sparse, 'holding registers recorded sparse')
  assert.equal(file.units['1'].coils, { start: 300, length: 129, values: range(0, 128).map((i) => i % 5 === 0) })
  assert.is(file.units['1'].inputRegisters, undefined)
  // Without a profile the id length is unknown: the last 0xFF (inside c0ffee) is taken as the run indicator, which replays the same bytes.
  assert.equal([file.units['1'].serverId, file.units['1'].running, file.units['1'].additionalData], ['0a0b00c0', true, 'ee'])
  const { client: replay } = await serve(loadDeviceFile(path), onClose)
  assert.is(await compare(original, replay, file), 529)
  assert.equal(await outcome(replay, 'holdingRegisters', 90, 20), await outcome(original, 'holdingRegisters', 90, 20))
  assert.equal(await replay.reportServerId(1), await original.reportServerId(1))
})

gaps.run()

// ---

const several = suite('snapshot: several units of one device in one file')
const severalCtx = setUp(several, async (onClose) => {
  const spec: DeviceFile = {
    units: {
      '1': { holdingRegisters: { start: 0, length: 20, values: range(0, 19).map((i) => i * 3) } },
      '2': { inputRegisters: { start: 64, length: 10, values: range(0, 9).map((i) => 500 + i) }, coils: { start: 0, length: 9, values: [true, false, true] } },
    },
  }
  const { client: original, address } = await serve(buildDevices(spec), onClose)
  return { original, address, onClose }
})

several('--unit 1,2 (and 3, which does not answer) records units 1 and 2, leaves 3 out with a note, and the replay answers for both', async () => {
  const { original, address, onClose } = severalCtx()
  const path = join(dir, 'several.json')
  const r = await runCli(['snapshot', '--target', address, '--unit', '1,2', '--unit', '3', '--out', path, '--max-seconds', '60', '--timeout', '300'], 90_000)
  assert.is(r.code, 0, r.stderr)
  assert.match(r.stdout, /device file written to .*\(2 unit\(s\), \d+ requests/)
  assert.match(r.stderr, /^unit 3: nothing could be read; the unit is left out of the file$/m)
  assert.match(r.stderr, /^unit 2: snapshot: inputRegisters: 10 address\(es\) in 1 range\(s\) \(64-73\)/m)
  const file = JSON.parse(readFileSync(path, 'utf8')) as DeviceFile
  assert.equal(Object.keys(file.units), ['1', '2'])
  const { client: replay } = await serve(loadDeviceFile(path), onClose)
  assert.equal(await replay.readHoldingRegisters(1, 0, 20), await original.readHoldingRegisters(1, 0, 20))
  assert.equal(await replay.readInputRegisters(2, 64, 10), await original.readInputRegisters(2, 64, 10))
  assert.equal(await replay.readCoils(2, 0, 9), await original.readCoils(2, 0, 9))
})

several('--unit refuses what is not a unit id, before connecting', async () => {
  assert.equal(unitList(['1,2', 3, ' 7 ', '2']), [1, 2, 3, 7])
  for (const bad of ['256', 'x', '1,,2', '-1']) {
    try {
      unitList([bad])
      assert.unreachable(bad)
    } catch (err) {
      assert.match((err as Error).message, /--unit: expected unit ids 0\.\.255/)
    }
  }
})

several.run()

// ---

const pymodbus = suite('snapshot: a pymodbus 3.0 TCP server replays the same over the ranges recorded')
const pyCtx = setUp(pymodbus, async (onClose) => {
  await requirePymodbus()
  const server = await startFixture('pymodbus-server.py', ['tcp'], /READY tcp (\d+)/)
  onClose(server.kill)
  const original = connectClient(`tcp://127.0.0.1:${server.match[1]}`, { timeout: 2000 })
  onClose(() => original.close())
  return { original, port: server.match[1], onClose }
})

pymodbus('records 100 of each table and the identity; the replay answers every recorded read as pymodbus did', async () => {
  const { original, port, onClose } = pyCtx()
  const { file, path } = await snapshot(`tcp://127.0.0.1:${port}`, 'pymodbus.json')
  for (const table of TABLES) assert.equal(recordedRanges(file, table), [[0, 99]], table)
  assert.is((file.units['1'].holdingRegisters?.values as number[])[21], 42)
  const { client: replay } = await serve(loadDeviceFile(path), onClose)
  assert.is(await compare(original, replay, file), 400)
})

pymodbus.run()

// ---

const nothing = suite('snapshot: a device that answers nothing')

nothing.after(() => rmSync(dir, { recursive: true, force: true }))

nothing('exits non-zero with the reasons, and writes no file', async () => {
  const probe = createNetServer()
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r))
  const port = (probe.address() as AddressInfo).port
  await new Promise((r) => probe.close(r))
  const path = join(dir, 'nothing.json')
  const r = await runCli(['snapshot', '--target', `tcp://127.0.0.1:${port}`, '--out', path, '--max-seconds', '2', '--timeout', '200'], 30_000)
  assert.is(r.code, 2)
  assert.match(r.stderr, /holdingRegisters: the range scan stopped after 8 reads drew no reply/)
  assert.match(r.stderr, /MB_ERR_TRANSPORT: snapshot: nothing could be read/)
  assert.not.ok(existsSync(path), 'no device file')
})

nothing.run()
