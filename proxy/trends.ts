/**
 * Per-second trends for the monitor: for each bus and each unit, the last 15 minutes of
 * transactions, latency p50/p99, timeouts, exceptions and stray frames, one sample a second.
 *
 * Every series shares one clock: a ring of `capacity` second slots (900 by default). Events add to
 * the open second of their series; when the clock moves on, the open second is closed into the
 * ring for every series at once, and seconds with no event at all are written as empty. So the
 * memory is fixed when a series is created — six typed arrays of `capacity` slots (about 21 KB at
 * 900) plus a reservoir of latency samples for the open second — and the number of unit series is
 * capped (`maxUnits`, 64 by default): units beyond the cap are still counted in the monitor's
 * tables, but get no trend. Buses come from the configuration and are not capped.
 *
 * Latency of a second is the p50/p99 of its replies; above `latencySamples` replies in one second
 * the percentiles are taken over a uniform sample of them (reservoir sampling), so a busy bus costs
 * no more than a quiet one. A second without replies has no latency (NaN; null in JSON).
 */
import { percentile } from './latency-window.ts'

/** Seconds kept by default: 15 minutes. */
export const TREND_SECONDS = 900
/** Units with a trend of their own, by default; see the module comment. */
export const DEFAULT_MAX_TREND_UNITS = 64
/** Latency samples kept per series for the open second. */
export const LATENCY_SAMPLES_PER_SECOND = 256
/** The window the monitor judges health over, in seconds. */
export const RECENT_SECONDS = 60

/** One series' figures for a run of seconds, oldest first (one entry per entry of `TrendBlock.times`). */
export interface SeriesPoints {
  /** Transactions finished in the second (= transactions per second). */
  transactions: number[]
  /** Latency of the second's replies in ms; null for a second without replies. */
  p50: (number | null)[]
  p99: (number | null)[]
  /** Transactions that ended without a reply (the device never answered in time). */
  timeouts: number[]
  /** Exception replies that do not stand for a timeout: the device's own, and the gateway's 0x0A. */
  exceptions: number[]
  /** Frames on the bus that answered no request. */
  stray: number[]
}

/** A run of seconds for every series: the whole ring (history) or the seconds after a given one (increment). */
export interface TrendBlock {
  /** Start of each second, in Unix seconds, oldest first. */
  times: number[]
  buses: Record<string, SeriesPoints>
  /** By unit id. */
  units: Record<string, SeriesPoints>
  /** The cap on unit series, and the unit ids seen beyond it (counted, not trended). */
  maxUnits: number
  untrackedUnits: number[]
}

/** Sums over recent seconds, the open one included. */
export interface RecentTotals {
  seconds: number
  transactions: number
  timeouts: number
  exceptions: number
  stray: number
}

/** What one finished transaction adds to a series. */
export interface TransactionSample {
  timeout: boolean
  exception: boolean
  /** Set for a reply (not for a timeout or an exception). */
  latencyMs?: number
}

/** Options of {@link Trends}. */
export interface TrendOptions {
  /** Seconds in the ring. Default {@link TREND_SECONDS}. */
  capacity?: number
  /** Unit series at most. Default {@link DEFAULT_MAX_TREND_UNITS}. */
  maxUnits?: number
  /** Latency samples per series and second. Default {@link LATENCY_SAMPLES_PER_SECOND}. */
  latencySamples?: number
}

/** Latencies are sent to the microsecond: more digits would only lengthen the feed. */
function roundMs(v: number): number | null {
  return Number.isNaN(v) ? null : Math.round(v * 1000) / 1000
}

/** One bus's or unit's ring (slots shared with the clock of {@link Trends}) and its open second. */
class Series {
  readonly transactions: Uint32Array
  readonly timeouts: Uint32Array
  readonly exceptions: Uint32Array
  readonly stray: Uint32Array
  readonly p50: Float32Array
  readonly p99: Float32Array
  private open = { transactions: 0, timeouts: 0, exceptions: 0, stray: 0 }
  private readonly samples: Float64Array
  /** Replies seen in the open second; above samples.length only some are kept. */
  private replies = 0
  /** xorshift32 state for reservoir sampling: deterministic and independent of Math.random. */
  private seed = 0x9e3779b9

  constructor(capacity: number, latencySamples: number) {
    this.transactions = new Uint32Array(capacity)
    this.timeouts = new Uint32Array(capacity)
    this.exceptions = new Uint32Array(capacity)
    this.stray = new Uint32Array(capacity)
    this.p50 = new Float32Array(capacity).fill(NaN)
    this.p99 = new Float32Array(capacity).fill(NaN)
    this.samples = new Float64Array(latencySamples)
  }

  add(s: TransactionSample): void {
    this.open.transactions++
    if (s.timeout) this.open.timeouts++
    if (s.exception) this.open.exceptions++
    if (s.latencyMs === undefined) return
    const n = this.replies++
    if (n < this.samples.length) this.samples[n] = s.latencyMs
    else {
      this.seed ^= this.seed << 13
      this.seed ^= this.seed >>> 17
      this.seed ^= this.seed << 5
      const j = (this.seed >>> 0) % (n + 1)
      if (j < this.samples.length) this.samples[j] = s.latencyMs
    }
  }

  addStray(): void {
    this.open.stray++
  }

  /** Writes the open second into `slot` and starts a new one. */
  close(slot: number): void {
    const o = this.open
    this.transactions[slot] = o.transactions
    this.timeouts[slot] = o.timeouts
    this.exceptions[slot] = o.exceptions
    this.stray[slot] = o.stray
    const kept = Math.min(this.replies, this.samples.length)
    if (kept === 0) {
      this.p50[slot] = NaN
      this.p99[slot] = NaN
    } else {
      const sorted = this.samples.subarray(0, kept).sort()
      this.p50[slot] = percentile(sorted, 0.5)
      this.p99[slot] = percentile(sorted, 0.99)
    }
    o.transactions = o.timeouts = o.exceptions = o.stray = 0
    this.replies = 0
  }

  /** A second with nothing in it. */
  clear(slot: number): void {
    this.transactions[slot] = this.timeouts[slot] = this.exceptions[slot] = this.stray[slot] = 0
    this.p50[slot] = this.p99[slot] = NaN
  }

  points(slots: number[]): SeriesPoints {
    return {
      transactions: slots.map((i) => this.transactions[i]),
      p50: slots.map((i) => roundMs(this.p50[i])),
      p99: slots.map((i) => roundMs(this.p99[i])),
      timeouts: slots.map((i) => this.timeouts[i]),
      exceptions: slots.map((i) => this.exceptions[i]),
      stray: slots.map((i) => this.stray[i]),
    }
  }

  recent(slots: number[]): Omit<RecentTotals, 'seconds'> {
    const t = { ...this.open }
    for (const i of slots) {
      t.transactions += this.transactions[i]
      t.timeouts += this.timeouts[i]
      t.exceptions += this.exceptions[i]
      t.stray += this.stray[i]
    }
    return t
  }
}

/**
 * The trends of a gateway's buses and units. Time is given by the caller in milliseconds (the
 * monitor passes Date.now()), so tests can drive the clock. A clock that steps back is treated as
 * standing still: events go to the open second, and the ring's times only ever increase.
 */
export class Trends {
  readonly capacity: number
  readonly maxUnits: number
  private readonly latencySamples: number
  /** Start of the second in each slot, Unix seconds. */
  private readonly times: Float64Array
  /** The slot the next closed second goes to. */
  private head = 0
  /** Closed seconds held, at most capacity. */
  private length = 0
  /** The open second, or undefined before the first event or tick. */
  private openSecond: number | undefined
  private readonly buses = new Map<string, Series>()
  private readonly units = new Map<number, Series>()
  private readonly untracked = new Set<number>()

  constructor(options: TrendOptions = {}) {
    this.capacity = options.capacity ?? TREND_SECONDS
    this.maxUnits = options.maxUnits ?? DEFAULT_MAX_TREND_UNITS
    this.latencySamples = options.latencySamples ?? LATENCY_SAMPLES_PER_SECOND
    this.times = new Float64Array(this.capacity)
  }

  /** Starts a bus's series (so a bus with no traffic yet has a flat trend, not none). */
  addBus(name: string): void {
    if (!this.buses.has(name)) this.buses.set(name, new Series(this.capacity, this.latencySamples))
  }

  /** Adds a finished transaction at `nowMs` to its bus (when it reached one) and to its unit. */
  transaction(bus: string | undefined, unit: number, sample: TransactionSample, nowMs: number): void {
    this.tick(nowMs)
    if (bus !== undefined) this.busSeries(bus).add(sample)
    this.unitSeries(unit)?.add(sample)
  }

  /** Adds a stray frame at `nowMs` to its bus, and to the unit id it carries when that unit has a trend. */
  stray(bus: string, unit: number, nowMs: number): void {
    this.tick(nowMs)
    this.busSeries(bus).addStray()
    this.units.get(unit)?.addStray()
  }

  /** Closes every second before the one `nowMs` falls in; returns the newest closed second. */
  tick(nowMs: number): number | undefined {
    const second = Math.floor(nowMs / 1000)
    if (this.openSecond === undefined) this.openSecond = second
    else if (second > this.openSecond) {
      this.closeSlot(this.openSecond, true)
      // A stalled event loop or a suspended machine leaves a gap: empty seconds, at most one ring's worth.
      const empty = Math.min(second - this.openSecond - 1, this.capacity)
      for (let s = second - empty; s < second; s++) this.closeSlot(s, false)
      this.openSecond = second
    }
    return this.newestClosed
  }

  /** The newest closed second, or undefined when none has closed yet. */
  get newestClosed(): number | undefined {
    return this.length === 0 ? undefined : this.times[(this.head - 1 + this.capacity) % this.capacity]
  }

  /** The whole ring. */
  history(): TrendBlock {
    return this.since(-Infinity)
  }

  /** The closed seconds after `second` (an increment for a client that has everything up to it). */
  since(second: number): TrendBlock {
    const slots: number[] = []
    for (let k = this.length; k >= 1; k--) {
      const slot = (this.head - k + this.capacity) % this.capacity
      if (this.times[slot] > second) slots.push(slot)
    }
    const block: TrendBlock = { times: slots.map((i) => this.times[i]), buses: {}, units: {}, maxUnits: this.maxUnits, untrackedUnits: [...this.untracked].sort((a, b) => a - b) }
    for (const [name, s] of this.buses) block.buses[name] = s.points(slots)
    for (const [unit, s] of [...this.units].sort((a, b) => a[0] - b[0])) block.units[unit] = s.points(slots)
    return block
  }

  /** A bus's totals over the last `seconds` (the open second and the closed ones before it); undefined for an unknown bus. */
  recentBus(name: string, seconds = RECENT_SECONDS): RecentTotals | undefined {
    const s = this.buses.get(name)
    return s && { seconds, ...s.recent(this.recentSlots(seconds - 1)) }
  }

  /** A unit's totals over the last `seconds`; undefined for a unit without a trend. */
  recentUnit(unit: number, seconds = RECENT_SECONDS): RecentTotals | undefined {
    const s = this.units.get(unit)
    return s && { seconds, ...s.recent(this.recentSlots(seconds - 1)) }
  }

  /** Units with a trend. */
  get trackedUnits(): number {
    return this.units.size
  }

  private recentSlots(count: number): number[] {
    const slots: number[] = []
    const newest = this.openSecond ?? 0
    for (let k = 1; k <= Math.min(count, this.length); k++) {
      const slot = (this.head - k + this.capacity) % this.capacity
      if (this.times[slot] < newest - count) break
      slots.push(slot)
    }
    return slots
  }

  private closeSlot(second: number, withData: boolean): void {
    const slot = this.head
    this.times[slot] = second
    for (const series of [this.buses.values(), this.units.values()]) {
      for (const s of series) {
        if (withData) s.close(slot)
        else s.clear(slot)
      }
    }
    this.head = (slot + 1) % this.capacity
    if (this.length < this.capacity) this.length++
  }

  private busSeries(name: string): Series {
    let s = this.buses.get(name)
    if (!s) this.buses.set(name, (s = new Series(this.capacity, this.latencySamples)))
    return s
  }

  private unitSeries(unit: number): Series | undefined {
    let s = this.units.get(unit)
    if (s) return s
    if (this.units.size >= this.maxUnits) {
      this.untracked.add(unit)
      return undefined
    }
    this.units.set(unit, (s = new Series(this.capacity, this.latencySamples)))
    return s
  }
}
