/**
 * What the monitor shows, aggregated from the gateway's 'transaction', 'stray' and 'bus' events and
 * the buses' counters: per bus utilisation, queue depth, transactions per second and health; per
 * unit requests, answers, exceptions, timeouts, p50/p99 latency and health; the last frames, hex
 * and decoded; and the per-second trends of both (trends.ts).
 *
 * Health is judged over the last minute of trend ({@link RECENT_SECONDS}): a bus that is down, or
 * whose transactions all timed out, is an error; one with some timeouts is a warning. A unit that
 * has timed out and never answered is an error however old its traffic.
 */
import { decodeRequest, decodeResponse, type Message } from '../core/index.ts'
import type { BusStats, StrayRecord } from './bus.ts'
import type { Gateway, TransactionEvent } from './gateway.ts'
import { LatencyWindow } from './latency-window.ts'
import { RECENT_SECONDS, Trends, type RecentTotals, type TrendOptions } from './trends.ts'

/** How a bus or a unit is doing: 'idle' had no traffic in the recent window. */
export type Health = 'ok' | 'idle' | 'warning' | 'error'

/** Per-unit figures. */
export interface UnitFigures {
  unit: number
  requests: number
  /** Requests the device answered, with data or with an exception reply of its own. */
  answered: number
  exceptions: Record<string, number>
  timeouts: number
  /** Over the unit's last 512 replies; NaN (null in JSON) when it has none. */
  latency: { p50: number; p99: number }
  health: Health
  /** The health in words, e.g. "never answered (12 timeouts)". */
  healthReason: string
  /** False for a unit beyond the trend cap: counted here, without a trend. */
  trended: boolean
}

/** Per-bus figures, with rates over the last interval. */
export interface BusFigures extends BusStats {
  utilization: number
  tps: number
  health: Health
  healthReason: string
  /** Totals over the recent window the health is judged on. */
  recent: RecentTotals
}

/** One recent frame. */
export interface FrameRecord {
  /** Increases by one per transaction, so a reader can tell new frames from ones it has. */
  seq: number
  time: number
  unit: number
  bus: string | null
  functionCode: number
  request: string
  reply: string | null
  requestDecoded: Message | { error: string }
  replyDecoded: Message | { error: string } | null
  exception: number | null
  reason: string | null
  latencyMs: number
}

/** A whole snapshot. */
export interface Snapshot {
  time: number
  uptimeS: number
  buses: BusFigures[]
  units: UnitFigures[]
  /** Newest first. */
  frames: FrameRecord[]
  totals: { requests: number; exceptions: number }
}

/** A frame as kept: hex taken at once (the buffers are not ours to keep), decoded only when someone looks. */
interface KeptFrame {
  seq: number
  event: TransactionEvent
  request: string
  reply: string | null
  record?: FrameRecord
}

interface UnitState {
  figures: Omit<UnitFigures, 'latency' | 'health' | 'healthReason' | 'trended'>
  latency: LatencyWindow
}

function decoded(fn: () => Message): Message | { error: string } {
  try {
    return fn()
  } catch (err) {
    return { error: (err as Error).message }
  }
}

function share(r: RecentTotals): string {
  return `${r.timeouts} of ${r.transactions} timed out in the last ${r.seconds} s`
}

/** A bus's health from its state and recent totals. */
export function busHealth(state: BusStats['state'], recent: RecentTotals, downReason?: string): { health: Health; healthReason: string } {
  if (state === 'down') return { health: 'error', healthReason: downReason ? `down: ${downReason}` : 'down' }
  if (state === 'connecting') return { health: 'warning', healthReason: 'connecting' }
  if (recent.timeouts > 0) return { health: recent.timeouts >= recent.transactions ? 'error' : 'warning', healthReason: share(recent) }
  if (recent.transactions === 0) return { health: 'idle', healthReason: `no traffic in the last ${recent.seconds} s` }
  return { health: 'ok', healthReason: `${recent.transactions} transactions in the last ${recent.seconds} s` }
}

/** A unit's health from its totals and, when it has a trend, its recent totals. */
export function unitHealth(u: { answered: number; timeouts: number }, recent: RecentTotals | undefined): { health: Health; healthReason: string } {
  if (u.answered === 0 && u.timeouts > 0) return { health: 'error', healthReason: `never answered (${u.timeouts} timeout${u.timeouts === 1 ? '' : 's'})` }
  if (!recent) return { health: 'ok', healthReason: 'no trend (beyond the unit cap)' }
  if (recent.timeouts > 0) return { health: recent.timeouts >= recent.transactions ? 'error' : 'warning', healthReason: share(recent) }
  if (recent.transactions === 0) return { health: 'idle', healthReason: `no requests in the last ${recent.seconds} s` }
  return { health: 'ok', healthReason: `${recent.transactions} requests in the last ${recent.seconds} s` }
}

/** Aggregates a gateway's traffic. */
export class GatewayStats {
  readonly trends: Trends
  /** By unit id: at most 256 entries (a unit id is one byte), each with a 512-reply latency window. */
  private readonly units = new Map<number, UnitState>()
  /** The last `keepFrames` frames in a ring; `nextSeq` - 1 is the newest. */
  private readonly frames: (KeptFrame | undefined)[]
  private nextSeq = 1
  /** Per bus, recent samples of the cumulative counters; rates are taken against the oldest within the window. */
  private readonly samples = new Map<string, { at: number; transactions: number; busyMs: number }[]>()
  /** Why each bus last went down, from its 'bus' events. */
  private readonly downReasons = new Map<string, string>()
  private totals = { requests: 0, exceptions: 0 }
  private readonly onTransaction = (e: TransactionEvent) => this.record(e)
  private readonly onStray = (bus: string, s: StrayRecord) => this.trends.stray(bus, s.unit, s.time)
  private readonly onBus = (bus: string, state: string, reason: string) => {
    if (state === 'down') this.downReasons.set(bus, reason)
  }

  constructor(
    private readonly gateway: Gateway,
    private readonly keepFrames = 50,
    trendOptions: TrendOptions = {},
  ) {
    this.frames = new Array<KeptFrame | undefined>(keepFrames)
    this.trends = new Trends(trendOptions)
    for (const name of gateway.buses.keys()) this.trends.addBus(name)
    gateway.on('transaction', this.onTransaction)
    gateway.on('stray', this.onStray)
    gateway.on('bus', this.onBus)
  }

  private record(e: TransactionEvent): void {
    let u = this.units.get(e.unit)
    if (!u) this.units.set(e.unit, (u = { figures: { unit: e.unit, requests: 0, answered: 0, exceptions: {}, timeouts: 0 }, latency: new LatencyWindow(512) }))
    u.figures.requests++
    this.totals.requests++
    // Counted by outcome kind: a 0x0B relayed from a downstream gateway is not a timeout here, and a
    // timeout answered with silence (noResponse: ignore) still is one.
    const timeout = e.outcome === 'timeout'
    if (timeout) u.figures.timeouts++
    if (e.outcome === 'reply' || e.outcome === 'exception') u.figures.answered++
    if (e.exception !== undefined) {
      const key = `0x${e.exception.toString(16).padStart(2, '0')}`
      u.figures.exceptions[key] = (u.figures.exceptions[key] ?? 0) + 1
      this.totals.exceptions++
    }
    const replied = e.reply !== undefined && e.exception === undefined
    if (replied) u.latency.add(e.latencyMs)
    this.trends.transaction(e.bus, e.unit, { timeout, exception: e.exception !== undefined && !timeout, latencyMs: replied ? e.latencyMs : undefined }, e.time)
    const seq = this.nextSeq++
    this.frames[seq % this.keepFrames] = { seq, event: e, request: e.request.toString('hex'), reply: e.reply ? e.reply.toString('hex') : null }
  }

  /** The sequence number of the newest frame (0 before any). */
  get newestFrame(): number {
    return this.nextSeq - 1
  }

  /** The kept frames newer than `seq`, newest first. */
  framesAfter(seq: number): FrameRecord[] {
    const out: FrameRecord[] = []
    for (let s = this.nextSeq - 1; s > seq && s >= this.nextSeq - this.keepFrames && s > 0; s--) out.push(this.recordOf(this.frames[s % this.keepFrames]!))
    return out
  }

  private recordOf(k: KeptFrame): FrameRecord {
    if (k.record) return k.record
    const e = k.event
    k.record = {
      seq: k.seq,
      time: e.time,
      unit: e.unit,
      bus: e.bus ?? null,
      functionCode: e.request[0],
      request: k.request,
      reply: k.reply,
      requestDecoded: decoded(() => decodeRequest(Buffer.from(k.request, 'hex'))),
      replyDecoded: k.reply === null ? null : decoded(() => decodeResponse(Buffer.from(k.reply!, 'hex'))),
      exception: e.exception ?? null,
      reason: e.reason ?? null,
      latencyMs: Math.round(e.latencyMs * 1000) / 1000,
    }
    return k.record
  }

  /**
   * Figures now (frames included unless `withFrames` is false); rates are over the last
   * `windowMs` (about a second by default).
   */
  snapshot(windowMs = 1000, withFrames = true): Snapshot {
    const now = performance.now()
    this.trends.tick(Date.now())
    const buses: BusFigures[] = []
    for (const bus of this.gateway.buses.values()) {
      const s = bus.stats()
      let list = this.samples.get(s.name)
      if (!list) this.samples.set(s.name, (list = []))
      list.push({ at: now, transactions: s.transactions, busyMs: s.busyMs })
      while (list.length > 2 && now - list[1].at >= windowMs) list.shift()
      const oldest = list[0]
      const dt = now - oldest.at
      const tps = dt > 0 ? ((s.transactions - oldest.transactions) * 1000) / dt : 0
      const utilization = dt > 0 ? Math.min(1, (s.busyMs - oldest.busyMs) / dt) : 0
      const recent = this.trends.recentBus(s.name) ?? { seconds: RECENT_SECONDS, transactions: 0, timeouts: 0, exceptions: 0, stray: 0 }
      buses.push({ ...s, tps, utilization, recent, ...busHealth(s.state, recent, this.downReasons.get(s.name)) })
    }
    const units = [...this.units.values()]
      .sort((a, b) => a.figures.unit - b.figures.unit)
      .map((u) => {
        const recent = this.trends.recentUnit(u.figures.unit)
        return { ...u.figures, exceptions: { ...u.figures.exceptions }, latency: u.latency.percentiles(), trended: recent !== undefined, ...unitHealth(u.figures, recent) }
      })
    return {
      time: Date.now(),
      uptimeS: (Date.now() - this.gateway.startedAt) / 1000,
      buses,
      units,
      frames: withFrames ? this.framesAfter(0) : [],
      totals: { ...this.totals },
    }
  }

  /** Stops listening to the gateway. */
  close(): void {
    this.gateway.off('transaction', this.onTransaction)
    this.gateway.off('stray', this.onStray)
    this.gateway.off('bus', this.onBus)
  }
}
