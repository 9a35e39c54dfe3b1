/**
 * The network listener over real TLS on loopback (Modbus/TCP Security), and its access lists, with
 * certificates Debian's openssl makes at test time.
 */
import { createSocket } from 'node:dgram'
import { createConnection, type Socket } from 'node:net'
import { readFileSync } from 'node:fs'
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import {
  buildDevices,
  connectClient,
  createServer,
  createTcpFramer,
  defaultDeviceFile,
  encodeRequest,
  ModbusListener,
  ModbusTcpServer,
  parseAddress,
  TransportError,
  type ListenerClient,
  type ModbusClient,
  type ModbusServer,
  type NetworkAddress,
} from '../../../core/index.ts'
import { makeTestCerts, type CertPair, type TestCerts } from '../../helpers/certs.ts'
import { waitFor } from '../../helpers/wait.ts'

const devices = () => buildDevices(defaultDeviceFile([1])).context
const portOf = (address: string) => (parseAddress(address) as NetworkAddress).port
const framer = createTcpFramer()
const READ_ONE = framer.encode(1, encodeRequest({ function: 'readInputRegisters', address: 7, quantity: 1 }), 9)

let certs: TestCerts
const closers: (() => unknown)[] = []
const sockets: Socket[] = []

/** A raw TLS connection (for what a client sees), kept for `after`. */
function rawTls(port: number, options: ConnectionOptions & { host?: string }): Promise<{ socket: TLSSocket; secured: boolean; error?: Error; closed: Promise<void> }> {
  return new Promise((resolve) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, ca: readFileSync(certs.ca), ...options })
    sockets.push(socket)
    const state: { socket: TLSSocket; secured: boolean; error?: Error; closed: Promise<void> } = { socket, secured: false, closed: new Promise((r) => socket.once('close', () => r())) }
    socket.once('secureConnect', () => {
      state.secured = true
      resolve(state)
    })
    socket.on('error', (err) => {
      state.error = err
      resolve(state)
    })
    socket.once('close', () => resolve(state))
  })
}

/** A TLS listener answering every request with an echo of its PDU, and the refusals it reports. */
async function echoListener(query: string, extra: Partial<ConstructorParameters<typeof ModbusListener>[0]> = {}): Promise<{ listener: ModbusListener; port: number; refused: string[]; clients: ListenerClient[] }> {
  const listener = new ModbusListener({ address: parseAddress(`tls://127.0.0.1:0?${query}`) as NetworkAddress, responder: (_c, _u, pdu) => Buffer.from(pdu), ...extra })
  const refused: string[] = []
  const clients: ListenerClient[] = []
  listener.on('refused', (remote: string, why: string) => refused.push(`${remote} ${why}`))
  listener.on('connection', (c: ListenerClient) => clients.push(c))
  const { port } = await listener.listen()
  closers.push(() => listener.close())
  return { listener, port, refused, clients }
}

const serverKeys = () => `cert=${certs.server.cert}&key=${certs.server.key}&ca=${certs.ca}`
const pair = (p: CertPair) => ({ cert: readFileSync(p.cert), key: readFileSync(p.key) })

// ---
const serve = suite('serve over tls:// (createServer, connectClient): MBAP inside TLS')
let server: ModbusServer
let address: string
serve.before(async () => {
  certs = makeTestCerts()
  server = createServer(`tls://127.0.0.1:0?${serverKeys()}`, { context: devices() })
  address = await server.listen()
})
serve.after(async () => {
  await server.close()
})

serve('the served address is tls:// with its settings; a client with a certificate from the CA reads and writes', async () => {
  assert.match(address, /^tls:\/\/127\.0\.0\.1:\d+\?cert=/)
  const c = connectClient(certs.target(portOf(address), certs.operator), { timeout: 3000 })
  try {
    assert.equal(await c.readInputRegisters(1, 5, 2), [5, 6])
    await c.writeRegister(1, 3, 0x1234)
    assert.equal(await c.readHoldingRegisters(1, 3, 1), [0x1234])
  } finally {
    await c.close()
  }
})

serve('over ::1 too, the server certificate naming ::1', async () => {
  const v6 = createServer(`tls://[::1]:0?${serverKeys()}`, { context: devices() })
  const at = await v6.listen()
  const c = connectClient(certs.target(portOf(at), certs.viewer, '::1'), { timeout: 3000 })
  try {
    assert.equal(await c.readInputRegisters(1, 9, 1), [9])
  } finally {
    await c.close()
    await v6.close()
  }
})

serve('a client that does not trust the server (no ca=, so the system roots) fails with TransportError', async () => {
  const c: ModbusClient = connectClient(`tls://127.0.0.1:${portOf(address)}?cert=${certs.operator.cert}&key=${certs.operator.key}`, { timeout: 3000 })
  try {
    await c.readInputRegisters(1, 0, 1)
    assert.unreachable('the server certificate is not trusted')
  } catch (err) {
    assert.instance(err, TransportError)
    assert.match((err as Error).message, /certificate/i)
  } finally {
    await c.close()
  }
})
serve.run()

// ---
const refuse = suite('TLS listener: refused at the handshake — foreign CA, expired, no certificate, bad role, old TLS')
refuse.after(async () => {
  for (const s of sockets.splice(0)) s.destroy()
  for (const close of closers.splice(0).reverse()) await close()
})

/** One refused client certificate: what the listener must say, and the client must not be served. */
function refusedCertificate(name: string, who: () => CertPair | undefined, ...reasons: string[]): void {
  refuse(`${name}: refused after the handshake saying ${reasons.map((r) => JSON.stringify(r)).join(' and ')}, nothing served`, async () => {
    const { port, refused, clients } = await echoListener(serverKeys())
    const cert = who()
    const conn = await rawTls(port, cert ? pair(cert) : {})
    if (conn.secured) conn.socket.write(READ_ONE)
    await conn.closed
    await waitFor(() => refused.length > 0, 'the listener to report the refusal')
    for (const reason of reasons) assert.match(refused[0], reason)
    assert.is(clients.length, 0, 'never served')
  })
}
refusedCertificate('a certificate from another CA', () => certs.foreign, 'client certificate "CN=foreign-1, O=plant" (issuer "CN=modbridge test CA, O=modbridge tests") refused: it is not signed by a trusted CA')
refusedCertificate('an expired certificate', () => certs.expired, 'CN=expired-1', 'refused: the certificate has expired (CERT_HAS_EXPIRED)')
refusedCertificate('no client certificate', () => undefined, 'no client certificate (mutual authentication is required)')
refusedCertificate('a role extension that is not a UTF8String', () => certs.badRole, 'certificate CN=bad-role-1, O=plant has a malformed Modbus role extension')

refuse('a refused client gets no reply to a request it sent at once (TLS 1.3 lets it write before the verdict)', async () => {
  const { port, refused } = await echoListener(serverKeys())
  const conn = await rawTls(port, pair(certs.expired))
  let replies = 0
  conn.socket.on('data', () => replies++)
  if (conn.secured) conn.socket.write(READ_ONE)
  await conn.closed
  await waitFor(() => refused.length > 0, 'the refusal')
  assert.is(replies, 0)
})

refuse('min=1.3: a TLS 1.2 client fails the handshake and is refused saying so', async () => {
  const { port, refused } = await echoListener(`${serverKeys()}&min=1.3`)
  const conn = await rawTls(port, { ...pair(certs.operator), maxVersion: 'TLSv1.2' })
  assert.is(conn.secured, false)
  await waitFor(() => refused.length > 0, 'the refusal')
  assert.match(refused[0], 'TLS handshake failed')
})

refuse('plain Modbus TCP sent to a TLS listener is a failed handshake, not a request', async () => {
  const { port, refused, listener } = await echoListener(serverKeys())
  const socket = createConnection({ host: '127.0.0.1', port })
  sockets.push(socket)
  socket.on('error', () => {})
  await new Promise((r) => socket.once('connect', r))
  socket.write(READ_ONE)
  await waitFor(() => refused.length > 0, 'the refusal')
  assert.match(refused[0], 'TLS handshake failed')
  assert.is(listener.stats.requests, 0)
})

refuse('a client that never finishes the handshake is closed after handshakeTimeoutMs, and counted while it waits', async () => {
  const { port, refused, listener } = await echoListener(serverKeys(), { handshakeTimeoutMs: 150, maxConnections: 1 })
  const socket = createConnection({ host: '127.0.0.1', port })
  sockets.push(socket)
  socket.on('error', () => {})
  await new Promise((r) => socket.once('connect', r))
  await waitFor(() => listener.stats.open === 1, 'the silent connection to be counted')
  const second = await rawTls(port, pair(certs.operator))
  assert.is(second.secured, false, 'maxConnections 1: the handshake in progress holds the only slot')
  await waitFor(() => refused.some((r) => r.includes('not finished within 150 ms')), 'the handshake timeout')
  assert.ok(refused.some((r) => r.includes('1 connections open')), refused.join('\n'))
})

refuse('mutual=0: a client without a certificate is served, with an empty identity', async () => {
  const { port, clients } = await echoListener(`cert=${certs.server.cert}&key=${certs.server.key}&mutual=0`)
  const c = connectClient(`tls://127.0.0.1:${port}?ca=${certs.ca}`, { timeout: 3000 })
  try {
    await c.readHoldingRegisters(1, 0, 1).catch(() => undefined)
    await waitFor(() => clients.length === 1, 'the client')
    assert.is(clients[0].peer?.subject, '')
    assert.is(clients[0].peer?.role, undefined)
  } finally {
    await c.close()
  }
})

refuse('a TLS listener without its key, or mutual without a CA, does not start (ArgumentError on listen)', async () => {
  for (const [query, why] of [
    [`cert=${certs.server.cert}&ca=${certs.ca}`, 'needs cert= and key='],
    [`cert=${certs.server.cert}&key=${certs.server.key}`, 'mutual authentication needs ca='],
    [`cert=${certs.dir}/missing.pem&key=${certs.server.key}&ca=${certs.ca}`, 'cannot read the certificate file'],
  ]) {
    const l = new ModbusListener({ address: parseAddress(`tls://127.0.0.1:0?${query}`) as NetworkAddress, responder: () => null })
    try {
      await l.listen()
      assert.unreachable(query)
    } catch (err) {
      assert.match((err as Error).message, why)
    } finally {
      await l.close()
    }
  }
})
refuse.run()

// ---
const identity = suite('TLS listener: the verified certificate becomes the client identity; admit decides last')
identity.after(async () => {
  for (const s of sockets.splice(0)) s.destroy()
  for (const close of closers.splice(0).reverse()) await close()
})

identity('the client carries its subject, issuer, role and address; replies come back through TLS', async () => {
  const { port, clients } = await echoListener(serverKeys())
  const c = connectClient(certs.target(port, certs.operator), { timeout: 3000 })
  try {
    // The echo listener answers with the request itself, which the client rejects as a reply: it did arrive.
    const reply = await c.readHoldingRegisters(1, 1, 1).catch((e: Error) => e)
    assert.not.instance(reply, TransportError)
    await waitFor(() => clients.length === 1, 'the connection')
    const client = clients[0]
    assert.is(client.transport, 'tls')
    assert.is(client.remoteAddress, '127.0.0.1')
    assert.is(client.peer?.subject, 'CN=operator-1, O=plant')
    assert.is(client.peer?.issuer, 'CN=modbridge test CA, O=modbridge tests')
    assert.is(client.peer?.role, 'operator')
  } finally {
    await c.close()
  }
})

identity('the admit hook sees the identity and may refuse: the refusal is reported, the client closed', async () => {
  const seen: (string | undefined)[] = []
  const { port, refused, clients } = await echoListener(serverKeys(), {
    admit: (c) => {
      seen.push(c.peer?.role)
      return c.peer?.role === 'viewer' ? 'viewers are not welcome here' : undefined
    },
  })
  const conn = await rawTls(port, pair(certs.viewer))
  await conn.closed
  await waitFor(() => refused.length === 1, 'the refusal')
  assert.match(refused[0], 'viewers are not welcome here')
  assert.equal(seen, ['viewer'])
  assert.is(clients.length, 0)
})
identity.run()

// ---
const acl = suite('access lists on every listener: refused at connect, before any byte is read')
acl.after(async () => {
  for (const s of sockets.splice(0)) s.destroy()
  for (const close of closers.splice(0).reverse()) await close()
  certs.remove()
})

acl('tls:// with allow=127.0.0.1: a client from 127.0.0.2 is closed before the handshake; 127.0.0.1 is served', async () => {
  const { port, refused, listener } = await echoListener(`${serverKeys()}&allow=127.0.0.1`)
  const outside = await rawTls(port, { ...pair(certs.operator), localAddress: '127.0.0.2' } as ConnectionOptions)
  assert.is(outside.secured, false)
  assert.ok(outside.error, 'the client sees the connection fail')
  await waitFor(() => refused.length === 1, 'the refusal')
  assert.match(refused[0], '127.0.0.2 is not in the allow list of listener tls://127.0.0.1:')
  const inside = await rawTls(port, pair(certs.operator))
  assert.is(inside.secured, true)
  inside.socket.destroy()
  assert.is(listener.stats.refused, 1)
})

acl('tcp:// with deny=127.0.0.2 (createServer, the serve path): 127.0.0.2 refused, 127.0.0.1 served', async () => {
  const srv = new ModbusTcpServer({ context: devices(), port: 0, access: (parseAddress('tcp://127.0.0.1?deny=127.0.0.2') as NetworkAddress).access })
  closers.push(() => srv.close())
  const refused: string[] = []
  srv.on('refused', (remote: string, why: string) => refused.push(`${remote} ${why}`))
  const { port } = await srv.listen()
  const denied = createConnection({ host: '127.0.0.1', port, localAddress: '127.0.0.2' })
  sockets.push(denied)
  denied.on('error', () => {})
  let bytes = 0
  denied.on('data', () => bytes++)
  denied.write(READ_ONE)
  await new Promise((r) => denied.once('close', r))
  assert.is(bytes, 0)
  assert.match(refused[0], /^127\.0\.0\.2:\d+ 127\.0\.0\.2 is denied by the access list/)
  const c = connectClient(`tcp://127.0.0.1:${port}`, { timeout: 3000 })
  assert.equal(await c.readInputRegisters(1, 4, 1), [4])
  await c.close()
})

acl('IPv6: a listener on ::1 that allows only fd00::/8 refuses ::1; one that allows ::1 serves it', async () => {
  const only = createServer('tcp://[::1]:0?allow=fd00::/8', { context: devices() })
  const open = createServer('tcp://[::1]:0?allow=::1', { context: devices() })
  closers.push(() => only.close(), () => open.close())
  const refusedAt = await only.listen()
  const servedAt = await open.listen()
  const refused = connectClient(refusedAt, { timeout: 1000 })
  try {
    await refused.readInputRegisters(1, 0, 1)
    assert.unreachable('::1 is outside fd00::/8')
  } catch (err) {
    assert.instance(err, TransportError)
  } finally {
    await refused.close()
  }
  const served = connectClient(servedAt, { timeout: 3000 })
  assert.equal(await served.readInputRegisters(1, 2, 1), [2])
  await served.close()
})

acl('udp:// with allow=127.0.0.1: a datagram from 127.0.0.2 gets no reply and is counted; 127.0.0.1 gets one', async () => {
  const listener = new ModbusListener({ address: parseAddress('udp://127.0.0.1:0?allow=127.0.0.1') as NetworkAddress, responder: (_c, _u, pdu) => Buffer.from(pdu) })
  closers.push(() => listener.close())
  const refused: string[] = []
  listener.on('refused', (remote: string, why: string) => refused.push(`${remote} ${why}`))
  const { port } = await listener.listen()
  const replies: string[] = []
  for (const from of ['127.0.0.2', '127.0.0.1']) {
    const udp = createSocket('udp4')
    closers.push(() => new Promise<void>((r) => udp.close(() => r())))
    await new Promise<void>((r) => udp.bind(0, from, () => r()))
    udp.on('message', () => replies.push(from))
    udp.send(READ_ONE, port, '127.0.0.1')
  }
  await waitFor(() => replies.length === 1 && refused.length === 1, 'one reply and one refusal')
  assert.equal(replies, ['127.0.0.1'])
  assert.match(refused[0], '127.0.0.2 is not in the allow list')
  assert.is(listener.stats.refused, 1)
})
acl.run()
