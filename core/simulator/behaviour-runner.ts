/**
 * BehaviourRunner: updates the points that have behaviours, each on its interval, by writing
 * through the unit's data — so Modbus reads see the values at once. The writes are the device's
 * own changes (setRegisters/setBits): they do not fire onWrite, which reports clients' writes.
 *
 * `tick(now)` runs every update that is due at `now`, so tests step a clock instead of waiting;
 * `start()` does the same on a timer, and `stop()` clears it.
 */
import type { Awaitable, BitTable, RegisterTable } from '../datastore/types.ts'
import { behaviourValue, seededRandom, type BehaviourSpec } from './behaviours.ts'
import { decodePoint, encodePoint, isBitTable, type Point, type PointValue } from './points.ts'

/** What behaviours read and write: MemoryUnit has these, and so may any store. */
export interface PointData {
  readRegisters(table: RegisterTable, address: number, quantity: number): Awaitable<number[]>
  readBits(table: BitTable, address: number, quantity: number): Awaitable<boolean[]>
  setRegisters(table: RegisterTable, address: number, values: readonly number[]): Awaitable<void>
  setBits(table: BitTable, address: number, values: readonly boolean[]): Awaitable<void>
}

/** One point with a behaviour. */
export interface BehaviourEntry {
  unit: number
  point: Point
  behaviour: BehaviourSpec
  /** The copied point (copy only). */
  source?: Point
  /** ms. */
  interval: number
  data: PointData
}

/** Options of start(). */
export interface RunnerOptions {
  /** Called with what an update threw (a store that failed); the other updates go on. */
  onError?: (err: unknown, where: string) => void
}

interface Scheduled extends BehaviourEntry {
  due: number
  /** Copies run after the points they copy: the length of the chain behind this one. */
  depth: number
  random?: () => number
}

/** Reads a point's current value through its unit's data. */
export async function readPoint(data: PointData, point: Point): Promise<PointValue> {
  const raw = isBitTable(point.table)
    ? await data.readBits(point.table, point.address, point.count)
    : await data.readRegisters(point.table as RegisterTable, point.address, point.count)
  return decodePoint(point, raw)
}

/** Writes a point's value through its unit's data (clamped or cut to fit the point). */
export async function writePoint(data: PointData, point: Point, value: PointValue): Promise<void> {
  const raw = encodePoint(point, value, false)
  if (isBitTable(point.table)) await data.setBits(point.table, point.address, raw as boolean[])
  else await data.setRegisters(point.table as RegisterTable, point.address, raw as number[])
}

/** Runs behaviours; see the module comment. */
export class BehaviourRunner {
  private readonly entries: Scheduled[]
  private begun: number | undefined
  private timer: NodeJS.Timeout | undefined
  private running = false
  private onError: RunnerOptions['onError']
  /** The run in progress: runs never overlap, so no point is updated twice for one due time. */
  private queue: Promise<unknown> = Promise.resolve()

  constructor(entries: readonly BehaviourEntry[]) {
    const depth = (e: BehaviourEntry, seen: number): number => {
      const from = e.source && entries.find((o) => o.unit === e.unit && o.point === e.source)
      return from && seen < entries.length ? 1 + depth(from, seen + 1) : 0
    }
    this.entries = entries
      .map((e) => ({ ...e, due: 0, depth: depth(e, 0), random: e.behaviour.kind === 'randomWalk' ? seededRandom(e.behaviour.seed ?? Math.floor(Math.random() * 2 ** 32)) : undefined }))
      .sort((a, b) => a.depth - b.depth)
  }

  /** Points with behaviours. */
  get size(): number {
    return this.entries.length
  }

  /** True between start() and stop(). */
  get started(): boolean {
    return this.running
  }

  /**
   * Points the behaviours of `unit` at other data (a store that replaced the unit's memory), so
   * their updates go where reads are answered.
   */
  setData(unit: number, data: PointData): void {
    for (const e of this.entries) if (e.unit === unit) e.data = data
  }

  /**
   * Runs every update due at `now` (ms since the epoch). The first call is the start: every
   * behaviour writes its starting value, and the next update of each is one interval later. An
   * update that falls behind is not repeated: the next one is on the interval grid after `now`.
   * A failed update goes to start()'s onError when running, else the first is thrown once every
   * due update has run.
   */
  async tick(now: number): Promise<void> {
    const failures = await this.runDue(now)
    if (failures.length > 0 && !this.onError) throw failures[0]
  }

  private runDue(now: number): Promise<unknown[]> {
    // A tick() while the timer's run is still writing (or the other way round) waits for it: run
    // together, the second would see the first's points not yet started and update them out of turn.
    const run = this.queue.then(() => this.runDueNow(now))
    this.queue = run.catch(() => {})
    return run
  }

  private async runDueNow(now: number): Promise<unknown[]> {
    const first = this.begun === undefined
    if (first) this.begun = now
    const start = this.begun!
    const failures: unknown[] = []
    for (const e of this.entries) {
      if (!first && e.due > now) continue
      e.due = first ? now + e.interval : e.due + e.interval * Math.max(1, Math.ceil((now - e.due + 1) / e.interval))
      try {
        await this.update(e, now, start, first)
      } catch (err) {
        failures.push(err)
        this.report(err, `unit ${e.unit} point ${JSON.stringify(e.point.name)} (${e.behaviour.kind})`)
      }
    }
    return failures
  }

  /**
   * Starts updating on a timer: the first update at once, then each on its interval. The timer
   * does not keep the process alive by itself. Does nothing when no point has a behaviour.
   */
  start(options: RunnerOptions = {}): void {
    if (this.running || this.entries.length === 0) return
    this.running = true
    this.onError = options.onError ?? (() => {})
    void this.runDue(Date.now()).finally(() => this.schedule())
  }

  /** Stops the timer; an update already writing finishes. start() may be called again. */
  stop(): void {
    this.running = false
    this.onError = undefined
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
  }

  private report(err: unknown, where: string): void {
    try {
      this.onError?.(err, where)
    } catch {
      // A failing error handler must not stop the updates or reject the timer's promise.
    }
  }

  private schedule(): void {
    // One timer at a time: after stop() and start() while an update was still writing, both runs end here.
    if (!this.running || this.timer) return
    const next = Math.min(...this.entries.map((e) => e.due))
    this.timer = setTimeout(() => {
      this.timer = undefined
      void this.runDue(Date.now()).finally(() => this.schedule())
    }, Math.max(0, next - Date.now()))
    this.timer.unref()
  }

  private async update(e: Scheduled, now: number, start: number, first: boolean): Promise<void> {
    const kind = e.behaviour.kind
    const current = kind === 'counter' || kind === 'randomWalk' ? await readPoint(e.data, e.point) : undefined
    const source = e.source ? await readPoint(e.data, e.source) : undefined
    const value = behaviourValue(e.behaviour, e.point, { now, start, first, current, source, random: e.random })
    await writePoint(e.data, e.point, value)
  }
}
