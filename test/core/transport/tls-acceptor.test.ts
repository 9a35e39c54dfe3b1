import { readFileSync } from 'node:fs'
import { createConnection, createServer, type Server } from 'node:net'
import { connect, type TLSSocket } from 'node:tls'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ArgumentError } from '../../../core/index.ts'
import { TlsAcceptor } from '../../../core/transport/tls-acceptor.ts'
import type { TlsPeer } from '../../../core/transport/tls-peer.ts'
import { makeTestCerts, type CertPair, type TestCerts } from '../../helpers/certs.ts'
import { waitFor } from '../../helpers/wait.ts'

const test = suite('TLS acceptor: handshakes on accepted connections, certificates checked, refusals explained')
let certs: TestCerts
let server: Server
let port: number
const secured: { remote: string; peer: TlsPeer; socket: TLSSocket }[] = []
const refused: string[] = []
const clients: TLSSocket[] = []

test.before(async () => {
  certs = makeTestCerts()
  const acceptor = new TlsAcceptor({ cert: certs.server.cert, key: certs.server.key, ca: certs.ca }, 'listener tls://127.0.0.1:0', 5000, {
    secured: (socket, remote, _host, peer) => secured.push({ remote, peer, socket }),
    refused: (socket, remote, why) => {
      socket?.destroy()
      refused.push(`${remote} ${why}`)
    },
  })
  server = createServer((s) => acceptor.handshake(s, `${s.remoteAddress}:${s.remotePort}`, s.remoteAddress ?? '?'))
  port = await new Promise<number>((r) => server.listen(0, '127.0.0.1', () => r((server.address() as { port: number }).port)))
})
test.after(async () => {
  for (const c of clients) c.destroy()
  for (const s of secured) s.socket.destroy()
  await new Promise<void>((r) => server.close(() => r()))
  certs.remove()
})

function dial(who?: CertPair): TLSSocket {
  const c = connect({ host: '127.0.0.1', port, ca: readFileSync(certs.ca), ...(who ? { cert: readFileSync(who.cert), key: readFileSync(who.key) } : {}) })
  c.on('error', () => {})
  clients.push(c)
  return c
}

test('a certificate from the CA: secured, with its subject and role, remote as the TCP connection had it', async () => {
  const c = dial(certs.operator)
  await waitFor(() => secured.length === 1, 'the secured connection')
  assert.is(secured[0].peer.subject, 'CN=operator-1, O=plant')
  assert.is(secured[0].peer.role, 'operator')
  assert.is(secured[0].remote, `127.0.0.1:${c.localPort}`)
})

test('refusals say why: another CA, no certificate, a client that hangs up mid-handshake', async () => {
  dial(certs.foreign)
  await waitFor(() => refused.some((r) => r.includes('it is not signed by a trusted CA')), 'the foreign refusal')
  dial()
  await waitFor(() => refused.some((r) => r.includes('no client certificate')), 'the refusal without a certificate')
  const raw = createConnection({ host: '127.0.0.1', port })
  raw.on('error', () => {})
  await new Promise((r) => raw.once('connect', r))
  raw.destroy()
  await waitFor(() => refused.some((r) => r.includes('closed during the TLS handshake')), 'the hang-up')
  assert.is(secured.length, 1, 'nobody else was served')
})

test('settings without a key: ArgumentError before anything listens', () => {
  try {
    new TlsAcceptor({ cert: certs.server.cert, ca: certs.ca }, 'listener x', 1000, { secured: () => {}, refused: () => {} })
    assert.unreachable('no key')
  } catch (err) {
    assert.instance(err, ArgumentError)
  }
})

test.run()
