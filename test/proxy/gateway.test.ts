import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { buildDevices, connectClient, createRtuFramer, createServer, defaultDeviceFile, encodeResponse, ModbusExceptionError, type ModbusServer } from '../../core/index.ts'
import { generateFrames } from '../../core/framers/generate.ts'
import { validateConfig } from '../../proxy/config.ts'
import { Gateway } from '../../proxy/gateway.ts'
import { ptyPair, type PtyPair } from '../helpers/pty.ts'
import { rawClient } from '../helpers/raw-tcp.ts'
import { scriptedDevice, type ScriptedDevice } from '../helpers/scripted-device.ts'
import { waitFor } from '../helpers/wait.ts'

const rtu = createRtuFramer({ expect: 'response' })
const port = (gw: Gateway) => Number(gw.listening[0].split(':').pop())

// ---
const routing = suite('gateway: routing across two RTU buses of simulated devices (socat PTYs)')
let ptyA: PtyPair, ptyB: PtyPair
let simA: ModbusServer, simB: ModbusServer
let gw: Gateway

routing.before(async () => {
  ptyA = await ptyPair()
  ptyB = await ptyPair()
  const devicesA = buildDevices(defaultDeviceFile([1, 2]))
  const devicesB = buildDevices(defaultDeviceFile([1]))
  devicesB.units.get(1)!.data.setRegisters('holdingRegisters', 0, [0xb1, 0xb2])
  devicesA.units.get(1)!.data.setRegisters('holdingRegisters', 0, [0xa1, 0xa2])
  simA = createServer(`rtu://${ptyA.b}?baud=19200`, { context: devicesA.context })
  simB = createServer(`rtu://${ptyB.b}?baud=19200`, { context: devicesB.context })
  await simA.listen()
  await simB.listen()
  gw = new Gateway(
    validateConfig({
      listen: ['tcp://127.0.0.1:0'],
      buses: { a: { address: `rtu://${ptyA.a}?baud=19200`, timeout: 500 }, b: { address: `rtu://${ptyB.a}?baud=19200`, timeout: 500 } },
      routes: [{ units: '1-2', bus: 'a' }, { units: 20, bus: 'b', unit: 1 }, { units: 30, bus: 'a', unit: 1, readOnly: true }, { units: 31, bus: 'a', unit: 2, functions: [4] }],
    }),
  )
  await gw.start()
})
routing.after(async () => {
  await gw.close()
  await simA.close()
  await simB.close()
  await ptyA.close()
  await ptyB.close()
})

routing('units 1-2 reach bus a; unit 20 reaches unit 1 of bus b (remapped)', async () => {
  const c = connectClient(gw.listening[0], { timeout: 3000 })
  assert.equal(await c.readHoldingRegisters(1, 0, 2), [0xa1, 0xa2])
  assert.equal(await c.readHoldingRegisters(20, 0, 2), [0xb1, 0xb2])
  assert.equal(await c.readInputRegisters(2, 5, 1), [5])
  await c.close()
})
routing('a read-only route refuses writes with 01; a function filter refuses other codes', async () => {
  const c = connectClient(gw.listening[0], { timeout: 3000 })
  assert.equal(await c.readHoldingRegisters(30, 0, 1), [0xa1])
  try {
    await c.writeRegister(30, 0, 1)
    assert.unreachable('write through a read-only route')
  } catch (err) {
    assert.instance(err, ModbusExceptionError)
    assert.is((err as ModbusExceptionError).exceptionCode, 0x01)
  }
  assert.equal(await c.readInputRegisters(31, 9, 1), [9])
  try {
    await c.readHoldingRegisters(31, 0, 1)
    assert.unreachable('function 03 through a route limited to 04')
  } catch (err) {
    assert.is((err as ModbusExceptionError).exceptionCode, 0x01)
  }
  await c.close()
})
routing('an unrouted unit gets exception 0x0A, bytes on the wire', async () => {
  const raw = await rawClient(port(gw))
  raw.send(0x1234, 99, Buffer.from('0300000001', 'hex'))
  assert.is(await raw.reply(0x1234), '12340000000363830a')
  await raw.close()
})
routing('transaction ids come back exactly as sent, several in flight on one connection', async () => {
  const raw = await rawClient(port(gw))
  const tids = [0x0000, 0x00ff, 0x0100, 0xabcd, 0xffff]
  for (const [i, tid] of tids.entries()) raw.send(tid, 2, Buffer.from([0x04, 0x00, i, 0x00, 0x01]))
  for (const [i, tid] of tids.entries()) assert.is(await raw.reply(tid), `${tid.toString(16).padStart(4, '0')}00000005020402000${i}`)
  await raw.close()
})
routing.run()

// ---
const scripted = suite('gateway: frame-level forwarding to a scripted RTU device')
let pty: PtyPair
let device: ScriptedDevice
let gw2: Gateway
const dir = mkdtempSync(join(tmpdir(), 'modbridge-pty-'))
const links = { a: join(dir, 'gateway-end'), b: join(dir, 'device-end') }

scripted.before(async () => {
  pty = await ptyPair(links)
  device = await scriptedDevice(pty.b, () => null)
  gw2 = new Gateway(
    validateConfig({
      listen: ['tcp://127.0.0.1:0'],
      buses: { line: { address: `rtu://${links.a}?baud=19200`, timeout: 150, retries: 1, broadcastDelay: 10 } },
      routes: [{ units: '1-247', bus: 'line' }],
    }),
  )
  await gw2.start()
})
scripted.after(async () => {
  await gw2.close()
  await device.close()
  await pty.close()
})

scripted('every function code (and diagnostics sub-function) is forwarded byte-exact both ways', async () => {
  const requests = generateFrames('rtu', { direction: 'request', unit: 1 }).map((g) => g.adu.subarray(1, -2))
  const responses = new Map(generateFrames('rtu', { direction: 'response', unit: 1 }).map((g) => [g.name, g.adu.subarray(1, -2)]))
  const names = generateFrames('rtu', { direction: 'request', unit: 1 }).map((g) => g.name)
  device.script = ({ pdu }) => {
    const i = requests.findIndex((r) => r.equals(pdu))
    const reply = i >= 0 ? responses.get(names[i]) : undefined
    return reply ? { pdu: reply } : null
  }
  const raw = await rawClient(port(gw2))
  let tid = 1
  for (const [i, pdu] of requests.entries()) {
    const expected = responses.get(names[i])
    if (!expected) continue
    device.requests.length = 0
    raw.send(tid, 1, pdu)
    const reply = await raw.reply(tid)
    assert.is(device.requests[0]?.pdu.toString('hex'), pdu.toString('hex'), `${names[i]}: request PDU on the RTU wire`)
    assert.is(reply.slice(14), expected.toString('hex'), `${names[i]}: reply PDU back to the TCP client`)
    tid++
  }
  await raw.close()
})

scripted('a function code the registry does not know is forwarded; its reply ends at line silence', async () => {
  device.requests.length = 0
  device.script = () => ({ pdu: Buffer.from('41aabbccdd', 'hex') })
  const raw = await rawClient(port(gw2))
  raw.send(7, 5, Buffer.from('41010203', 'hex'))
  assert.is(await raw.reply(7), '0007000000060541aabbccdd')
  assert.is(device.requests[0].pdu.toString('hex'), '41010203')
  await raw.close()
})

scripted('a silent device: after one retry the client gets 0x0B, bytes on the wire', async () => {
  device.requests.length = 0
  device.script = () => null
  const raw = await rawClient(port(gw2))
  raw.send(0x0102, 3, Buffer.from('0300000001', 'hex'))
  assert.is(await raw.reply(0x0102), '01020000000303830b')
  assert.is(device.requests.length, 2, 'the request and one retry reached the line')
  await raw.close()
})

scripted('a reply with a bad CRC is not relayed; after retries the client gets 0x0B', async () => {
  device.requests.length = 0
  device.script = ({ unit }) => {
    const good = rtu.encode(unit, encodeResponse({ function: 'readHoldingRegisters', values: [1] }))
    good[good.length - 1] ^= 0xff
    return { raw: good }
  }
  const raw = await rawClient(port(gw2))
  raw.send(9, 4, Buffer.from('0300000001', 'hex'))
  assert.is(await raw.reply(9), '00090000000304830b')
  assert.is(device.requests.length, 2)
  await raw.close()
})

scripted('a broadcast write goes to the bus as unit 0 and the TCP client gets no reply', async () => {
  device.requests.length = 0
  device.script = () => null
  const raw = await rawClient(port(gw2))
  raw.send(11, 0, Buffer.from('0600100005', 'hex'))
  await waitFor(() => device.requests.some((r) => r.unit === 0), 'the broadcast on the line')
  device.script = ({ unit }) => (unit === 1 ? { pdu: encodeResponse({ function: 'readHoldingRegisters', values: [5] }) } : null)
  raw.send(12, 1, Buffer.from('0300100001', 'hex'))
  await raw.reply(12)
  assert.is(raw.replies.has(11), false, 'no reply to the broadcast')
  assert.equal(device.requests.find((r) => r.unit === 0)!.pdu.toString('hex'), '0600100005')
  await raw.close()
})

scripted('fair queueing: a modest client is served between a greedy client\'s requests, not after them', async () => {
  device.requests.length = 0
  device.script = ({ pdu }) => ({ pdu: encodeResponse({ function: 'readHoldingRegisters', values: [pdu.readUInt16BE(1)] }) })
  const greedy = await rawClient(port(gw2))
  const modest = await rawClient(port(gw2))
  for (let i = 0; i < 40; i++) greedy.send(i, 1, Buffer.from([0x03, 0x00, i, 0x00, 0x01]))
  await waitFor(() => device.requests.length >= 1, 'the first greedy request on the line')
  modest.send(500, 1, Buffer.from([0x03, 0x03, 0xe8, 0x00, 0x01]))
  await modest.reply(500, 10000)
  const position = device.requests.findIndex((r) => r.pdu.readUInt16BE(1) === 1000)
  assert.ok(position >= 0 && position <= 3, `the modest request was transaction ${position + 1} on the line, not after the greedy backlog`)
  await waitFor(() => greedy.replies.size === 40, 'the greedy client\'s replies', 20000)
  await greedy.close()
  await modest.close()
})

scripted('a client that disconnects has its queued requests withdrawn', async () => {
  device.requests.length = 0
  device.script = ({ pdu }) => ({ pdu: encodeResponse({ function: 'readHoldingRegisters', values: [pdu.readUInt16BE(1)] }) })
  const leaver = await rawClient(port(gw2))
  for (let i = 0; i < 50; i++) leaver.send(i, 1, Buffer.from([0x03, 0x00, i, 0x00, 0x01]))
  await waitFor(() => device.requests.length >= 1, 'the first request on the line')
  await leaver.close()
  const stayer = await rawClient(port(gw2))
  stayer.send(1, 1, Buffer.from('0300630001', 'hex'))
  await stayer.reply(1)
  assert.ok(device.requests.length < 10, `only the requests already under way reached the line (${device.requests.length} of 50)`)
  await stayer.close()
})

scripted('a port that vanishes: requests get 0x0A at once; when it returns, forwarding resumes', async () => {
  device.script = ({ pdu }) => ({ pdu: encodeResponse({ function: 'readHoldingRegisters', values: [pdu.readUInt16BE(1)] }) })
  await device.close()
  await pty.close()
  const bus = gw2.buses.get('line')!
  await waitFor(async () => {
    const raw = await rawClient(port(gw2))
    raw.send(1, 1, Buffer.from('0300010001', 'hex'))
    const r = await raw.reply(1)
    await raw.close()
    return r === '00010000000301830a'
  }, 'requests to be refused with 0x0A while the port is gone', 10000)
  assert.is(bus.stats().state, 'down')
  pty = await ptyPair(links)
  device = await scriptedDevice(pty.b, ({ pdu }) => ({ pdu: encodeResponse({ function: 'readHoldingRegisters', values: [pdu.readUInt16BE(1)] }) }))
  await waitFor(() => bus.stats().state === 'up', 'the bus to reopen the port', 15000)
  const raw = await rawClient(port(gw2))
  raw.send(2, 1, Buffer.from('0300070001', 'hex'))
  assert.is(await raw.reply(2), '0002000000050103020007')
  await raw.close()
})
scripted.run()
