import { readFileSync } from 'node:fs'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ArgumentError } from '../../../core/index.ts'
import { applyTlsKey, formatTlsSettings, tlsClientOptions, tlsServerOptions, type TlsSettings } from '../../../core/transport/tls-settings.ts'
import { makeTestCerts, type TestCerts } from '../../helpers/certs.ts'

const test = suite('TLS settings: the spec defaults and the PEM files')
let certs: TestCerts
test.before(() => {
  certs = makeTestCerts()
})
test.after(() => certs.remove())

function argumentError(run: () => unknown, message: string): void {
  try {
    run()
    assert.unreachable(message)
  } catch (err) {
    assert.instance(err, ArgumentError)
    assert.match((err as Error).message, message)
  }
}

test('a listener: TLS 1.2 at least, client certificates requested (checked after the handshake), files read', () => {
  const o = tlsServerOptions({ cert: certs.server.cert, key: certs.server.key, ca: certs.ca }, 'listener tls://127.0.0.1:802')
  assert.is(o.minVersion, 'TLSv1.2')
  assert.is(o.requestCert, true)
  assert.is(o.rejectUnauthorized, false)
  assert.equal(o.cert, readFileSync(certs.server.cert))
  assert.equal(o.ca, readFileSync(certs.ca))
  assert.is(tlsServerOptions({ cert: certs.server.cert, key: certs.server.key, mutual: false }, 'l').requestCert, false, 'mutual=0 needs no CA')
  assert.is(tlsServerOptions({ cert: certs.server.cert, key: certs.server.key, ca: certs.ca, minVersion: 'TLSv1.3' }, 'l').minVersion, 'TLSv1.3')
})

test('a listener without its certificate and key, or mutual without a CA, is refused with what to add', () => {
  argumentError(() => tlsServerOptions({ ca: certs.ca }, 'listener tls://0.0.0.0:802'), 'listener tls://0.0.0.0:802: a TLS listener needs cert= and key=')
  argumentError(() => tlsServerOptions({ cert: certs.server.cert, key: certs.server.key }, 'l'), 'mutual authentication needs ca=')
  argumentError(() => tlsServerOptions({ cert: '/nonexistent/server.pem', key: certs.server.key, ca: certs.ca }, 'l'), 'cannot read the certificate file "/nonexistent/server.pem"')
})

test('a client: the server is verified against ca=, SNI only for a name, cert and key together; PEM may be given as a Buffer', () => {
  const byIp = tlsClientOptions({ ca: certs.ca }, '127.0.0.1', 802, 'tls://127.0.0.1:802')
  assert.is(byIp.rejectUnauthorized, true)
  assert.is(byIp.servername, undefined)
  assert.is(byIp.minVersion, 'TLSv1.2')
  assert.is(tlsClientOptions({}, 'localhost', 802, 'x').servername, 'localhost')
  assert.is(tlsClientOptions({ servername: 'plc-7' }, '127.0.0.1', 802, 'x').servername, 'plc-7')
  const pem = readFileSync(certs.operator.cert)
  assert.equal(tlsClientOptions({ cert: pem, key: readFileSync(certs.operator.key) }, 'h', 1, 'x').cert, pem)
  argumentError(() => tlsClientOptions({ cert: certs.operator.cert }, 'h', 1, 'tls://h:1'), 'tls://h:1: cert= and key= go together')
})

test('query keys: applied and formatted back in one order; PEM Buffers are not shown', () => {
  const s: TlsSettings = {}
  for (const [k, v] of [['ca', 'ca.pem'], ['key', 'k.key'], ['cert', 'c.pem'], ['min', '1.3'], ['mutual', '0'], ['servername', 'plc']]) assert.ok(applyTlsKey(s, k, v))
  assert.is(applyTlsKey(s, 'baud', '9600'), false)
  assert.equal(formatTlsSettings(s), ['cert=c.pem', 'key=k.key', 'ca=ca.pem', 'mutual=0', 'min=1.3', 'servername=plc'])
  assert.equal(formatTlsSettings({ cert: Buffer.from('pem'), ca: 'ca.pem' }), ['ca=ca.pem'])
})

test.run()
