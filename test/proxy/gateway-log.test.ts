import { Writable } from 'node:stream'
import { pino } from 'pino'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { attachGatewayLog, RateLimit } from '../../proxy/gateway-log.ts'
import { validateConfig } from '../../proxy/config.ts'
import { Gateway } from '../../proxy/gateway.ts'

const test = suite('gateway logs: what an operator needs, rate-limited where it repeats')

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

// No start(): the gateway's events are emitted by hand, so nothing here depends on timing.
const gateway = () => new Gateway(validateConfig({ buses: { a: { address: 'rtu:///dev/null-modbridge' } }, routes: [{ units: 1, bus: 'a' }] }))

test('the rate limit forgets keys whose interval ended once it holds many: a scan from 5,000 addresses leaves it bounded', () => {
  const expired = new RateLimit(0, 64)
  for (let i = 0; i < 5000; i++) assert.is(expired.pass(`denied:10.0.${i >> 8}.${i & 0xff}`), 0)
  assert.ok(expired.size <= 64, `${expired.size} keys kept`)
  // Keys still inside their interval are never dropped: their held-back counts stay right.
  const live = new RateLimit(1e9, 4)
  for (let i = 0; i < 10; i++) live.pass(`k${i}`)
  assert.is(live.size, 10)
  assert.is(live.pass('k3'), -1)
  assert.is(live.pass('k3'), -1)
})

test('a bus going down and coming back is one warn and one info line, with the reason', () => {
  const { log, lines } = capture()
  const gw = gateway()
  attachGatewayLog(gw, log)
  gw.emit('bus', 'a', 'down', 'cannot open /dev/ttyUSB9: no such file')
  gw.emit('bus', 'a', 'up', 'reopened')
  assert.equal(lines.map((l) => [l.level, l.bus]), [[40, 'a'], [30, 'a']])
  assert.match(lines[0].msg, 'bus a is down: cannot open /dev/ttyUSB9: no such file')
  assert.match(lines[1].msg, 'bus a is up (reopened)')
})

test('timeouts and stray frames are rate-limited per bus; the next line says how many were held back', () => {
  const { log, lines } = capture()
  const gw = gateway()
  let now = 0
  const detach = attachGatewayLog(gw, log, 60_000)
  for (let i = 0; i < 10; i++) gw.emit('timeout', 'a', 3, 'no reply from unit 3')
  for (let i = 0; i < 5; i++) gw.emit('stray', 'a', { time: now++, unit: 9, hex: '0903020001', reason: 'unit 9 answered while unit 3 was asked' })
  gw.emit('timeout', 'b', 4, 'no reply from unit 4')
  assert.equal(lines.map((l) => [l.level, l.bus]), [[40, 'a'], [20, 'a'], [40, 'b']])
  assert.match(lines[1].msg, 'stray frame from unit 9 discarded')
  detach()
  gw.emit('timeout', 'c', 1, 'x')
  assert.is(lines.length, 3, 'detached')
})

test('refused connections are warnings; client connects are debug only', () => {
  const { log, lines } = capture('info')
  const gw = gateway()
  attachGatewayLog(gw, log)
  gw.emit('client', 'connect', { id: 1, remote: '127.0.0.1:5555', transport: 'tcp' })
  gw.emit('refused', '127.0.0.1:5556', '32 connections from 127.0.0.1')
  assert.equal(lines.map((l) => l.level), [40])
  assert.match(lines[0].msg, 'connection from 127.0.0.1:5556 refused: 32 connections from 127.0.0.1')
})

test.run()
