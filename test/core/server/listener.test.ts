import { createSocket } from 'node:dgram'
import { createConnection, type Socket } from 'node:net'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import {
  buildDevices,
  createRtuFramer,
  createServer,
  createTcpFramer,
  defaultDeviceFile,
  encodeRequest,
  ModbusListener,
  ModbusTcpServer,
  parseAddress,
  type ListenerLimits,
  type NetworkAddress,
  type ModbusServer,
} from '../../../core/index.ts'
import { validateConfig } from '../../../proxy/config.ts'
import { Gateway } from '../../../proxy/gateway.ts'
import { startSimulatedBus, type SimulatedBus } from '../../../proxy/simulated-bus.ts'
import { waitFor } from '../../helpers/wait.ts'

const devices = () => buildDevices(defaultDeviceFile([1])).context
const portOf = (address: string) => Number(address.split(':').pop())
const open: Socket[] = []

/** A plain TCP connection to 127.0.0.1:port, kept for `after`. */
async function connect(port: number): Promise<{ socket: Socket; closed: () => boolean }> {
  const socket = createConnection({ host: '127.0.0.1', port })
  open.push(socket)
  let closed = false
  socket.on('close', () => (closed = true))
  socket.on('error', () => {})
  await new Promise<void>((resolve, reject) => socket.once('connect', () => resolve()).once('error', reject))
  return { socket, closed: () => closed }
}

function closeAll(): Promise<void> {
  return Promise.all(
    open.splice(0).map(
      (s) =>
        new Promise<void>((r) => {
          if (s.destroyed) return r()
          s.once('close', () => r())
          s.destroy()
        }),
    ),
  ).then(() => {})
}

/** An RTU-over-TCP connection that keeps every reply frame (hex) in arrival order. */
async function rtuClient(port: number): Promise<{ socket: Socket; replies: string[] }> {
  const { socket } = await connect(port)
  const framer = createRtuFramer({ expect: 'response' })
  const replies: string[] = []
  socket.on('data', (c: Buffer) => framer.push(c, { frame: (a) => replies.push(a.raw.toString('hex')), error: () => {} }))
  return { socket, replies }
}

const rtuRequest = createRtuFramer({ expect: 'request' })
const readInputs = (unit: number, address: number) => rtuRequest.encode(unit, encodeRequest({ function: 'readInputRegisters', address, quantity: 1 }))
const rtuReply = createRtuFramer({ expect: 'response' })
/** The reply of the default device to 04 for one register: its value is its address. */
const inputReply = (unit: number, address: number) => rtuReply.encode(unit, Buffer.from([0x04, 0x02, address >> 8, address & 0xff])).toString('hex')

// ---
const resync = suite('listener: RTU over TCP resyncs after stray bytes')
let server: ModbusServer
let serverAddress: string
let sim: SimulatedBus
let gw: Gateway

resync.before(async () => {
  server = createServer('rtu+tcp://127.0.0.1:0', { context: devices() })
  serverAddress = await server.listen()
  sim = await startSimulatedBus([1], 115200)
  gw = new Gateway(
    validateConfig({
      listen: ['rtu+tcp://127.0.0.1:0'],
      buses: { sim: { address: 'rtu:///virtual?baud=115200', timeout: 1000 } },
      routes: [{ units: 1, bus: 'sim' }],
    }),
    { links: { sim: sim.open } },
  )
  await gw.start()
})
resync.after(async () => {
  await closeAll()
  await gw.close()
  await sim.close()
  await server.close()
})

for (const [name, port] of [
  ['serve (createServer rtu+tcp)', () => portOf(serverAddress)],
  ["the gateway's rtu+tcp listener", () => portOf(gw.listening[0])],
] as const) {
  resync(`${name}: 01 41, then three requests in a later write: all three answered, nothing more sent`, async () => {
    const c = await rtuClient(port())
    c.socket.write(Buffer.from('0141', 'hex'))
    c.socket.write(Buffer.concat([readInputs(1, 10), readInputs(1, 11), readInputs(1, 12)]))
    await waitFor(() => c.replies.length === 3, 'three replies after the stray bytes', 3000)
    assert.equal(c.replies, [inputReply(1, 10), inputReply(1, 11), inputReply(1, 12)])
  })
  resync(`${name}: 01 41 and a request in one write: the request is answered`, async () => {
    const c = await rtuClient(port())
    c.socket.write(Buffer.concat([Buffer.from('0141', 'hex'), readInputs(1, 20)]))
    await waitFor(() => c.replies.length === 1, 'the reply after the stray bytes', 3000)
    assert.equal(c.replies, [inputReply(1, 20)])
    // The connection stays in step: the next request is answered too.
    c.socket.write(readInputs(1, 21))
    await waitFor(() => c.replies.length === 2, 'the reply to the next request', 3000)
    assert.is(c.replies[1], inputReply(1, 21))
  })
}
resync.run()

// ---
const superseded = suite('listener: RTU over TCP, a serial master moves on — a reply to a request it gave up on is never sent')
const listeners: ModbusListener[] = []
superseded.after(async () => {
  await closeAll()
  for (const l of listeners.splice(0)) await l.close()
})

/** An rtu+tcp listener whose unit 1 answers only when the test says, and whose unit 2 answers at once. */
async function slowListener(): Promise<{ listener: ModbusListener; port: number; held: (() => void)[] }> {
  const held: (() => void)[] = []
  const listener = new ModbusListener({
    address: parseAddress('rtu+tcp://127.0.0.1:0') as NetworkAddress,
    responder: (_client, unit, pdu) =>
      unit === 1 ? new Promise<Buffer>((resolve) => held.push(() => resolve(Buffer.from([pdu[0] | 0x80, 0x0b])))) : Buffer.from([0x04, 0x02, 0x00, unit]),
  })
  listeners.push(listener)
  return { listener, port: (await listener.listen()).port, held }
}

superseded('a request after a pause supersedes the one still unanswered: its late 0x0B is not sent, and the new request gets its own reply', async () => {
  const { listener, port, held } = await slowListener()
  const c = await rtuClient(port)
  c.socket.write(readInputs(1, 0))
  await waitFor(() => held.length === 1, 'the slow request to reach the responder')
  await new Promise((resolve) => setTimeout(resolve, 30)) // the master's timeout: far longer than the 3 ms pause
  c.socket.write(readInputs(2, 0))
  await waitFor(() => c.replies.length === 1, 'the reply to the new request')
  held[0]()
  c.socket.write(readInputs(2, 1))
  await waitFor(() => c.replies.length === 2, 'the reply to the request after')
  assert.equal(c.replies, [inputReply(2, 2), inputReply(2, 2)], 'only unit 2 answered; the late 0x0B for unit 1 never came')
  assert.is(listener.stats.superseded, 1)
})

superseded('requests written back to back (no pause) are all answered, in turn', async () => {
  const { listener, port, held } = await slowListener()
  const c = await rtuClient(port)
  c.socket.write(Buffer.concat([readInputs(1, 0), readInputs(1, 1)]))
  await waitFor(() => held.length === 2, 'both slow requests at the responder')
  held[0]()
  held[1]()
  await waitFor(() => c.replies.length === 2, 'both replies')
  const exception = rtuReply.encode(1, Buffer.from([0x84, 0x0b])).toString('hex')
  assert.equal(c.replies, [exception, exception])
  assert.is(listener.stats.superseded, 0)
})

superseded.run()

// ---
const pressure = suite('listener: a client that sends without reading')
const REQUESTS = 50_000
const CHUNK = 500
/** MBAP request for 125 holding registers (12 bytes); its reply is 259 bytes. */
const mbap = createTcpFramer()
const bigRead = (tid: number) => mbap.encode(1, encodeRequest({ function: 'readHoldingRegisters', address: 0, quantity: 125 }), tid & 0xffff)
const BIG_REPLY = 7 + 2 + 250
const tcpServers: ModbusTcpServer[] = []

async function tcpServer(limits: ListenerLimits): Promise<{ server: ModbusTcpServer; port: number }> {
  const s = new ModbusTcpServer({ context: devices(), host: '127.0.0.1', port: 0, ...limits })
  tcpServers.push(s)
  return { server: s, port: (await s.listen()).port }
}

/**
 * Writes requests first..REQUESTS-1 in chunks; when the socket will not take more, waits for
 * 'drain' up to `boundMs`. Resolves with how many were written when it stopped (all, or where the
 * server stopped reading), or when the connection closed.
 */
async function pipeline(socket: Socket, closed: () => boolean, first: number, boundMs: number): Promise<number> {
  let sent = first
  while (sent < REQUESTS && !closed()) {
    const parts: Buffer[] = []
    for (let i = 0; i < CHUNK && sent < REQUESTS; i++, sent++) parts.push(bigRead(sent))
    if (socket.write(Buffer.concat(parts))) continue
    let drained = false
    socket.once('drain', () => (drained = true))
    const moved = await waitFor(() => drained || closed(), "'drain'", boundMs).then(
      () => true,
      () => false,
    )
    if (!moved) break
  }
  return sent
}

pressure.after(async () => {
  await closeAll()
  for (const s of tcpServers.splice(0)) await s.close()
})

// 4 KiB is below the socket's own high-water mark (16 KiB), where 'drain' never fires.
for (const maxUnsentBytes of [16 * 1024, 4 * 1024]) {
  pressure(`${REQUESTS} pipelined reads, replies unread, maxUnsentBytes ${maxUnsentBytes}: reading pauses, unsent replies stay within the limit, and every reply comes once the client reads`, async () => {
    const { server: s, port } = await tcpServer({ maxUnsentBytes })
    const { socket, closed } = await connect(port)
    socket.pause()
    // 50,000 replies of 259 bytes (13 MB) are more than the loopback socket buffers hold, so the server
    // must stop reading before it has read every request.
    const stoppedAt = await pipeline(socket, closed, 0, 1500)
    await waitFor(() => s.stats.paused > 0, 'the server to pause reading from the client')
    assert.ok(s.stats.requests < stoppedAt, `requests not yet read stayed in the socket (${s.stats.requests} read of ${stoppedAt} sent)`)
    assert.ok(s.stats.peakUnsentBytes <= maxUnsentBytes + BIG_REPLY, `at most maxUnsentBytes plus one reply waited in the server (peak ${s.stats.peakUnsentBytes} bytes)`)
    assert.is(s.stats.dropped, 0)

    // Now the client reads: the server resumes, and every request is answered in order.
    const framer = createTcpFramer()
    let replies = 0
    let inOrder = true
    socket.on('data', (c: Buffer) =>
      framer.push(c, {
        frame: (a) => {
          inOrder &&= a.tid === (replies & 0xffff) && a.pdu.length === 252
          replies++
        },
        error: () => (inOrder = false),
      }),
    )
    socket.resume()
    await pipeline(socket, closed, stoppedAt, 10_000)
    await waitFor(() => replies === REQUESTS || closed(), `${REQUESTS} replies (have ${replies})`, 20_000)
    assert.is(replies, REQUESTS)
    assert.ok(inOrder, 'each reply carries the next transaction id and 125 registers')
    assert.ok(s.stats.peakUnsentBytes <= maxUnsentBytes + BIG_REPLY, `peak ${s.stats.peakUnsentBytes} bytes`)
    assert.is(closed(), false)
  })
}

pressure('hardUnsentBytes below maxUnsentBytes: a client that does not read is closed once its unread replies pass it', async () => {
  const hardUnsentBytes = 4096
  const { server: s, port } = await tcpServer({ maxUnsentBytes: 64 * 1024, hardUnsentBytes })
  const { socket, closed } = await connect(port)
  socket.pause()
  await pipeline(socket, closed, 0, 1500)
  await waitFor(closed, 'the server to close the connection')
  assert.is(s.stats.dropped, 1)
  assert.ok(s.stats.peakUnsentBytes > hardUnsentBytes && s.stats.peakUnsentBytes <= hardUnsentBytes + BIG_REPLY, `closed on the reply that passed the limit (peak ${s.stats.peakUnsentBytes} bytes)`)
  await waitFor(() => s.stats.open === 0, 'the listener to count the connection closed')
})
pressure.run()

// ---
const limits = suite('listener: connection limits and idle clients')

limits.after(async () => {
  await closeAll()
  for (const s of tcpServers.splice(0)) await s.close()
})

/** Sends one MBAP read on `socket` and resolves with the reply's hex. */
function ask(socket: Socket, tid: number): Promise<string> {
  const framer = createTcpFramer()
  return new Promise((resolve) => {
    const onData = (c: Buffer) =>
      framer.push(c, {
        frame: (a) => {
          socket.off('data', onData)
          resolve(a.raw.toString('hex'))
        },
        error: () => {},
      })
    socket.on('data', onData)
    socket.write(mbap.encode(1, encodeRequest({ function: 'readInputRegisters', address: tid, quantity: 1 }), tid))
  })
}
const askReply = (tid: number) => `${tid.toString(16).padStart(4, '0')}00000005010402${tid.toString(16).padStart(4, '0')}`

limits('maxConnections 5: three more are closed at once and counted; the five still work; a freed slot is taken again', async () => {
  const { server: s, port } = await tcpServer({ maxConnections: 5 })
  const kept: Awaited<ReturnType<typeof connect>>[] = []
  for (let i = 0; i < 5; i++) kept.push(await connect(port))
  await waitFor(() => s.stats.open === 5, 'five connections accepted')
  const extra: Awaited<ReturnType<typeof connect>>[] = []
  for (let i = 0; i < 3; i++) extra.push(await connect(port))
  await waitFor(() => extra.every((c) => c.closed()), 'the three extra connections to be closed')
  assert.is(s.stats.refused, 3)
  assert.is(s.stats.open, 5)
  for (const [i, c] of kept.entries()) assert.is(await ask(c.socket, i + 1), askReply(i + 1), `connection ${i + 1} still answered`)
  kept[0].socket.destroy()
  await waitFor(() => s.stats.open === 4, 'the closed connection to free its slot')
  const again = await connect(port)
  assert.is(await ask(again.socket, 9), askReply(9))
  assert.is(s.stats.refused, 3)
})

limits('maxConnectionsPerAddress 2: a third connection from 127.0.0.1 is closed', async () => {
  const { server: s, port } = await tcpServer({ maxConnectionsPerAddress: 2 })
  const a = await connect(port)
  const b = await connect(port)
  await waitFor(() => s.stats.open === 2, 'two connections accepted')
  const c = await connect(port)
  await waitFor(c.closed, 'the third connection to be closed')
  assert.is(s.stats.refused, 1)
  assert.is(await ask(a.socket, 3), askReply(3))
  assert.is(await ask(b.socket, 4), askReply(4))
})

limits('idleTimeoutMs 100: a silent client is closed and counted; the listener keeps serving', async () => {
  const { server: s, port } = await tcpServer({ idleTimeoutMs: 100 })
  const idle = await connect(port)
  await waitFor(idle.closed, 'the idle client to be closed', 3000)
  assert.is(s.stats.dropped, 1)
  assert.is(s.stats.open, 0)
  const next = await connect(port)
  assert.is(await ask(next.socket, 5), askReply(5))
})
limits.run()

// ---
const udp = suite('listener: UDP, one frame per datagram')

udp('malformed datagrams cost themselves only: the same sender is answered before and after, as one client', async () => {
  const listener = new ModbusListener({ address: parseAddress('udp://127.0.0.1:0') as NetworkAddress, responder: (_c, _u, pdu) => Buffer.from(pdu) })
  const frameErrors: string[] = []
  listener.on('frameError', (err: Error) => frameErrors.push(err.message))
  const { port } = await listener.listen()
  const sender = createSocket('udp4')
  const replies: { tid: number; pdu: string }[] = []
  const framer = createTcpFramer()
  sender.on('message', (m: Buffer) => {
    framer.push(m, { frame: (a) => replies.push({ tid: a.tid, pdu: a.pdu.toString('hex') }), error: () => {} })
    framer.end({ frame: () => {}, error: () => {} })
  })
  try {
    const request = encodeRequest({ function: 'readInputRegisters', address: 3, quantity: 1 })
    const send = (b: Buffer) => new Promise<void>((r, j) => sender.send(b, port, '127.0.0.1', (err) => (err ? j(err) : r())))
    await send(mbap.encode(1, request, 7))
    await waitFor(() => replies.length === 1, 'the first request to be answered')
    await send(Buffer.from('000800010006010400030001', 'hex')) // protocol id 1
    await send(Buffer.from('0009000000060104', 'hex')) // length 6, two bytes sent
    await send(mbap.encode(1, request, 10))
    await waitFor(() => replies.length === 2, 'the request after the bad datagrams to be answered')
    assert.equal(replies, [
      { tid: 7, pdu: request.toString('hex') },
      { tid: 10, pdu: request.toString('hex') },
    ])
    assert.is(listener.stats.framingErrors, 2)
    assert.is(frameErrors.length, 2)
    assert.is(listener.stats.requests, 2)
    assert.is(listener.stats.connections, 1, 'one sender, one client')
  } finally {
    sender.close()
    await listener.close()
  }
})
udp('a sender past maxConnections is refused with a reason, and the senders already admitted are still answered', async () => {
  const listener = new ModbusListener({ address: parseAddress('udp://127.0.0.1:0') as NetworkAddress, responder: (_c, _u, pdu) => Buffer.from(pdu), maxConnections: 1 })
  const refused: string[] = []
  listener.on('refused', (remote: string, why: string) => refused.push(`${remote}: ${why}`))
  const { port } = await listener.listen()
  const [first, second] = [createSocket('udp4'), createSocket('udp4')]
  const answered: string[] = []
  first.on('message', () => answered.push('first'))
  second.on('message', () => answered.push('second'))
  const request = mbap.encode(1, encodeRequest({ function: 'readInputRegisters', address: 3, quantity: 1 }), 1)
  const send = (s: ReturnType<typeof createSocket>) => new Promise<void>((r, j) => s.send(request, port, '127.0.0.1', (err) => (err ? j(err) : r())))
  try {
    await send(first)
    await waitFor(() => answered.length === 1, 'the first sender to be answered')
    await send(second)
    await waitFor(() => refused.length === 1, 'the second sender to be refused')
    assert.match(refused[0], /^127\.0\.0\.1:\d+: 1 UDP senders active$/)
    await send(first)
    await waitFor(() => answered.length === 2, 'the first sender to be answered again')
    assert.equal(answered, ['first', 'first'])
    assert.is(listener.stats.refused, 1)
  } finally {
    first.close()
    second.close()
    await listener.close()
  }
})
udp.run()
