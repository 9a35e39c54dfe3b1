import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createConnection } from 'node:net'
import { register as globalRegistry } from 'prom-client'
import { createRtuFramer, encodeResponse } from '../../core/index.ts'
import { validateConfig } from '../../proxy/config.ts'
import { Gateway } from '../../proxy/gateway.ts'
import { GatewayMetrics, LATENCY_BUCKETS_SECONDS } from '../../proxy/metrics.ts'
import { startSimulatedBus, type SimulatedBus } from '../../proxy/simulated-bus.ts'
import { ptyPair, type PtyPair } from '../helpers/pty.ts'
import { rawClient, type RawClient } from '../helpers/raw-tcp.ts'
import { scriptedDevice, type ScriptedDevice } from '../helpers/scripted-device.ts'
import { waitFor } from '../helpers/wait.ts'
import {
  BUS_RETRIES,
  BUS_TIMEOUT_MS,
  FORWARDED,
  get,
  makeTraffic,
  parseExposition,
  promtool,
  select,
  startMeteredGateway,
  TRAFFIC,
  value,
  type Fetched,
  type MeteredGateway,
  type Sample,
  type Types,
} from './metrics-gateway.ts'

const scrape = suite('/metrics over real HTTP: a gateway in front of simulated RTU devices')
let fixture: MeteredGateway
let fetched: Fetched
let samples: Sample[]
let types: Types

scrape.before(async () => {
  fixture = await startMeteredGateway()
  await makeTraffic(fixture.client)
  fetched = await get(fixture.monitor.url, '/metrics')
  ;({ samples, types } = parseExposition(fetched.body))
})
scrape.after(async () => {
  await fixture?.close()
})

const requests = (labels: Record<string, string>) => value(samples, 'modbridge_requests_total', labels)

scrape('is served as 200 text/plain; version=0.0.4', () => {
  assert.is(fetched.status, 200)
  assert.is(fetched.contentType, 'text/plain; version=0.0.4; charset=utf-8')
})

scrape('every request is counted by bus, unit, function code (decimal) and outcome', () => {
  assert.is(requests({ bus: 'sim', unit: '1', function: '3', outcome: 'reply' }), TRAFFIC.unit1Reads)
  assert.is(requests({ bus: 'sim', unit: '2', function: '4', outcome: 'reply' }), TRAFFIC.unit2Reads)
  assert.is(requests({ bus: 'sim', unit: '3', function: '3', outcome: 'exception' }), TRAFFIC.exceptions)
  assert.is(requests({ bus: 'sim', unit: '4', function: '3', outcome: 'timeout' }), TRAFFIC.timeouts)
  // The router answered unit 9 itself: no bus, and a unit never forwarded gets no label of its own.
  assert.is(requests({ bus: '', unit: 'other', function: '3', outcome: 'refused' }), TRAFFIC.refused)
  const total = select(samples, 'modbridge_requests_total').reduce((n, s) => n + s.value, 0)
  assert.is(total, FORWARDED + TRAFFIC.refused, 'no request counted twice or missed')
})

scrape('exception replies are counted by code: 2 from the device, 11 for the timeout, 10 from the router', () => {
  const exceptions = select(samples, 'modbridge_exception_replies_total')
  assert.equal(
    exceptions.map((s) => `${s.labels.bus}/${s.labels.unit}/${s.labels.function}/${s.labels.exception}=${s.value}`).sort(),
    ['/other/3/10=1', 'sim/3/3/2=1', 'sim/4/3/11=1'],
  )
})

scrape("the bus's own counters and gauges, under their conventional names", () => {
  const bus = { bus: 'sim' }
  assert.is(value(samples, 'modbridge_bus_up', bus), 1)
  assert.is(value(samples, 'modbridge_bus_transactions_total', bus), FORWARDED)
  assert.is(value(samples, 'modbridge_bus_timeouts_total', bus), TRAFFIC.timeouts)
  assert.is(value(samples, 'modbridge_bus_retries_total', bus), TRAFFIC.timeouts * BUS_RETRIES)
  assert.is(value(samples, 'modbridge_bus_device_exceptions_total', bus), TRAFFIC.exceptions)
  assert.is(value(samples, 'modbridge_bus_queue_depth', bus), 0)
  assert.is(value(samples, 'modbridge_bus_in_flight_requests', bus), 0)
  for (const name of ['rejected', 'queue_expired', 'framing_errors', 'stray_frames', 'transport_errors', 'outages']) {
    assert.is(value(samples, `modbridge_bus_${name}_total`, bus), 0, `modbridge_bus_${name}_total starts at 0, so rate() works from the first scrape`)
  }
  const busy = value(samples, 'modbridge_bus_busy_seconds_total', bus)
  const timeoutS = ((1 + BUS_RETRIES) * BUS_TIMEOUT_MS) / 1000
  assert.ok(busy >= timeoutS, `busy ${busy} s includes the timed-out transaction's ${timeoutS} s`)
  assert.is(value(samples, 'modbridge_client_connections'), 1, "the fixture's one client")
  assert.is(value(samples, 'modbridge_accepted_connections_total'), 1)
  assert.is(value(samples, 'modbridge_refused_connections_total'), 0)
  for (const name of ['dropped_connections', 'client_framing_errors', 'client_backpressure_pauses', 'superseded_replies']) {
    assert.is(value(samples, `modbridge_${name}_total`), 0, `modbridge_${name}_total is exposed, at 0 for a well-behaved client`)
  }
})

scrape('the latency histogram has the documented buckets, is cumulative, and its _count is the number of transactions', () => {
  const expectedLe = [...LATENCY_BUCKETS_SECONDS.map(String), '+Inf']
  const perUnit = { '1': TRAFFIC.unit1Reads, '2': TRAFFIC.unit2Reads, '3': TRAFFIC.exceptions, '4': TRAFFIC.timeouts }
  for (const [unit, n] of Object.entries(perUnit)) {
    const buckets = select(samples, 'modbridge_request_duration_seconds_bucket', { bus: 'sim', unit })
    assert.equal(buckets.map((b) => b.labels.le), expectedLe, `unit ${unit}: buckets`)
    for (let i = 1; i < buckets.length; i++) assert.ok(buckets[i].value >= buckets[i - 1].value, `unit ${unit}: cumulative at le=${buckets[i].labels.le}`)
    const count = value(samples, 'modbridge_request_duration_seconds_count', { bus: 'sim', unit })
    assert.is(count, n, `unit ${unit}: _count`)
    assert.is(buckets[buckets.length - 1].value, count, `unit ${unit}: +Inf equals _count`)
  }
  const counts = select(samples, 'modbridge_request_duration_seconds_count', { bus: 'sim' }).reduce((n, s) => n + s.value, 0)
  assert.is(counts, value(samples, 'modbridge_bus_transactions_total', { bus: 'sim' }), 'histogram _count over units = bus transactions')
  assert.is(value(samples, 'modbridge_bus_transaction_duration_seconds_count', { bus: 'sim' }), FORWARDED)
  assert.is(value(samples, 'modbridge_bus_queue_wait_seconds_count', { bus: 'sim' }), FORWARDED)
  // The timeout took at least (1 + retries) × timeout: it sits above 0.25 s, in seconds and not milliseconds.
  assert.is(value(samples, 'modbridge_request_duration_seconds_bucket', { bus: 'sim', unit: '4', le: '0.25' }), 0)
  assert.is(value(samples, 'modbridge_request_duration_seconds_bucket', { bus: 'sim', unit: '4', le: '5' }), 1)
  assert.ok(value(samples, 'modbridge_request_duration_seconds_sum', { bus: 'sim', unit: '4' }) >= ((1 + BUS_RETRIES) * BUS_TIMEOUT_MS) / 1000)
})

scrape('names follow the conventions: one prefix, _total exactly on counters, base units', () => {
  for (const [family, type] of types) {
    assert.ok(family.startsWith('modbridge_'), `${family}: prefixed`)
    assert.is(family.endsWith('_total'), type === 'counter', `${family} (${type}): _total on counters only`)
    assert.not.match(family, /milli|micro|_ms$|percent/, `${family}: base units`)
  }
  assert.ok(types.has('modbridge_process_cpu_seconds_total'), 'process metrics, prefixed')
  assert.ok(types.has('modbridge_nodejs_eventloop_lag_seconds'), 'event-loop lag, prefixed')
})

scrape('promtool check metrics accepts the scrape: exit 0, no warnings', async () => {
  const r = await promtool(['check', 'metrics'], fetched.body)
  assert.is(r.stdout + r.stderr, '', 'promtool says nothing')
  assert.is(r.code, 0)
})

scrape('promtool is not a rubber stamp: it flags a gauge named like a counter, as the old milliseconds gauge was', async () => {
  const r = await promtool(['check', 'metrics'], '# HELP x_latency_milliseconds Old style.\n# TYPE x_latency_milliseconds gauge\nx_latency_milliseconds 1\n# HELP y_total Not a counter.\n# TYPE y_total gauge\ny_total 1\n')
  assert.is.not(r.code, 0)
  assert.match(r.stdout + r.stderr, 'non-counter metrics should not have "_total" suffix')
  assert.match(r.stdout + r.stderr, 'milliseconds')
})

scrape('a second scrape without traffic reads the same counters (scrapes do not count)', async () => {
  const again = parseExposition((await get(fixture.monitor.url, '/metrics')).body).samples
  for (const name of ['modbridge_bus_transactions_total', 'modbridge_bus_timeouts_total', 'modbridge_bus_retries_total']) {
    assert.is(value(again, name, { bus: 'sim' }), value(samples, name, { bus: 'sim' }), name)
  }
  assert.is(value(again, 'modbridge_requests_total', { bus: 'sim', unit: '1', function: '3', outcome: 'reply' }), TRAFFIC.unit1Reads)
})

scrape('hostile: /metrics with a foreign Host header is refused with 403 and no figures (DNS rebinding)', async () => {
  const before = fixture.monitor.counters.refusedRequests
  const port = new URL(fixture.monitor.url).port
  const refused = await get(fixture.monitor.url, '/metrics', `rebind.example:${port}`)
  assert.is(refused.status, 403)
  assert.not.match(refused.body, 'modbridge_')
  assert.is(fixture.monitor.counters.refusedRequests, before + 1)
  assert.is((await get(fixture.monitor.url, '/metrics', `localhost:${port}`)).status, 200, 'the same request as localhost passes')
})

scrape.run()

// ---

const hostile = suite('metrics of a hostile device and a scanning client: label values stay bounded')
let pty: PtyPair
let device: ScriptedDevice
let lineGateway: Gateway
let bounded: GatewayMetrics
let raw: RawClient
const dir = mkdtempSync(join(tmpdir(), 'modbridge-metrics-'))
const rtu = createRtuFramer({ expect: 'response' })

hostile.before(async () => {
  pty = await ptyPair({ a: join(dir, 'gateway-end'), b: join(dir, 'device-end') })
  // Unit 1 answers with an exception code the spec does not define; unit 2 sends garbage before
  // its reply; unit 3 sends unit 7's frame first; every other unit answers plainly.
  device = await scriptedDevice(
    pty.b,
    ({ unit, pdu }) => {
      if (pdu[0] !== 0x03) return { pdu: Buffer.from([pdu[0] | 0x80, 0x01]) }
      const reply = encodeResponse({ function: 'readHoldingRegisters', values: [unit] })
      if (unit === 1) return { pdu: Buffer.from([0x83, 0x99]) }
      if (unit === 2) return { raw: Buffer.concat([Buffer.from('ffff00ff', 'hex'), rtu.encode(unit, reply)]) }
      if (unit === 3) return { raw: Buffer.concat([rtu.encode(7, reply), rtu.encode(unit, reply)]) }
      return { pdu: reply }
    },
    38400,
  )
  lineGateway = new Gateway(
    validateConfig({
      listen: ['tcp://127.0.0.1:0'],
      buses: { line: { address: `rtu://${join(dir, 'gateway-end')}?baud=38400`, timeout: 300, retries: 0 } },
      routes: [{ units: '1-20', bus: 'line' }],
    }),
  )
  await lineGateway.start()
  bounded = new GatewayMetrics(lineGateway, { maxUnitLabels: 3, processMetrics: false })
  raw = await rawClient(Number(lineGateway.listening[0].split(':').pop()))
  let tid = 0
  const ask = (unit: number, pdu: string) => {
    raw.send(++tid, unit, Buffer.from(pdu, 'hex'))
    return raw.reply(tid)
  }
  for (const unit of [1, 2, 3, 4, 5]) await ask(unit, '0300000001')
  await ask(1, '41000000')
  for (let unit = 100; unit < 150; unit++) await ask(unit, '0300000001')
})
hostile.after(async () => {
  await raw?.close()
  bounded?.close()
  await lineGateway?.close()
  await device?.close()
  await pty?.close()
  rmSync(dir, { recursive: true, force: true })
})

hostile('fifty scanned units, two units past the cap, an unknown function and a made-up exception code add only "other"', async () => {
  const { samples: s } = parseExposition(await bounded.metrics())
  const labelValues = (label: string) => [...new Set(s.filter((x) => x.name.startsWith('modbridge_') && x.labels[label] !== undefined).map((x) => x.labels[label]))].sort()
  assert.equal(labelValues('unit'), ['1', '2', '3', 'other'])
  assert.equal(labelValues('function'), ['3', 'other'])
  assert.equal(labelValues('exception'), ['1', '10', 'other'])
  assert.is(value(s, 'modbridge_requests_total', { bus: '', unit: 'other', function: '3', outcome: 'refused' }), 50, 'the scan, under one series')
  assert.is(value(s, 'modbridge_requests_total', { bus: 'line', unit: 'other', function: '3', outcome: 'reply' }), 2, 'units 4 and 5, past the cap')
  assert.is(value(s, 'modbridge_exception_replies_total', { bus: 'line', unit: '1', function: '3', exception: 'other' }), 1, 'exception 0x99')
  assert.is(value(s, 'modbridge_exception_replies_total', { bus: 'line', unit: '1', function: 'other', exception: '1' }), 1, 'function 0x41')
})

hostile('garbage and a foreign frame on the line are counted as framing errors and stray frames, and the replies still pass', async () => {
  const { samples: s } = parseExposition(await bounded.metrics())
  assert.ok(value(s, 'modbridge_bus_framing_errors_total', { bus: 'line' }) >= 1, 'framing errors')
  assert.is(value(s, 'modbridge_bus_stray_frames_total', { bus: 'line' }), 1, "unit 7's frame")
  assert.is(value(s, 'modbridge_requests_total', { bus: 'line', unit: '2', function: '3', outcome: 'reply' }), 1)
  assert.is(value(s, 'modbridge_requests_total', { bus: 'line', unit: '3', function: '3', outcome: 'reply' }), 1)
})

hostile('a client that sends a bad MBAP header (protocol id 1) is closed and counted as a client framing error', async () => {
  const before = value(parseExposition(await bounded.metrics()).samples, 'modbridge_client_framing_errors_total')
  const socket = createConnection({ host: '127.0.0.1', port: Number(lineGateway.listening[0].split(':').pop()) })
  socket.on('error', () => {})
  let closed = false
  socket.on('close', () => (closed = true))
  socket.write(Buffer.from('000100010006010300000001', 'hex'))
  await waitFor(() => closed, 'the gateway to close the connection')
  const { samples: s } = parseExposition(await bounded.metrics())
  assert.is(value(s, 'modbridge_client_framing_errors_total'), before + 1)
  assert.is(value(s, 'modbridge_superseded_replies_total'), 0, 'no RTU over TCP client here')
})

hostile('promtool still accepts the exposition after hostile traffic', async () => {
  const r = await promtool(['check', 'metrics'], await bounded.metrics())
  assert.is(r.stdout + r.stderr, '')
  assert.is(r.code, 0)
})

hostile.run()

// ---

const two = suite('two gateways in one process: a registry each')
let simA: SimulatedBus
let simB: SimulatedBus
let gatewayA: Gateway
let gatewayB: Gateway
let metricsA: GatewayMetrics
let metricsB: GatewayMetrics

const simGateway = (sim: SimulatedBus) =>
  new Gateway(validateConfig({ listen: ['tcp://127.0.0.1:0'], buses: { sim: { address: 'rtu:///virtual?baud=115200' } }, routes: [{ units: '1-3', bus: 'sim' }] }), {
    links: { sim: sim.open },
  })

/** One Read Holding Registers of unit 1 through `gw`, on a connection of its own. */
async function ask(gw: Gateway, tid: number): Promise<void> {
  const c = await rawClient(Number(gw.listening[0].split(':').pop()))
  c.send(tid, 1, Buffer.from('0300000001', 'hex'))
  await c.reply(tid)
  await c.close()
}

two.before(async () => {
  simA = await startSimulatedBus([1], 115200)
  simB = await startSimulatedBus([1], 115200)
  gatewayA = simGateway(simA)
  gatewayB = simGateway(simB)
  await gatewayA.start()
  await gatewayB.start()
  metricsA = new GatewayMetrics(gatewayA)
  metricsB = new GatewayMetrics(gatewayB)
})
two.after(async () => {
  metricsA?.close()
  metricsB?.close()
  await gatewayA?.close()
  await gatewayB?.close()
  await simA?.close()
  await simB?.close()
})

two('same metric names, no clash, and each counts only its own gateway; the global registry stays empty', async () => {
  await ask(gatewayA, 1)
  await ask(gatewayA, 2)
  await ask(gatewayB, 3)
  const a = parseExposition(await metricsA.metrics()).samples
  const b = parseExposition(await metricsB.metrics()).samples
  assert.is(value(a, 'modbridge_requests_total', { bus: 'sim', unit: '1', outcome: 'reply' }), 2)
  assert.is(value(b, 'modbridge_requests_total', { bus: 'sim', unit: '1', outcome: 'reply' }), 1)
  assert.ok(select(a, 'modbridge_process_cpu_seconds_total').length === 1 && select(b, 'modbridge_process_cpu_seconds_total').length === 1, 'both expose the process metrics')
  assert.is.not(metricsA.registry, metricsB.registry)
  assert.not.match(await globalRegistry.metrics(), 'modbridge_')
})

two('after close() a gateway is no longer counted', async () => {
  metricsB.close()
  await ask(gatewayB, 9)
  assert.is(value(parseExposition(await metricsB.metrics()).samples, 'modbridge_requests_total', { bus: 'sim', unit: '1', outcome: 'reply' }), 1)
})

two.run()
