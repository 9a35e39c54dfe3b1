import { Writable } from 'node:stream'
import { pino } from 'pino'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { attachGatewayLog } from '../../proxy/gateway-log.ts'
import { validateConfig } from '../../proxy/config.ts'
import { Gateway, type DeniedEvent } from '../../proxy/gateway.ts'

const test = suite('gateway logs: denied requests name the certificate subject; TLS clients show theirs')

function capture(level = 'debug') {
  const lines: { level: number; msg: string; [k: string]: unknown }[] = []
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n')) if (l) lines.push(JSON.parse(l))
      done()
    },
  })
  return { log: pino({ level }, stream), lines }
}

// No start(): the events are emitted by hand.
const gateway = () => new Gateway(validateConfig({ buses: { a: { address: 'rtu:///dev/null-modbridge' } }, routes: [{ units: 1, bus: 'a' }] }))
const viewer: DeniedEvent = {
  client: 7,
  unit: 1,
  code: 0x06,
  who: { address: '127.0.0.1', remote: '127.0.0.1:40000', role: 'viewer', subject: 'CN=viewer-1, O=plant' },
  reason: '"CN=viewer-1, O=plant" (role viewer) may only read unit 1 (writeSingleRegister is a write request)',
}

test('a denied request is a warning with the subject, role, remote, unit and function', () => {
  const { log, lines } = capture('info')
  const gw = gateway()
  attachGatewayLog(gw, log)
  gw.emit('denied', viewer)
  assert.is(lines.length, 1)
  const l = lines[0]
  assert.is(l.level, 40)
  assert.equal([l.subject, l.role, l.remote, l.unit, l.function], ['CN=viewer-1, O=plant', 'viewer', '127.0.0.1:40000', 1, '0x06'])
  assert.is(l.msg, `request denied (exception 01): ${viewer.reason}`)
})

test('denied lines are rate-limited per identity: a second client is still heard', () => {
  const { log, lines } = capture('info')
  const gw = gateway()
  attachGatewayLog(gw, log, 60_000)
  for (let i = 0; i < 5; i++) gw.emit('denied', viewer)
  gw.emit('denied', { ...viewer, client: 8, who: { address: '127.0.0.2', remote: '127.0.0.2:1', role: 'operator', subject: 'CN=operator-1, O=plant' } })
  assert.equal(lines.map((l) => l.subject), ['CN=viewer-1, O=plant', 'CN=operator-1, O=plant'])
})

test('client connects at debug carry the certificate subject and role', () => {
  const { log, lines } = capture('debug')
  const gw = gateway()
  attachGatewayLog(gw, log)
  gw.emit('client', 'connect', { id: 3, remote: '127.0.0.1:5555', remoteAddress: '127.0.0.1', transport: 'tls', peer: { subject: 'CN=operator-1, O=plant', issuer: 'CN=ca', role: 'operator', serialNumber: '01', fingerprint256: '', protocol: 'TLSv1.3' } })
  assert.is(lines[0].msg, 'client 3 connected from 127.0.0.1:5555 (CN=operator-1, O=plant)')
  assert.equal([lines[0].subject, lines[0].role], ['CN=operator-1, O=plant', 'operator'])
})

test.run()
