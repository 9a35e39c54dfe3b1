/**
 * Remote units in `serve`: a unit of the server that another device answers, forwarded at frame level
 * through a gateway bus, beside local units. The far devices are real: a Modbus/TCP server on
 * loopback, an RTU server on a socat PTY, a hostile RTU device on another PTY, and a port nobody
 * listens on.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { buildDevices, connectClient, createServer, ModbusExceptionError, type ModbusClient, type ModbusServer } from '../../core/index.ts'
import { ModbusSerialServer } from '../../core/server/serial-server.ts'
import { createLogger } from '../../cli/log.ts'
import { openRemoteUnits, type RemoteBuses } from '../../cli/serve-remote.ts'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startCli } from '../helpers/spawn-cli.ts'
import { hostileDevice, registerValue, type HostileDevice } from '../helpers/hostile-device.ts'
import { ptyPair, type PtyPair } from '../helpers/pty.ts'
import { exceptionReply } from '../helpers/throws.ts'
import { unusedPort } from '../helpers/ports.ts'
import { rawClient } from '../helpers/raw-tcp.ts'

const test = suite('serve: remote units beside local ones')
const silent = createLogger({ level: 'silent' })

let farTcp: ModbusServer | undefined
let farTcpAt = ''
let farTcpData: ReturnType<typeof buildDevices> | undefined
let rtuLine: PtyPair | undefined
let farRtu: ModbusSerialServer | undefined
let hostileLine: PtyPair | undefined
let hostile: HostileDevice | undefined
let remotes: RemoteBuses | undefined
let server: ModbusServer | undefined
let client: ModbusClient | undefined
let serverAt = ''

test.before(async () => {
  farTcpData = buildDevices({ units: { '5': { holdingRegisters: { start: 0, length: 20, values: [11, 22, 33] }, coils: { start: 0, length: 16 } } } })
  farTcp = createServer('tcp://127.0.0.1:0', { context: farTcpData.context })
  farTcpAt = await farTcp.listen()

  rtuLine = await ptyPair()
  const rtuDevice = buildDevices({ units: { '7': { inputRegisters: { start: 100, length: 10, values: [700, 701, 702] } } } })
  farRtu = new ModbusSerialServer({ context: rtuDevice.context, address: `rtu://${rtuLine.a}?baud=115200` })
  await farRtu.listen()

  hostileLine = await ptyPair()
  hostile = await hostileDevice(hostileLine.a, { behave: () => 'correct', baud: 115200 })

  const local = buildDevices({ units: { '1': { holdingRegisters: { start: 0, length: 10, values: [1, 2, 3] } } } })
  remotes = await openRemoteUnits(
    local.context,
    new Map([
      [2, { remote: farTcpAt, unit: 5 }],
      [3, { remote: `rtu://${rtuLine.b}?baud=115200`, unit: 7 }],
      [4, { remote: `rtu://${hostileLine.b}?baud=115200`, unit: 9 }],
      [6, { remote: `rtu://${hostileLine.b}?baud=115200`, unit: 10 }],
      [8, { remote: `tcp://127.0.0.1:${await unusedPort()}`, unit: 1 }],
    ]),
    silent,
  )
  server = createServer('tcp://127.0.0.1:0', { context: local.context })
  serverAt = await server.listen()
  client = connectClient(serverAt, { timeout: 5000, retries: 0 })
})

test.after(async () => {
  await client?.close()
  await server?.close()
  await remotes?.close()
  await hostile?.close()
  await hostileLine?.close()
  await farRtu?.close()
  await rtuLine?.close()
  await farTcp?.close()
})

test('one bus per address: two remote units on one serial line share it', () => {
  assert.is(remotes!.buses.length, 4)
})

test('a local unit answers from its own data', async () => {
  assert.equal(await client!.readHoldingRegisters(1, 0, 3), [1, 2, 3])
})

test('a remote unit on Modbus/TCP answers with the far device unit 5 data, and a write lands there', async () => {
  assert.equal(await client!.readHoldingRegisters(2, 0, 3), [11, 22, 33])
  await client!.writeRegisters(2, 4, [0xbeef, 7])
  assert.equal(await client!.readHoldingRegisters(2, 4, 2), [0xbeef, 7])
  assert.equal(farTcpData!.units.get(5)!.data.readRegisters('holdingRegisters', 4, 2), [0xbeef, 7])
  await client!.writeCoil(2, 3, true)
  assert.equal((await client!.readCoils(2, 0, 4)).slice(0, 4), [false, false, false, true])
})

test("the far device's own exceptions come back as they are", async () => {
  assert.is((await exceptionReply(() => client!.readHoldingRegisters(2, 19, 5))).exceptionCode, 0x02)
})

test('a remote unit on an RTU line answers with the far device unit 7 data', async () => {
  assert.equal(await client!.readInputRegisters(3, 100, 3), [700, 701, 702])
})

test('remote units on one line each reach their own unit id there', async () => {
  assert.equal(await client!.readHoldingRegisters(4, 10, 2), [registerValue(0x03, 9, 10), registerValue(0x03, 9, 11)])
  assert.equal(await client!.readHoldingRegisters(6, 10, 2), [registerValue(0x03, 10, 10), registerValue(0x03, 10, 11)])
})

test('a hostile device: foreign, lying and duplicated replies never reach the client as data', async () => {
  const script = ['foreign', 'lyingCount', 'wrongCount', 'twice', 'correct', 'garbageBefore'] as const
  hostile!.behave = (_r, i) => script[i % script.length]
  const seen: string[] = []
  for (let i = 0; i < script.length; i++) {
    const address = 20 + i
    try {
      const values = await client!.readHoldingRegisters(4, address, 2)
      assert.equal(values, [registerValue(0x03, 9, address), registerValue(0x03, 9, address + 1)], `request ${i}: only the right data may come back`)
      seen.push('data')
    } catch (err) {
      if (!(err instanceof ModbusExceptionError)) throw err
      assert.is(err.exceptionCode, 0x0b, `request ${i}: a device that gives no valid reply is 0x0B`)
      seen.push('0x0B')
    }
  }
  hostile!.behave = () => 'correct'
  assert.ok(seen.includes('data'), `some requests got the right data: ${seen.join(', ')}`)
  assert.ok(remotes!.buses.some((b) => b.stats().discarded > 0), 'the wrong frames were counted as stray')
})

test('requests no device can take are refused by serve, never sent down the line: a lying byte count (03), function code 0x80 (01)', async () => {
  const raw = await rawClient(Number(serverAt.split(':').pop()))
  try {
    const before = hostile!.log.length
    raw.send(1, 4, Buffer.from('100000007bf60102', 'hex'))
    assert.is((await raw.reply(1)).slice(14), '9003')
    raw.send(2, 4, Buffer.from('80', 'hex'))
    assert.is((await raw.reply(2)).slice(14), '8001')
    assert.equal(await client!.readHoldingRegisters(4, 30, 1), [registerValue(0x03, 9, 30)], 'the line still answers at once')
    assert.is(hostile!.log.length, before + 1, 'only the read reached the device')
  } finally {
    await raw.close()
  }
})

test('a serial broadcast reaches a line shared by two remote units once', async () => {
  const line = await ptyPair()
  const farLine = await ptyPair()
  const far = await hostileDevice(farLine.a, { behave: () => 'correct', baud: 115200 })
  const local = buildDevices({ units: { '1': { holdingRegisters: { start: 0, length: 10 } } } })
  const buses = await openRemoteUnits(local.context, new Map([[4, { remote: `rtu://${farLine.b}?baud=115200`, unit: 9 }], [6, { remote: `rtu://${farLine.b}?baud=115200`, unit: 10 }]]), silent)
  const serial = new ModbusSerialServer({ context: local.context, address: `rtu://${line.a}?baud=115200` })
  await serial.listen()
  const rtuClient = connectClient(`rtu://${line.b}?baud=115200`, { timeout: 5000, retries: 0 })
  try {
    await rtuClient.writeRegister(0, 3, 7)
    // A read after it on the same far line: the far device logs the broadcast, then this read.
    assert.equal(await rtuClient.readHoldingRegisters(4, 0, 1), [registerValue(0x03, 9, 0)])
    assert.equal(far.log.map((r) => `${r.unit}:${r.pdu}`), ['0:0600030007', '9:0300000001'], 'one broadcast on the shared line, then the read')
  } finally {
    await rtuClient.close()
    await serial.close()
    await buses.close()
    await far.close()
    await farLine.close()
    await line.close()
  }
})

test('a remote device nobody listens for: 0x0A (gateway path unavailable), and the local units still answer', async () => {
  assert.is((await exceptionReply(() => client!.readHoldingRegisters(8, 0, 1))).exceptionCode, 0x0a)
  assert.equal(await client!.readHoldingRegisters(1, 0, 3), [1, 2, 3])
})

test('on a serial line too: a request for a remote unit is forwarded, and a broadcast write reaches local and remote units', async () => {
  const line = await ptyPair()
  const local = buildDevices({ units: { '1': { holdingRegisters: { start: 0, length: 10 } } } })
  const far = await openRemoteUnits(local.context, new Map([[2, { remote: farTcpAt, unit: 5 }]]), silent)
  const serial = new ModbusSerialServer({ context: local.context, address: `rtu://${line.a}?baud=115200` })
  await serial.listen()
  const rtuClient = connectClient(`rtu://${line.b}?baud=115200`, { timeout: 5000, retries: 0 })
  try {
    assert.equal(await rtuClient.readHoldingRegisters(2, 0, 3), [11, 22, 33])
    await rtuClient.writeRegister(0, 9, 0x1234)
    const farData = farTcpData!.units.get(5)!.data
    for (let i = 0; i < 100 && farData.readRegisters('holdingRegisters', 9, 1)[0] !== 0x1234; i++) await new Promise((r) => setTimeout(r, 20))
    assert.equal(farData.readRegisters('holdingRegisters', 9, 1), [0x1234], 'the broadcast went on to the remote device')
    assert.equal(local.units.get(1)!.data.readRegisters('holdingRegisters', 9, 1), [0x1234], 'and the local unit executed it')
  } finally {
    await rtuClient.close()
    await serial.close()
    await far.close()
    await line.close()
  }
})

test('modbridge serve --device: a device file with a remote unit beside a local one, and a counter behaviour', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'serve-remote-'))
  const file = join(dir, 'device.json')
  writeFileSync(
    file,
    JSON.stringify({
      units: {
        '1': {
          holdingRegisters: { start: 0, length: 10, values: [5, 6] },
          points: { ticks: { table: 'holdingRegisters', address: 8, type: 'uint16', value: 0, behaviour: { kind: 'counter', step: 1, interval: 20 } } },
        },
        '2': { remote: farTcpAt, unit: 5 },
      },
    }),
  )
  const serve = await startCli(['serve', '--listen', 'tcp://127.0.0.1:0', '--device', file], /serving (tcp:\/\/127\.0\.0\.1:\d+)/)
  const c = connectClient(serve.match[1], { timeout: 5000, retries: 0 })
  try {
    assert.equal(await c.readHoldingRegisters(1, 0, 2), [5, 6])
    assert.equal(await c.readHoldingRegisters(2, 0, 3), [11, 22, 33])
    const first = (await c.readHoldingRegisters(1, 8, 1))[0]
    let later = first
    for (let i = 0; i < 200 && later === first; i++) {
      await new Promise((r) => setTimeout(r, 20))
      later = (await c.readHoldingRegisters(1, 8, 1))[0]
    }
    assert.is.not(later, first, 'the counter advanced between two reads')
    assert.match(serve.output(), /unit 2: remote, unit 5 at tcp:\/\/127\.0\.0\.1:\d+/)
  } finally {
    await c.close()
    await serve.stop()
    rmSync(dir, { recursive: true, force: true })
  }
})

test('a device file whose remote address does not parse is refused with the key named, before anything is served', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'serve-remote-'))
  const file = join(dir, 'device.json')
  writeFileSync(file, JSON.stringify({ units: { '1': {}, '2': { remote: 'carrier-pigeon://coop', unit: 5 } } }))
  try {
    const run = await import('../helpers/run-cli.ts')
    const r = await run.runCli(['serve', '--listen', 'tcp://127.0.0.1:0', '--device', file])
    assert.is.not(r.code, 0)
    assert.match(r.stderr, /carrier-pigeon/)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test.run()
