/**
 * The monitor's per-second trends (proxy/trends.ts) with a clock the test drives, and the figures
 * built on them (proxy/stats.ts): health, "no data" latency, frames by sequence number.
 */
import { EventEmitter } from 'node:events'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { BusStats } from '../../proxy/bus.ts'
import type { Gateway, TransactionEvent } from '../../proxy/gateway.ts'
import { LatencyWindow } from '../../proxy/latency-window.ts'
import { busHealth, GatewayStats, unitHealth } from '../../proxy/stats.ts'
import { LATENCY_SAMPLES_PER_SECOND, TREND_SECONDS, Trends, type RecentTotals } from '../../proxy/trends.ts'

/** 12:00:00.000 on some day, in ms: second boundaries are at multiples of 1000. */
const T0 = 1_800_000_000_000
const at = (seconds: number) => T0 + seconds * 1000
const reply = (latencyMs: number) => ({ timeout: false, exception: false, latencyMs })
const TIMEOUT = { timeout: true, exception: false }
const EXCEPTION = { timeout: false, exception: true }

// ---
const sampling = suite('trends: one sample per second per bus and unit')

sampling('a second closes when the clock moves past it: transactions, timeouts, exceptions, stray and latency land in it', () => {
  const t = new Trends()
  t.addBus('a')
  for (const ms of [5, 7, 9, 11]) t.transaction('a', 1, reply(ms), at(0) + 100)
  t.transaction('a', 1, TIMEOUT, at(0) + 200)
  t.transaction('a', 2, EXCEPTION, at(0) + 300)
  t.stray('a', 1, at(0) + 400)
  assert.is(t.newestClosed, undefined, 'nothing closed within the first second')
  assert.equal(t.history().times, [])
  assert.is(t.tick(at(1)), T0 / 1000)
  const h = t.history()
  assert.equal(h.times, [T0 / 1000])
  assert.equal(h.buses.a, { transactions: [6], p50: [9], p99: [11], timeouts: [1], exceptions: [1], stray: [1] })
  assert.equal(h.units['1'], { transactions: [5], p50: [9], p99: [11], timeouts: [1], exceptions: [0], stray: [1] })
  assert.equal(h.units['2'], { transactions: [1], p50: [null], p99: [null], timeouts: [0], exceptions: [1], stray: [0] })
})

sampling('a second without replies has no latency (null), never 0', () => {
  const t = new Trends()
  t.transaction('a', 1, TIMEOUT, at(0))
  t.tick(at(3))
  const a = t.history().buses.a
  assert.equal(a.p50, [null, null, null])
  assert.equal(a.transactions, [1, 0, 0])
})

sampling('quiet seconds in between are written as empty ones, so the time axis has no holes', () => {
  const t = new Trends()
  t.addBus('a')
  t.transaction('a', 1, reply(1), at(0))
  t.transaction('a', 1, reply(1), at(4) + 999)
  t.tick(at(5))
  const h = t.history()
  assert.equal(h.times, [0, 1, 2, 3, 4].map((s) => T0 / 1000 + s))
  assert.equal(h.buses.a.transactions, [1, 0, 0, 0, 1])
})

sampling('a clock that steps back counts events in the open second; times only increase', () => {
  const t = new Trends()
  t.transaction('a', 1, reply(1), at(10))
  t.transaction('a', 1, reply(1), at(3))
  t.tick(at(11))
  assert.equal(t.history().times, [T0 / 1000 + 10])
  assert.equal(t.history().buses.a.transactions, [2])
})

sampling('an increment holds only the seconds after the one given', () => {
  const t = new Trends()
  for (let s = 0; s < 5; s++) t.transaction('a', 1, reply(s + 1), at(s))
  t.tick(at(5))
  const newest = t.newestClosed!
  assert.is(newest, T0 / 1000 + 4)
  const inc = t.since(newest - 2)
  assert.equal(inc.times, [newest - 1, newest])
  assert.equal(inc.buses.a.p50, [4, 5])
  assert.equal(t.since(newest).times, [])
})

sampling.run()

// ---
const ring = suite('trends: a 15-minute ring of fixed size')

ring('the ring keeps the last 900 seconds and drops the oldest', () => {
  const t = new Trends()
  assert.is(t.capacity, TREND_SECONDS)
  for (let s = 0; s < 1000; s++) t.transaction('a', 1, reply(1), at(s))
  for (let k = 0; k < 6; k++) t.transaction('a', 1, reply(1), at(999))
  t.tick(at(1000))
  const h = t.history()
  assert.is(h.times.length, 900)
  assert.is(h.times[0], T0 / 1000 + 100)
  assert.is(h.times[899], T0 / 1000 + 999)
  assert.is(h.buses.a.transactions.length, 900)
  assert.is(h.buses.a.transactions[899], 7)
})

ring('a gap longer than the ring (a suspended machine) leaves one ring of empty seconds, not more', () => {
  const t = new Trends({ capacity: 10 })
  t.transaction('a', 1, reply(1), at(0))
  t.tick(at(100_000))
  const h = t.history()
  assert.is(h.times.length, 10)
  assert.is(h.times[9], T0 / 1000 + 99_999)
  assert.equal(h.buses.a.transactions, new Array(10).fill(0))
})

ring('a series created late has zeros and no latency for the seconds before it', () => {
  const t = new Trends()
  t.transaction('a', 1, reply(2), at(0))
  t.transaction('b', 7, reply(3), at(1))
  t.tick(at(2))
  const h = t.history()
  assert.equal(h.buses.b, { transactions: [0, 1], p50: [null, 3], p99: [null, 3], timeouts: [0, 0], exceptions: [0, 0], stray: [0, 0] })
  assert.equal(h.units['7'].transactions, [0, 1])
})

ring('units beyond the cap are not trended, and are listed once each', () => {
  const t = new Trends({ maxUnits: 3 })
  for (let unit = 1; unit <= 10; unit++) t.transaction('a', unit, reply(1), at(0))
  t.transaction('a', 9, reply(1), at(0))
  t.tick(at(1))
  const h = t.history()
  assert.equal(Object.keys(h.units), ['1', '2', '3'])
  assert.equal(h.untrackedUnits, [4, 5, 6, 7, 8, 9, 10])
  assert.is(h.maxUnits, 3)
  assert.is(h.buses.a.transactions[0], 11, 'the bus still counts them')
  assert.is(t.trackedUnits, 3)
})

ring('a stray frame carrying an unknown unit id adds to the bus only, and starts no unit series', () => {
  const t = new Trends({ maxUnits: 3 })
  for (let unit = 0; unit < 256; unit++) t.stray('a', unit, at(0))
  t.tick(at(1))
  assert.is(t.trackedUnits, 0)
  assert.equal(t.history().untrackedUnits, [])
  assert.equal(t.history().buses.a.stray, [256])
})

ring('latency of a busy second comes from a bounded sample: 100 000 replies keep the percentiles close', () => {
  const t = new Trends()
  // Replies of 1..100 ms in equal numbers: p50 ≈ 50, p99 ≈ 99.
  for (let i = 0; i < 100_000; i++) t.transaction('a', 1, reply((i % 100) + 1), at(0) + (i % 1000))
  t.tick(at(1))
  const a = t.history().buses.a
  assert.is(a.transactions[0], 100_000)
  assert.ok(Math.abs(a.p50[0]! - 50) <= 10, `p50 ${a.p50[0]} from ${LATENCY_SAMPLES_PER_SECOND} samples`)
  assert.ok(a.p99[0]! >= 90, `p99 ${a.p99[0]}`)
})

ring.run()

// ---
const rates = suite('trends: recent totals and rates')

rates('recent totals cover the open second and the closed ones inside the window', () => {
  const t = new Trends()
  t.transaction('a', 1, TIMEOUT, at(0))
  for (let s = 1; s <= 70; s++) t.transaction('a', 1, reply(1), at(s))
  t.transaction('a', 1, TIMEOUT, at(70) + 500)
  const recent = t.recentBus('a', 60)!
  assert.equal(recent, { seconds: 60, transactions: 61, timeouts: 1, exceptions: 0, stray: 0 }, 'seconds 11-70: 60 replies and one timeout')
  assert.is(t.recentBus('b'), undefined)
  assert.is(t.recentUnit(1, 5)!.transactions, 6)
})

rates('recent totals skip a gap: seconds before the window are not counted', () => {
  const t = new Trends()
  t.transaction('a', 1, TIMEOUT, at(0))
  t.tick(at(200))
  assert.equal(t.recentBus('a', 60), { seconds: 60, transactions: 0, timeouts: 0, exceptions: 0, stray: 0 })
})

rates('transactions per second is the count of its second: 25 in one second, 5 in the next', () => {
  const t = new Trends()
  for (let i = 0; i < 25; i++) t.transaction('a', 1, reply(1), at(0) + i * 40)
  for (let i = 0; i < 5; i++) t.transaction('a', 1, reply(1), at(1) + i * 200)
  t.tick(at(2))
  assert.equal(t.history().buses.a.transactions, [25, 5])
})

rates.run()

// ---
const health = suite('monitor health: a bus with timeouts is never plain "up"')

const recent = (transactions: number, timeouts: number): RecentTotals => ({ seconds: 60, transactions, timeouts, exceptions: 0, stray: 0 })

health('a bus whose transactions all timed out is an error; some timeouts, a warning; down, an error with its reason', () => {
  assert.equal(busHealth('up', recent(67, 67)), { health: 'error', healthReason: '67 of 67 timed out in the last 60 s' })
  assert.equal(busHealth('up', recent(100, 3)), { health: 'warning', healthReason: '3 of 100 timed out in the last 60 s' })
  assert.equal(busHealth('down', recent(0, 0), 'ENOENT /dev/ttyUSB0'), { health: 'error', healthReason: 'down: ENOENT /dev/ttyUSB0' })
  assert.is(busHealth('connecting', recent(0, 0)).health, 'warning')
  assert.is(busHealth('up', recent(0, 0)).health, 'idle')
  assert.is(busHealth('up', recent(10, 0)).health, 'ok')
})

health('a unit that timed out and never answered is an error, however long ago', () => {
  assert.equal(unitHealth({ answered: 0, timeouts: 12 }, recent(0, 0)), { health: 'error', healthReason: 'never answered (12 timeouts)' })
  assert.is(unitHealth({ answered: 5, timeouts: 12 }, recent(4, 4)).health, 'error')
  assert.is(unitHealth({ answered: 5, timeouts: 12 }, recent(8, 4)).health, 'warning')
  assert.is(unitHealth({ answered: 5, timeouts: 0 }, recent(0, 0)).health, 'idle')
  assert.is(unitHealth({ answered: 5, timeouts: 0 }, undefined).health, 'ok')
})

health('an empty latency window has no percentiles (NaN), not 0', () => {
  const w = new LatencyWindow(4)
  assert.ok(Number.isNaN(w.percentiles().p50) && Number.isNaN(w.percentiles().p99))
  for (const ms of [4, 1, 3, 2, 9]) w.add(ms)
  assert.equal(w.percentiles(), { p50: 3, p99: 9 }, 'the last four: 1 3 2 9')
  assert.is(w.size, 4)
})

health.run()

// ---
const stats = suite('gateway stats on a stand-in gateway: units, frames, trends from events')

/** A gateway with one bus 'a' whose state the test sets, emitting events as the real one does. */
type StandIn = Gateway & EventEmitter & { busState: BusStats['state'] }

function standIn(): StandIn {
  const g = Object.assign(new EventEmitter(), { busState: 'up' as BusStats['state'], startedAt: Date.now(), buses: new Map<string, unknown>() })
  const stats = (): BusStats => ({ name: 'a', state: g.busState, queued: 0, inFlight: 0, transactions: 0, replies: 0, deviceExceptions: 0, timeouts: 0, invalidReplies: 0, transportErrors: 0, rejectedQueueFull: 0, expiredInQueue: 0, coalesced: 0, discarded: 0, framingErrors: 0, recentStray: [], busyMs: 0, latency: { p50: NaN, p99: NaN } })
  g.buses.set('a', { stats })
  return g as unknown as StandIn
}

function event(unit: number, outcome: TransactionEvent['outcome'], extra: Partial<TransactionEvent> = {}): TransactionEvent {
  const reply = outcome === 'reply' ? Buffer.from('03020001', 'hex') : undefined
  return { time: Date.now(), client: 1, unit, bus: 'a', request: Buffer.from('0300000001', 'hex'), reply, outcome, exception: undefined, reason: undefined, latencyMs: 2.5, queuedMs: 0, busMs: 2, ...extra }
}

stats('a unit that only timed out is "never answered" with no latency; one that replied has both', () => {
  const g = standIn()
  const s = new GatewayStats(g)
  for (let i = 0; i < 3; i++) g.emit('transaction', event(9, 'timeout', { reply: Buffer.from('830b', 'hex'), exception: 0x0b }))
  g.emit('transaction', event(1, 'reply'))
  const snap = s.snapshot()
  const u9 = snap.units.find((u) => u.unit === 9)!
  assert.is(u9.answered, 0)
  assert.is(u9.health, 'error')
  assert.is(u9.healthReason, 'never answered (3 timeouts)')
  assert.is(JSON.parse(JSON.stringify(u9)).latency.p50, null, 'no data is null in JSON, never 0')
  const u1 = snap.units.find((u) => u.unit === 1)!
  assert.is(u1.latency.p50, 2.5)
  assert.is(snap.buses[0].health, 'warning', '3 of 4 timed out')
  assert.is(s.trends.recentUnit(9)!.exceptions, 0, 'the 0x0B of a timeout is a timeout, not an exception')
  s.close()
  assert.is(g.listenerCount('transaction') + g.listenerCount('stray') + g.listenerCount('bus'), 0)
})

stats('frames carry a sequence number; framesAfter gives only the newer ones, newest first, within the kept ones', () => {
  const g = standIn()
  const s = new GatewayStats(g, 5)
  for (let i = 0; i < 8; i++) g.emit('transaction', event(1, 'reply'))
  assert.is(s.newestFrame, 8)
  assert.equal(s.framesAfter(6).map((f) => f.seq), [8, 7])
  assert.equal(s.framesAfter(0).map((f) => f.seq), [8, 7, 6, 5, 4], 'only the kept five')
  const f = s.framesAfter(7)[0]
  assert.is(f.functionCode, 3)
  assert.is(f.request, '0300000001')
  assert.equal(f.replyDecoded, { function: 'readHoldingRegisters', values: [1] })
  assert.is(s.framesAfter(7)[0], f, 'decoded once, then reused')
  s.close()
})

stats('stray frames and the bus going down reach the trend and the health', () => {
  const g = standIn()
  const s = new GatewayStats(g)
  g.emit('stray', 'a', { time: Date.now(), unit: 1, hex: '0103020001', reason: 'late' })
  assert.is(s.trends.recentBus('a')!.stray, 1)
  g.emit('bus', 'a', 'down', 'port vanished')
  g.busState = 'down'
  const bus = s.snapshot().buses[0]
  assert.is(bus.health, 'error')
  assert.is(bus.healthReason, 'down: port vanished')
  assert.is(bus.recent.stray, 1)
  s.close()
})

stats.run()

// ---
const page = suite('the page’s trend store and formats (the browser modules, run in Node)')

interface Block {
  times: number[]
  buses: Record<string, Record<string, (number | null)[]>>
  units: Record<string, Record<string, (number | null)[]>>
  maxUnits: number
  untrackedUnits: number[]
}
interface Store {
  times: number[]
  series: Map<string, Record<string, (number | null)[]>>
  reset(b: Block): void
  append(b: Block): number
  keys(kind: string): string[]
}
interface PageModules {
  TrendStore: new (capacity?: number) => Store
  spacedHex(hex: string): string
  clock(ms: number): string
  fixed(n: unknown, digits?: number): string
}

async function pageModules(): Promise<PageModules> {
  const store = await import(new URL('../../proxy/monitor-page/trend-store.js', import.meta.url).href)
  const format = await import(new URL('../../proxy/monitor-page/format.js', import.meta.url).href)
  return { ...store, ...format } as PageModules
}

function block(times: number[], buses: Record<string, number[]>, units: Record<string, number[]> = {}): Block {
  const points = (tx: number[]) => ({ transactions: tx, p50: tx.map((n) => (n ? 1 : null)), p99: tx.map((n) => (n ? 2 : null)), timeouts: tx.map(() => 0), exceptions: tx.map(() => 0), stray: tx.map(() => 0) })
  return { times, buses: Object.fromEntries(Object.entries(buses).map(([k, v]) => [k, points(v)])), units: Object.fromEntries(Object.entries(units).map(([k, v]) => [k, points(v)])), maxUnits: 64, untrackedUnits: [] }
}

page('an increment that overlaps what the page has adds only the newer seconds', async () => {
  const { TrendStore } = await pageModules()
  const s = new TrendStore()
  s.reset(block([10, 11, 12], { a: [1, 2, 3] }))
  assert.is(s.append(block([12, 13], { a: [3, 4] })), 1)
  assert.equal(s.times, [10, 11, 12, 13])
  assert.equal(s.series.get('bus:a')!.transactions, [1, 2, 3, 4])
  assert.is(s.append(block([13], { a: [4] })), 0)
})

page('a unit that appears later is padded before; a series the increment leaves out is padded after', async () => {
  const { TrendStore } = await pageModules()
  const s = new TrendStore()
  s.reset(block([10, 11], { a: [1, 1] }))
  s.append(block([12], {}, { '7': [5] }))
  assert.equal(s.series.get('unit:7')!.transactions, [0, 0, 5])
  assert.equal(s.series.get('unit:7')!.p50, [null, null, 1])
  assert.equal(s.series.get('bus:a')!.transactions, [1, 1, 0])
  assert.equal(s.series.get('bus:a')!.p50, [1, 1, null])
  assert.equal(s.keys('unit'), ['unit:7'])
})

page('the page keeps at most its capacity of seconds, dropping the oldest', async () => {
  const { TrendStore } = await pageModules()
  const s = new TrendStore(4)
  s.reset(block([1, 2, 3], { a: [1, 2, 3] }))
  s.append(block([4, 5, 6], { a: [4, 5, 6] }))
  assert.equal(s.times, [3, 4, 5, 6])
  assert.equal(s.series.get('bus:a')!.transactions, [3, 4, 5, 6])
})

page('hex is spaced by byte; times are 24-hour with milliseconds; no data is "–"', async () => {
  const { spacedHex, clock, fixed } = await pageModules()
  assert.is(spacedHex('0103000a0002'), '01 03 00 0a 00 02')
  assert.is(spacedHex(''), '')
  const afternoon = new Date(2026, 11, 1, 15, 4, 5, 7).getTime()
  assert.is(clock(afternoon), '15:04:05.007')
  assert.is(fixed(null, 2), '–')
  assert.is(fixed(NaN, 2), '–')
  assert.is(fixed(0, 2), '0.00', 'a real zero stays a zero')
})

page.run()
