import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net'
import { readFileSync } from 'node:fs'
import { createServer as createTlsServer, type Server as TlsServer, type TLSSocket } from 'node:tls'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ArgumentError, TimeoutError, TransportError } from '../../../core/index.ts'
import { connectStream, connectTls } from '../../../core/transport/tls-link.ts'
import { makeTestCerts, type TestCerts } from '../../helpers/certs.ts'

const test = suite('connecting over TLS: the server verified, the client certificate sent')
let certs: TestCerts
let good: TlsServer, rogue: TlsServer, silent: NetServer
let goodPort: number, roguePort: number, silentPort: number
const held: Socket[] = []
let lastPeer = ''

function listen(server: NetServer): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)))
}

test.before(async () => {
  certs = makeTestCerts()
  const read = (f: string) => readFileSync(f)
  good = createTlsServer({ cert: read(certs.server.cert), key: read(certs.server.key), ca: read(certs.ca), requestCert: true, rejectUnauthorized: false }, (s: TLSSocket) => {
    lastPeer = s.getPeerX509Certificate()?.subject ?? ''
    s.end()
  })
  // A server whose certificate comes from a CA the client does not trust.
  rogue = createTlsServer({ cert: read(certs.foreign.cert), key: read(certs.foreign.key) }, (s) => s.end())
  silent = createNetServer((s) => void held.push(s.on('error', () => {})))
  goodPort = await listen(good)
  roguePort = await listen(rogue)
  silentPort = await listen(silent)
})
test.after(async () => {
  for (const s of held) s.destroy()
  await Promise.all([good, rogue, silent].map((s) => new Promise<void>((r) => s.close(() => r()))))
  certs.remove()
})

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    const s = (await p) as Socket
    s.destroy()
  } catch (err) {
    return err as Error
  }
  assert.unreachable('expected the connection to fail')
  throw new Error('unreachable')
}

test('a server certificate from the trusted CA with the dialled IP in its names: connected, and the client certificate arrives', async () => {
  const s = await connectTls('127.0.0.1', goodPort, { ca: certs.ca, cert: certs.operator.cert, key: certs.operator.key }, 3000)
  assert.is(s.authorized, true)
  assert.ok(s.getProtocol() === 'TLSv1.3' || s.getProtocol() === 'TLSv1.2')
  await new Promise((r) => s.once('close', r).resume())
  assert.match(lastPeer, 'CN=operator-1')
})

test('connectStream picks TLS for tls:// (with its settings) and plain TCP otherwise', async () => {
  const tls = await connectStream({ kind: 'tls', host: 'localhost', port: goodPort, tls: { ca: certs.ca } }, 3000)
  assert.is((tls as TLSSocket).encrypted, true)
  tls.destroy()
  const plain = await connectStream({ kind: 'tcp', host: '127.0.0.1', port: silentPort }, 3000)
  assert.is((plain as TLSSocket).encrypted, undefined)
  plain.destroy()
  assert.instance(await rejection(connectStream({ kind: 'udp', host: '127.0.0.1', port: 1 }, 100)), ArgumentError)
})

test('a server certificate from an untrusted CA fails the connection with a TransportError that says why', async () => {
  const err = await rejection(connectTls('127.0.0.1', roguePort, { ca: certs.ca }, 3000))
  assert.instance(err, TransportError)
  assert.match(err.message, `cannot connect to tls://127.0.0.1:${roguePort}`)
  assert.match(err.message, /certificate|verify/i)
})

test('the name checked must be in the server certificate: servername=plc-7 fails against a certificate for 127.0.0.1 and localhost', async () => {
  const err = await rejection(connectTls('127.0.0.1', goodPort, { ca: certs.ca, servername: 'plc-7' }, 3000))
  assert.instance(err, TransportError)
  assert.match(err.message, /plc-7/)
})

test('a peer that never answers the handshake: TimeoutError; nobody listening: TransportError; unusable settings: ArgumentError', async () => {
  const slow = await rejection(connectTls('127.0.0.1', silentPort, { ca: certs.ca }, 150))
  assert.instance(slow, TimeoutError)
  assert.match(slow.message, 'TCP and the TLS handshake')
  const spare = createNetServer()
  const closedPort = await listen(spare)
  await new Promise<void>((r) => spare.close(() => r()))
  assert.instance(await rejection(connectTls('127.0.0.1', closedPort, { ca: certs.ca }, 3000)), TransportError)
  assert.instance(await rejection(connectTls('127.0.0.1', goodPort, { cert: certs.operator.cert }, 3000)), ArgumentError)
})

test.run()
