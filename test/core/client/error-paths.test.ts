import { createServer as createNetServer, type Server, type Socket } from 'node:net'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import {
  buildDevices,
  connectClient,
  createRtuFramer,
  createServer,
  createTcpFramer,
  defaultDeviceFile,
  encodeResponse,
  ModbusClient,
  openChannel,
  parseAddress,
  PduError,
  TimeoutError,
  TransportError,
  type SerialAddress,
} from '../../../core/index.ts'
import { openSerialLink } from '../../../core/transport/serial.ts'
import { type ByteLink } from '../../../core/transport/link.ts'
import { ptyPair, type PtyPair } from '../../helpers/pty.ts'
import { waitFor } from '../../helpers/wait.ts'
import { rejects } from '../../helpers/throws.ts'

/** A TCP peer whose behaviour each test scripts: it gets every request ADU and the socket. */
async function scriptedPeer(onRequest: (adu: { tid: number; unit: number; pdu: Buffer }, socket: Socket) => void): Promise<{ server: Server; port: number; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>()
  const server = createNetServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    const framer = createTcpFramer()
    socket.on('data', (chunk) => framer.push(chunk, { frame: (a) => onRequest({ tid: a.tid, unit: a.unit, pdu: Buffer.from(a.pdu) }, socket), error: () => {} }))
    socket.on('error', () => {})
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { server, port: (server.address() as { port: number }).port, sockets }
}

function stop(peer: { server: Server; sockets: Set<Socket> }): Promise<void> {
  for (const s of peer.sockets) s.destroy()
  return new Promise((r) => peer.server.close(() => r()))
}

const tcp = createTcpFramer()
const reply = (tid: number, unit: number, values: number[]) => tcp.encode(unit, encodeResponse({ function: 'readHoldingRegisters', values }), tid)

// ---
const net = suite('client error paths over TCP')

net('a device that never answers gives TimeoutError, not TransportError', async () => {
  const peer = await scriptedPeer(() => {})
  const client = connectClient(`tcp://127.0.0.1:${peer.port}`, { timeout: 100 })
  await rejects(client.readHoldingRegisters(1, 0, 1), TimeoutError, (e) => assert.match(e.message, 'within 100 ms'))
  assert.is(client.stats.timeouts, 1)
  await client.close()
  await stop(peer)
})

net('a connection lost mid-request gives TransportError; the next request reconnects', async () => {
  let calls = 0
  const peer = await scriptedPeer((adu, socket) => {
    if (calls++ === 0) socket.destroy()
    else socket.write(reply(adu.tid, adu.unit, [7]))
  })
  const client = connectClient(`tcp://127.0.0.1:${peer.port}`, { timeout: 2000 })
  await rejects(client.readHoldingRegisters(1, 0, 1), TransportError, (e) => assert.match(e.message, 'connection lost'))
  assert.equal(await client.readHoldingRegisters(1, 0, 1), [7])
  await client.close()
  await stop(peer)
})

net('a refused connection is TransportError, and attempts back off', async () => {
  const peer = await scriptedPeer(() => {})
  const port = peer.port
  await stop(peer)
  const client = connectClient(`tcp://127.0.0.1:${port}`, { timeout: 50, backoff: { minMs: 5000 } })
  await rejects(client.readHoldingRegisters(1, 0, 1), TransportError, (e) => assert.match(e.message, 'cannot connect'))
  await rejects(client.readHoldingRegisters(1, 0, 1), TransportError, (e) => assert.match(e.message, 'next attempt in'))
  assert.is(client.stats.transportErrors, 1, 'the second request did not hammer the port')
  await client.close()
})

net('a malformed reply with its transaction id is a PduError naming the field, never data', async () => {
  const peer = await scriptedPeer((adu, socket) => socket.write(tcp.encode(adu.unit, Buffer.from('030400010002ff', 'hex'), adu.tid)))
  const client = connectClient(`tcp://127.0.0.1:${peer.port}`, { timeout: 1000 })
  await rejects(client.readHoldingRegisters(1, 0, 2), PduError, (e) => assert.is(e.code, 'MB_ERR_BYTE_COUNT'))
  assert.is(client.stats.discarded, 1)
  await client.close()
  await stop(peer)
})

net('a well-formed reply of the wrong size (three registers for two) is a PduError MB_ERR_LENGTH, never data', async () => {
  const peer = await scriptedPeer((adu, socket) => socket.write(tcp.encode(adu.unit, Buffer.from('0306000100020003', 'hex'), adu.tid)))
  const client = connectClient(`tcp://127.0.0.1:${peer.port}`, { timeout: 1000 })
  await rejects(client.readHoldingRegisters(1, 0, 2), PduError, (e) => assert.is(e.code, 'MB_ERR_LENGTH'))
  await client.close()
  await stop(peer)
})

net('a reply with an unknown transaction id is discarded and counted; the right one still resolves', async () => {
  const peer = await scriptedPeer((adu, socket) => {
    socket.write(reply((adu.tid + 1000) & 0xffff, adu.unit, [1]))
    socket.write(reply(adu.tid, adu.unit, [2]))
  })
  const client = connectClient(`tcp://127.0.0.1:${peer.port}`, { timeout: 1000 })
  assert.equal(await client.readHoldingRegisters(1, 0, 1), [2])
  assert.is(client.stats.discarded, 1)
  await client.close()
  await stop(peer)
})

net('a reply with the right transaction id from another unit, and a second copy of the reply, are discarded, never taken as data', async () => {
  const peer = await scriptedPeer((adu, socket) => {
    const value = adu.pdu.readUInt16BE(1)
    socket.write(reply(adu.tid, adu.unit + 1, [0xdead]))
    socket.write(reply(adu.tid, adu.unit, [value]))
    socket.write(reply(adu.tid, adu.unit, [value]))
  })
  const strays: string[] = []
  const client = new ModbusClient(openChannel(`tcp://127.0.0.1:${peer.port}`, { onStray: (_adu, why) => strays.push(why) }), { timeout: 1000 })
  assert.equal(await client.readHoldingRegisters(1, 40, 1), [40])
  await waitFor(() => client.stats.discarded === 2, 'the foreign reply and the duplicate to be discarded')
  assert.match(strays[0], 'unit 2 answered transaction')
  assert.match(strays[1], 'no request is waiting with transaction id')
  assert.equal(await client.readHoldingRegisters(1, 41, 1), [41], 'the next request gets its own reply')
  assert.is(client.stats.responses, 2)
  await client.close()
  await stop(peer)
})

net('pipelined replies in reverse order are matched by transaction id', async () => {
  const held: { tid: number; unit: number; socket: Socket; value: number }[] = []
  const peer = await scriptedPeer((adu, socket) => {
    held.push({ tid: adu.tid, unit: adu.unit, socket, value: adu.pdu.readUInt16BE(1) })
    if (held.length === 5) for (const h of held.reverse()) h.socket.write(reply(h.tid, h.unit, [h.value]))
  })
  const client = connectClient(`tcp://127.0.0.1:${peer.port}`, { timeout: 2000 })
  const results = await Promise.all([10, 20, 30, 40, 50].map((a) => client.readHoldingRegisters(1, a, 1)))
  assert.equal(results, [[10], [20], [30], [40], [50]])
  await client.close()
  await stop(peer)
})

net('a TCP server closes a connection that sends protocol id 1, and only that one', async () => {
  const server = createServer('tcp://127.0.0.1:0', { context: buildDevices(defaultDeviceFile()).context })
  const address = parseAddress(await server.listen())
  const good = connectClient(address, { timeout: 2000 })
  assert.equal(await good.readInputRegisters(1, 5, 1), [5])
  const { createConnection } = await import('node:net')
  const bad = createConnection({ host: '127.0.0.1', port: (address as { port: number }).port })
  let closed = false
  bad.on('close', () => (closed = true))
  bad.on('error', () => {})
  bad.write(Buffer.from('000100010006010300000001', 'hex'))
  await waitFor(() => closed, 'the server to close the bad connection')
  assert.equal(await good.readInputRegisters(1, 6, 1), [6])
  await good.close()
  await server.close()
})
net.run()

// ---
const line = suite('client error paths on a serial line (kernel PTY)')
let pty: PtyPair
let device: ByteLink
let address: SerialAddress
const requests: Buffer[] = []
let answer: (pdu: Buffer, unit: number) => void = () => {}
const rtu = createRtuFramer({ expect: 'request' })

line.before(async () => {
  pty = await ptyPair()
  address = parseAddress(`rtu://${pty.a}?baud=19200`) as SerialAddress
  device = await openSerialLink(parseAddress(`rtu://${pty.b}?baud=19200`) as SerialAddress)
  device.onData((chunk) => rtu.push(chunk, { frame: (a) => (requests.push(Buffer.from(a.pdu)), answer(Buffer.from(a.pdu), a.unit)), error: () => {} }))
})
line.after(async () => {
  await device.close()
  await pty.close()
})

const rtuReply = (unit: number, values: number[]) => rtu.encode(unit, encodeResponse({ function: 'readHoldingRegisters', values }))

line('a reply from another unit is discarded and counted; the addressed unit\'s reply is taken', async () => {
  answer = (_pdu, unit) => void device.write(Buffer.concat([rtuReply(unit + 1, [1]), rtuReply(unit, [2])]))
  const client = connectClient(address, { timeout: 1000 })
  assert.equal(await client.readHoldingRegisters(3, 0, 1), [2])
  assert.is(client.stats.discarded, 1)
  await client.close()
})

line('garbage on the line before the reply is skipped', async () => {
  answer = (_pdu, unit) => void device.write(Buffer.concat([Buffer.from([0x00, 0xff, 0x13]), rtuReply(unit, [5])]))
  const client = connectClient(address, { timeout: 1000 })
  assert.equal(await client.readHoldingRegisters(3, 0, 1), [5])
  await client.close()
})

line('a request that is not answered is retried, and the retry is answered', async () => {
  let n = 0
  answer = (_pdu, unit) => {
    if (n++ > 0) void device.write(rtuReply(unit, [9]))
  }
  const client = connectClient(address, { timeout: 150, retries: 2 })
  assert.equal(await client.readHoldingRegisters(3, 0, 1), [9])
  assert.is(client.stats.retries, 1)
  assert.is(client.stats.timeouts, 1)
  await client.close()
})

line('a late reply to a timed-out request is discarded, not taken as the next reply', async () => {
  const pending: (() => void)[] = []
  answer = (pdu, unit) => {
    const values = [pdu.readUInt16BE(1)]
    pending.push(() => void device.write(rtuReply(unit, values)))
  }
  const client = connectClient(address, { timeout: 100, retries: 0 })
  await rejects(client.readHoldingRegisters(3, 111, 1), TimeoutError)
  pending.shift()!()
  await waitFor(() => client.stats.discarded >= 1, 'the late reply to be discarded')
  answer = (pdu, unit) => void device.write(rtuReply(unit, [pdu.readUInt16BE(1)]))
  assert.equal(await client.readHoldingRegisters(3, 222, 1), [222])
  await client.close()
})
line.run()
