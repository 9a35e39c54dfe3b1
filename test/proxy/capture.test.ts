import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { buildDevices, connectClient, createServer, defaultDeviceFile, ModbusExceptionError, type ModbusServer } from '../../core/index.ts'
import type { CaptureFile, CaptureStats } from '../../core/capture/capture-file.ts'
import { attachGatewayCapture, openGatewayCapture } from '../../proxy/capture.ts'
import { validateConfig } from '../../proxy/config.ts'
import { Gateway } from '../../proxy/gateway.ts'
import { hostileDevice, type Behavior, type HostileDevice } from '../helpers/hostile-device.ts'
import { ptyPair, type PtyPair } from '../helpers/pty.ts'
import { rawClient, type RawClient } from '../helpers/raw-tcp.ts'
import { RTU_PORT_OPTION, tsharkFields, type Fields } from '../core/capture/tshark.ts'

const BUS_TIMEOUT = 400
const port = (gw: Gateway) => Number(gw.listening[0].split(':').pop())
const isModbus = (p: Fields) => p['modbus.func_code'] !== ''
const isQuery = (p: Fields) => /^\s*Query/.test(p['_ws.col.Info'])
const isResponse = (p: Fields) => /^\s*Response/.test(p['_ws.col.Info'])

/** One request of the scenario, and what the device does with each attempt of it. */
interface Step {
  tid: number
  unit: number
  pdu: string
  attempts: Behavior[]
  what: string
}

const STEPS: Step[] = [
  { tid: 1, unit: 1, pdu: '0300000002', attempts: ['correct'], what: 'a read answered' },
  { tid: 2, unit: 1, pdu: '04000a0001', attempts: ['twice'], what: 'a read answered twice (the second reply is stray)' },
  { tid: 3, unit: 1, pdu: '0303fc000a', attempts: ['correct'], what: 'a read past the map (exception 02)' },
  { tid: 4, unit: 1, pdu: '0600010003', attempts: ['correct'], what: 'a write the device refuses (exception 01)' },
  { tid: 5, unit: 1, pdu: '0800001234', attempts: ['garbageBefore'], what: 'an echo after garbage bytes' },
  { tid: 6, unit: 2, pdu: '0300050003', attempts: ['silent', 'correct'], what: 'a read answered on the retry' },
  { tid: 7, unit: 3, pdu: '0300000001', attempts: ['silent', 'silent'], what: 'a read never answered (0x0B)' },
]

// ---
const rtuBus = suite('proxy capture: both sides of a gateway in front of a hostile RTU device (socat PTY), read back with tshark')
let dir: string
let pty: PtyPair
let device: HostileDevice
let gw: Gateway
let file: CaptureFile
let client: RawClient
let stats: CaptureStats
let packets: Fields[]
const replies = new Map<number, string>()

rtuBus.before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'modbridge-capture-'))
  pty = await ptyPair()
  const seen = new Map<string, number>()
  device = await hostileDevice(pty.b, {
    seed: 7,
    behave: (r) => {
      const key = `${r.unit}:${r.pdu.toString('hex')}`
      const n = seen.get(key) ?? 0
      seen.set(key, n + 1)
      const step = STEPS.find((s) => s.unit === r.unit && s.pdu === r.pdu.toString('hex'))
      return step?.attempts[Math.min(n, step.attempts.length - 1)] ?? 'correct'
    },
  })
  gw = new Gateway(
    validateConfig({
      listen: ['tcp://127.0.0.1:0'],
      buses: { a: { address: `rtu://${pty.a}?baud=19200`, timeout: BUS_TIMEOUT, retries: 1 } },
      routes: [{ units: '1-31', bus: 'a' }],
    }),
  )
  file = await openGatewayCapture(join(dir, 'gateway.pcapng'))
  await gw.start()
  attachGatewayCapture(gw, file)
  client = await rawClient(port(gw))
  for (const s of STEPS) {
    client.send(s.tid, s.unit, Buffer.from(s.pdu, 'hex'))
    replies.set(s.tid, (await client.reply(s.tid, 10_000)).slice(14))
  }
  const gone = once(gw, 'client')
  await client.close()
  await gone
  await gw.close()
  stats = await file.close()
  packets = await tsharkFields(join(dir, 'gateway.pcapng'), RTU_PORT_OPTION)
})
rtuBus.after(async () => {
  await client?.close()
  await gw?.close()
  await file?.close()
  await device?.close()
  await pty?.close()
  rmSync(dir, { recursive: true, force: true })
})

rtuBus('the file is whole: every packet recorded, none dropped, and tshark reads each one', () => {
  assert.is(stats.dropped, 0)
  assert.is(stats.error, undefined)
  assert.is(packets.length, stats.packets)
  assert.ok(packets.every((p) => !/malformed/i.test(p['_ws.col.Info'])), 'no malformed packet')
})

rtuBus('client side: every request is a Modbus/TCP query with its function code, in order', () => {
  const queries = packets.filter((p) => p['frame.interface_name'] === 'clients' && isModbus(p) && isQuery(p))
  assert.equal(queries.map((q) => Number(q['modbus.func_code'])), STEPS.map((s) => parseInt(s.pdu.slice(0, 2), 16)))
  assert.equal(queries.map((q) => Number(q['mbtcp.unit_id'])), STEPS.map((s) => s.unit))
  assert.ok(queries.every((q) => q['_ws.col.Protocol'] === 'Modbus/TCP'))
})

rtuBus('client side: every reply is a response to its own query, with the function and exception code the client received', () => {
  const side = packets.filter((p) => p['frame.interface_name'] === 'clients' && isModbus(p))
  const responses = side.filter(isResponse)
  assert.is(responses.length, STEPS.length)
  for (const s of STEPS) {
    const got = Buffer.from(replies.get(s.tid)!, 'hex')
    const query = side.find((p) => isQuery(p) && p['mbtcp.trans_id'] === String(s.tid))!
    const response = responses.find((p) => p['mbtcp.trans_id'] === String(s.tid))
    assert.ok(response, `${s.what}: a response with the query's transaction id`)
    assert.ok(Number(response!['frame.number']) > Number(query['frame.number']), `${s.what}: after its query`)
    // Wireshark links a normal response to its query (modbus.request_frame); an exception response it does not.
    if (!(got[0] & 0x80)) assert.is(response!['modbus.request_frame'], query['frame.number'], `${s.what}: linked to its query`)
    assert.is(Number(response!['modbus.func_code']), got[0] & 0x7f, `${s.what}: function code`)
    assert.is(response!['modbus.exception_code'], got[0] & 0x80 ? String(got[1]) : '', `${s.what}: exception code`)
  }
  const exceptions = Object.fromEntries(STEPS.map((s) => [s.tid, responses.find((p) => p['mbtcp.trans_id'] === String(s.tid))!['modbus.exception_code']]))
  assert.is(exceptions[3], '2', 'the device said 02')
  assert.is(exceptions[4], '1', 'the device said 01')
  assert.is(exceptions[7], '11', 'the gateway said 0B')
})

rtuBus('client side: comments name the client, the bus, and why the gateway answered itself', () => {
  const side = packets.filter((p) => p['frame.interface_name'] === 'clients')
  assert.ok(side.some((p) => /^client \d+ connected from 127\.0\.0\.1:\d+ \(tcp\)$/.test(p['frame.comment'])), 'the handshake names the client')
  const byTid = (tid: number) => side.find((p) => isResponse(p) && p['mbtcp.trans_id'] === String(tid))!['frame.comment']
  assert.match(byTid(1), /^bus a, [\d.]+ ms$/)
  assert.match(byTid(3), /^bus a: exception 2 from the device/)
  assert.match(byTid(7), /^gateway: timeout on bus a \(.*no reply from unit 3/)
  assert.ok(side.some((p) => /disconnected/.test(p['frame.comment'])), 'the close is recorded')
})

rtuBus('client side: the synthetic TCP stream raises no TCP analysis flag (no retransmission, no lost segment)', () => {
  const flagged = packets.filter((p) => p['frame.interface_name'] === 'clients' && p['tcp.analysis.flags'] !== '')
  assert.equal(flagged.map((p) => `${p['frame.number']}: ${p['_ws.col.Info']}`), [])
})

rtuBus('bus side: every attempt the device received is a Modbus RTU query, retries marked', () => {
  const queries = packets.filter((p) => p['frame.interface_name'] === 'bus a' && isModbus(p) && isQuery(p))
  assert.equal(
    queries.map((q) => `${q['mbrtu.unit_id']}:${q['modbus.func_code']}`),
    device.log.map((e) => `${e.unit}:${parseInt(e.pdu.slice(0, 2), 16)}`),
  )
  assert.ok(queries.every((q) => q['_ws.col.Protocol'] === 'Modbus RTU'))
  const retries = queries.filter((q) => /^retry 1:/.test(q['frame.comment'])).map((q) => q['mbrtu.unit_id'])
  assert.equal(retries, ['2', '3'], 'the second attempts to units 2 and 3')
})

rtuBus('bus side: replies decode with their function and exception codes and are matched to their queries', () => {
  const side = packets.filter((p) => p['frame.interface_name'] === 'bus a' && isModbus(p))
  const responses = side.filter((p) => isResponse(p) && !/^stray/.test(p['frame.comment']))
  const codes = responses.map((r) => `${r['modbus.func_code']}/${r['modbus.exception_code'] || '-'}`)
  assert.equal(codes, ['3/-', '4/-', '3/2', '6/1', '8/-', '3/-'])
  for (const r of responses.filter((p) => p['modbus.exception_code'] === '')) {
    assert.ok(side.some((q) => q['frame.number'] === r['modbus.request_frame'] && isQuery(q)), `response ${r['frame.number']} points at a query`)
  }
})

rtuBus('bus side: the hostile device\'s stray frame and garbage bytes are recorded, named as such', () => {
  const side = packets.filter((p) => p['frame.interface_name'] === 'bus a')
  const stray = side.filter((p) => /^stray: /.test(p['frame.comment']))
  assert.ok(stray.length >= 1, 'the duplicate reply is recorded as stray')
  assert.is(stray[0]['modbus.func_code'], '4', 'and it still decodes as Modbus')
  assert.ok(device.counts.garbageBytes > 0)
  assert.ok(side.some((p) => /^framing error: /.test(p['frame.comment']) && !isModbus(p)), 'the garbage is recorded as data with the framing error')
})

rtuBus('opened with no option at all, every RTU frame still decodes as Modbus RTU with its function code', async () => {
  const plain = await tsharkFields(join(dir, 'gateway.pcapng'))
  const rtu = plain.filter((p) => p['frame.interface_name'] === 'bus a' && p['mbrtu.unit_id'] !== '')
  assert.is(rtu.length, packets.filter((p) => p['frame.interface_name'] === 'bus a' && p['mbrtu.unit_id'] !== '').length)
  assert.ok(rtu.every((p) => p['_ws.col.Protocol'] === 'Modbus RTU' && p['modbus.func_code'] !== ''))
})

rtuBus.run()

// ---
const otherBuses = suite('proxy capture: a Modbus TCP bus (as MBAP in synthetic TCP) and an ASCII bus (shown as RTU)')
let dir2: string
let tcpDevice: ModbusServer
let asciiPty: PtyPair
let asciiDevice: ModbusServer
let gw2: Gateway
let file2: CaptureFile
let packets2: Fields[]

otherBuses.before(async () => {
  dir2 = mkdtempSync(join(tmpdir(), 'modbridge-capture-'))
  tcpDevice = createServer('tcp://127.0.0.1:0', { context: buildDevices(defaultDeviceFile([1])).context })
  const tcpAddress = await tcpDevice.listen()
  asciiPty = await ptyPair()
  asciiDevice = createServer(`ascii://${asciiPty.b}?baud=19200`, { context: buildDevices(defaultDeviceFile([5])).context })
  await asciiDevice.listen()
  gw2 = new Gateway(
    validateConfig({
      listen: ['tcp://127.0.0.1:0'],
      buses: { plc: { address: tcpAddress, timeout: 2000 }, meters: { address: `ascii://${asciiPty.a}?baud=19200`, timeout: 2000 } },
      routes: [{ units: 1, bus: 'plc' }, { units: 5, bus: 'meters' }],
    }),
  )
  file2 = await openGatewayCapture(join(dir2, 'two-buses.pcapng'))
  await gw2.start()
  attachGatewayCapture(gw2, file2)
  const c = connectClient(gw2.listening[0], { timeout: 5000 })
  await c.readHoldingRegisters(1, 0, 4)
  await c.readInputRegisters(5, 2, 2)
  try {
    await c.readHoldingRegisters(5, 65000, 10)
    assert.unreachable('a read past the end of the map is refused')
  } catch (err) {
    assert.instance(err, ModbusExceptionError)
  }
  await c.close()
  await gw2.close()
  await file2.close()
  packets2 = await tsharkFields(join(dir2, 'two-buses.pcapng'), RTU_PORT_OPTION)
})
otherBuses.after(async () => {
  await gw2?.close()
  await file2?.close()
  await tcpDevice?.close()
  await asciiDevice?.close()
  await asciiPty?.close()
  rmSync(dir2, { recursive: true, force: true })
})

otherBuses('the TCP bus: the MBAP frames the gateway sent, decoded as Modbus/TCP queries and responses on port 502', () => {
  const plc = packets2.filter((p) => p['frame.interface_name'] === 'bus plc' && isModbus(p))
  assert.equal(plc.map((p) => `${isQuery(p) ? 'Q' : isResponse(p) ? 'R' : '?'}${p['modbus.func_code']}`), ['Q3', 'R3'])
  assert.ok(plc.every((p) => p['_ws.col.Protocol'] === 'Modbus/TCP'))
  assert.is(plc[1]['modbus.request_frame'], plc[0]['frame.number'])
  assert.is(plc[1]['mbtcp.trans_id'], plc[0]['mbtcp.trans_id'], 'the transaction id the gateway used')
})

otherBuses('the ASCII bus: each frame shown as the RTU frame of the same unit and PDU, the ASCII text in its comment', () => {
  const meters = packets2.filter((p) => p['frame.interface_name'] === 'bus meters' && isModbus(p))
  assert.equal(meters.map((p) => `${isQuery(p) ? 'Q' : isResponse(p) ? 'R' : '?'}${p['modbus.func_code']}/${p['modbus.exception_code'] || '-'}`), ['Q4/-', 'R4/-', 'Q3/-', 'R3/2'])
  assert.ok(meters.every((p) => p['mbrtu.unit_id'] === '5' && /^ASCII on the wire, shown as RTU: ":05/.test(p['frame.comment'])))
})

otherBuses('the client side: three queries and three responses, one of them exception 02', () => {
  const side = packets2.filter((p) => p['frame.interface_name'] === 'clients' && isModbus(p))
  assert.equal(side.map((p) => `${isQuery(p) ? 'Q' : 'R'}${p['modbus.func_code']}/${p['modbus.exception_code'] || '-'}`), ['Q3/-', 'R3/-', 'Q4/-', 'R4/-', 'Q3/-', 'R3/2'])
  assert.ok(packets2.every((p) => p['tcp.analysis.flags'] === ''), 'no TCP analysis flag anywhere')
})

otherBuses.run()
