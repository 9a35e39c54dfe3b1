/**
 * The gateway secured (Modbus/TCP Security) over real TLS on loopback, with certificates Debian's
 * openssl makes at test time: roles from the certificate's role extension, per-route permissions,
 * access lists on listeners and routes, a TLS bus, and the log lines an operator reads.
 */
import { readFileSync } from 'node:fs'
import { Writable } from 'node:stream'
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls'
import { pino } from 'pino'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import {
  buildDevices,
  connectClient,
  createServer,
  createTcpFramer,
  defaultDeviceFile,
  encodeRequest,
  ModbusExceptionError,
  parseAddress,
  type ModbusClient,
  type ModbusServer,
  type NetworkAddress,
  type SimulatedDevices,
} from '../../core/index.ts'
import { validateConfig } from '../../proxy/config.ts'
import { Gateway } from '../../proxy/gateway.ts'
import { attachGatewayLog } from '../../proxy/gateway-log.ts'
import { makeTestCerts, type CertPair, type TestCerts } from '../helpers/certs.ts'
import { waitFor } from '../helpers/wait.ts'

const test = suite('gateway over TLS: operator writes, viewer reads, strangers are refused')
let certs: TestCerts
let plc: SimulatedDevices, securePlc: SimulatedDevices
let plain: ModbusServer, secure: ModbusServer
let gw: Gateway
const lines: { level: number; msg: string; subject?: string; role?: string }[] = []
const refused: string[] = []
const clients: ModbusClient[] = []
const sockets: TLSSocket[] = []

const portOf = (address: string) => (parseAddress(address) as NetworkAddress).port
/** The gateway's listeners, in config order: the mutual TLS one, the TLS one with a default role, plain TCP. */
const tlsPort = () => portOf(gw.listening[0])
const defaultRolePort = () => portOf(gw.listening[1])
const tcpPort = () => portOf(gw.listening[2])

function client(target: string): ModbusClient {
  const c = connectClient(target, { timeout: 3000 })
  clients.push(c)
  return c
}

async function exceptionOf(p: Promise<unknown>): Promise<number> {
  try {
    await p
  } catch (err) {
    if (err instanceof ModbusExceptionError) return err.exceptionCode
    throw err
  }
  assert.unreachable('expected an exception response')
  return -1
}

/** A raw TLS connection, for what a refused client sees. */
function rawTls(port: number, options: ConnectionOptions): Promise<{ secured: boolean; closed: Promise<void>; socket: TLSSocket }> {
  return new Promise((resolve) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, ca: readFileSync(certs.ca), ...options })
    sockets.push(socket)
    const closed = new Promise<void>((r) => socket.once('close', () => r()))
    socket.once('secureConnect', () => resolve({ secured: true, closed, socket }))
    socket.on('error', () => resolve({ secured: false, closed, socket }))
    socket.once('close', () => resolve({ secured: false, closed, socket }))
  })
}
const pair = (p: CertPair) => ({ cert: readFileSync(p.cert), key: readFileSync(p.key) })

test.before(async () => {
  certs = makeTestCerts()
  plc = buildDevices(defaultDeviceFile([1, 2]))
  securePlc = buildDevices(defaultDeviceFile([1]))
  securePlc.units.get(1)!.data.setRegisters('holdingRegisters', 0, [0x5ec])
  plain = createServer('tcp://127.0.0.1:0', { context: plc.context })
  secure = createServer(`tls://127.0.0.1:0?cert=${certs.server.cert}&key=${certs.server.key}&ca=${certs.ca}`, { context: securePlc.context })
  const plcAt = await plain.listen()
  const secureAt = await secure.listen()
  const server = { cert: certs.server.cert, key: certs.server.key, ca: certs.ca }
  gw = new Gateway(
    validateConfig({
      listen: [
        { address: 'tls://127.0.0.1:0', ...server, allow: ['127.0.0.1'] },
        { address: 'tls://127.0.0.1:0', ...server, defaultRole: 'viewer' },
        'tcp://127.0.0.1:0',
      ],
      buses: {
        plc: { address: plcAt, timeout: 1000 },
        // The gateway is a TLS client of this bus, with the operator's certificate.
        secure: { address: `tls://127.0.0.1:${portOf(secureAt)}`, cert: certs.operator.cert, key: certs.operator.key, ca: certs.ca, timeout: 1000 },
      },
      roles: { operator: {}, viewer: { readOnly: true } },
      routes: [
        { units: '1-2', bus: 'plc' },
        { units: 10, bus: 'plc', unit: 1, roles: { operator: { functions: [3, 4] } } },
        { units: 20, bus: 'plc', unit: 2, allow: ['127.0.0.2'] },
        { units: 30, bus: 'secure', unit: 1 },
        { units: 40, bus: 'plc', unit: 1, roles: { operator: { units: '41-50' } } },
      ],
      // Broadcasts go to the TLS bus only: every route on plc limits the operator somewhere.
      policies: { broadcast: { buses: ['secure'], reply: true } },
    }),
  )
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n')) if (l) lines.push(JSON.parse(l))
      done()
    },
  })
  attachGatewayLog(gw, pino({ level: 'info' }, stream), 0)
  gw.on('refused', (remote: string, why: string) => refused.push(`${remote} ${why}`))
  await gw.start()
})

test.after(async () => {
  for (const c of clients) await c.close()
  for (const s of sockets) s.destroy()
  await gw.close()
  await plain.close()
  await secure.close()
  certs.remove()
})

test('the listeners are tls:// with their settings, and tcp://', () => {
  assert.match(gw.listening[0], /^tls:\/\/127\.0\.0\.1:\d+\?cert=.*&allow=127\.0\.0\.1$/)
  assert.match(gw.listening[2], /^tcp:\/\/127\.0\.0\.1:\d+$/)
})

test('an operator-role client writes a register and reads it back through the gateway', async () => {
  const op = client(certs.target(tlsPort(), certs.operator))
  await op.writeRegister(1, 4, 0x0bad)
  assert.equal(await op.readHoldingRegisters(1, 4, 1), [0x0bad])
  assert.equal(plc.units.get(1)!.data.readRegisters('holdingRegisters', 4, 1), [0x0bad], 'the device has it')
  await op.writeCoils(2, 0, [true, false, true])
  assert.equal(await op.readCoils(2, 0, 3), [true, false, true])
})

test('a viewer-role client reads; its write gets exception 01 and a log line with its certificate subject', async () => {
  const viewer = client(certs.target(tlsPort(), certs.viewer))
  assert.equal(await viewer.readInputRegisters(1, 7, 2), [7, 8])
  const before = plc.units.get(1)!.data.readRegisters('holdingRegisters', 5, 1)
  assert.is(await exceptionOf(viewer.writeRegister(1, 5, 0x7777)), 0x01)
  assert.equal(plc.units.get(1)!.data.readRegisters('holdingRegisters', 5, 1), before, 'the write never reached the device')
  const line = (await waitFor(() => lines.find((l) => l.msg.includes('request denied') && l.subject === 'CN=viewer-1, O=plant'), 'the denied line'))!
  assert.is(line.level, 40)
  assert.is(line.role, 'viewer')
  assert.match(line.msg, 'request denied (exception 01): "CN=viewer-1, O=plant" (role viewer) may only read unit 1 (writeSingleRegister is a write request)')
})

test('the exception on the wire is 86 01 with the client\'s transaction id', async () => {
  const conn = await rawTls(tlsPort(), pair(certs.viewer))
  assert.ok(conn.secured)
  const framer = createTcpFramer()
  const replies: string[] = []
  conn.socket.on('data', (c: Buffer) => framer.push(c, { frame: (a) => replies.push(a.raw.toString('hex')), error: () => {} }))
  conn.socket.write(framer.encode(1, encodeRequest({ function: 'writeSingleRegister', address: 0, value: 1 }), 0x4242))
  await waitFor(() => replies.length === 1, 'the reply')
  assert.is(replies[0], '424200000003018601')
})

test('a certificate without the role extension is refused after the handshake (no defaultRole), with its subject', async () => {
  const conn = await rawTls(tlsPort(), pair(certs.noRole))
  await conn.closed
  const why = (await waitFor(() => refused.find((r) => r.includes('no-role-1')), 'the refusal'))!
  assert.match(why, 'certificate "CN=no-role-1, O=plant" carries no Modbus role (extension 1.3.6.1.4.1.50316.802.1) and no defaultRole is configured')
  assert.ok(lines.some((l) => l.msg.includes('refused') && l.msg.includes('CN=no-role-1')), 'logged')
})

test('on a listener with defaultRole viewer, the same certificate reads and is refused writes', async () => {
  const c = client(certs.target(defaultRolePort(), certs.noRole))
  assert.equal(await c.readInputRegisters(2, 3, 1), [3])
  assert.is(await exceptionOf(c.writeRegister(2, 3, 1)), 0x01)
})

test('another CA, an expired certificate and no certificate are refused at the handshake', async () => {
  for (const [who, reason] of [
    [certs.foreign, 'CN=foreign-1'],
    [certs.expired, 'the certificate has expired'],
    [undefined, 'no client certificate'],
  ] as const) {
    const before = refused.length
    const conn = await rawTls(tlsPort(), who ? pair(who) : {})
    if (conn.secured) conn.socket.write(createTcpFramer().encode(1, encodeRequest({ function: 'readHoldingRegisters', address: 0, quantity: 1 }), 1))
    let replies = 0
    conn.socket.on('data', () => replies++)
    await conn.closed
    const why = await waitFor(() => refused.slice(before).find((r) => r.includes(reason)), `the refusal of ${reason}`)
    assert.ok(why)
    assert.is(replies, 0)
  }
  // The same through the client API: a TransportError, never an answer.
  const c = client(certs.target(tlsPort(), certs.expired))
  try {
    await c.readHoldingRegisters(1, 0, 1)
    assert.unreachable('an expired certificate is answered')
  } catch (err) {
    assert.is((err as Error).name, 'TransportError')
  }
})

test('an address outside the listener\'s access list is refused at connect, before the handshake', async () => {
  const before = refused.length
  const conn = await rawTls(tlsPort(), { ...pair(certs.operator), localAddress: '127.0.0.2' } as ConnectionOptions)
  assert.is(conn.secured, false)
  const why = (await waitFor(() => refused.slice(before).find((r) => r.startsWith('127.0.0.2:')), 'the refusal'))!
  assert.match(why, '127.0.0.2 is not in the allow list of listener tls://127.0.0.1:')
})

test('a route access list: unit 20 admits only 127.0.0.2, so the operator at 127.0.0.1 gets 01', async () => {
  const op = client(certs.target(tlsPort(), certs.operator))
  assert.is(await exceptionOf(op.readHoldingRegisters(20, 0, 1)), 0x01)
  assert.ok(lines.some((l) => l.msg.includes('127.0.0.1 is not in the allow list of the route of unit 20')))
})

test('per-route roles replace the gateway-wide ones: on unit 10 the operator may read but not write, the viewer nothing', async () => {
  const op = client(certs.target(tlsPort(), certs.operator))
  const viewer = client(certs.target(tlsPort(), certs.viewer))
  assert.equal(await op.readInputRegisters(10, 2, 1), [2])
  assert.is(await exceptionOf(op.writeRegister(10, 0, 1)), 0x01)
  assert.is(await exceptionOf(viewer.readInputRegisters(10, 2, 1)), 0x01)
  assert.ok(lines.some((l) => l.msg.includes('"CN=viewer-1, O=plant" (role viewer) has no permission for unit 10')))
})

test('role unit ranges: on unit 40 the operator\'s permission covers only units 41-50', async () => {
  const op = client(certs.target(tlsPort(), certs.operator))
  assert.is(await exceptionOf(op.readInputRegisters(40, 0, 1)), 0x01)
  assert.ok(lines.some((l) => l.msg.includes('may not reach unit 40')))
})

test('a plain tcp:// client has no role: every role-governed route answers 01', async () => {
  const c = client(`tcp://127.0.0.1:${tcpPort()}`)
  assert.is(await exceptionOf(c.readInputRegisters(1, 0, 1)), 0x01)
  assert.ok(lines.some((l) => l.msg.includes('(no role) may not reach unit 1: it is open to roles operator, viewer')))
})

test('broadcast: the operator\'s write goes out (echo), the viewer\'s gets 01', async () => {
  const op = client(certs.target(tlsPort(), certs.operator))
  await op.writeRegister(0, 9, 0x0999)
  await waitFor(() => securePlc.units.get(1)!.data.readRegisters('holdingRegisters', 9, 1)[0] === 0x0999, 'the broadcast to reach the device on the TLS bus')
  const viewer = client(certs.target(tlsPort(), certs.viewer))
  assert.is(await exceptionOf(viewer.writeRegister(0, 9, 1)), 0x01)
})

test('a TLS bus: the gateway reaches a device over tls:// with its own client certificate', async () => {
  const op = client(certs.target(tlsPort(), certs.operator))
  assert.equal(await op.readHoldingRegisters(30, 0, 1), [0x5ec])
})

test.run()
