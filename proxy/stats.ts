/**
 * What the monitor shows, aggregated from the gateway's transaction events and the buses'
 * counters: per bus utilisation, queue depth and transactions per second; per unit requests,
 * exceptions, timeouts and p50/p99 latency; the last frames, hex and decoded.
 */
import { decodeRequest, decodeResponse, type Message } from '../core/index.ts'
import type { BusStats } from './bus.ts'
import type { Gateway, TransactionEvent } from './gateway.ts'
import { LatencyWindow } from './latency-window.ts'

/** Per-unit figures. */
export interface UnitFigures {
  unit: number
  requests: number
  exceptions: Record<string, number>
  timeouts: number
  latency: { p50: number; p99: number }
}

/** Per-bus figures, with rates over the last interval. */
export interface BusFigures extends BusStats {
  utilization: number
  tps: number
}

/** One recent frame. */
export interface FrameRecord {
  time: number
  unit: number
  bus: string | null
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
  frames: FrameRecord[]
  totals: { requests: number; exceptions: number }
}

function decoded(fn: () => Message): Message | { error: string } {
  try {
    return fn()
  } catch (err) {
    return { error: (err as Error).message }
  }
}

/** Aggregates a gateway's traffic. */
export class GatewayStats {
  private readonly units = new Map<number, { figures: Omit<UnitFigures, 'latency'>; latency: LatencyWindow }>()
  private readonly frames: FrameRecord[] = []
  /** Per bus, recent samples of the cumulative counters; rates are taken against the oldest within the window. */
  private readonly samples = new Map<string, { at: number; transactions: number; busyMs: number }[]>()
  private totals = { requests: 0, exceptions: 0 }
  private readonly listener = (e: TransactionEvent) => this.record(e)

  constructor(
    private readonly gateway: Gateway,
    private readonly keepFrames = 50,
  ) {
    gateway.on('transaction', this.listener)
  }

  private record(e: TransactionEvent): void {
    let u = this.units.get(e.unit)
    if (!u) this.units.set(e.unit, (u = { figures: { unit: e.unit, requests: 0, exceptions: {}, timeouts: 0 }, latency: new LatencyWindow(512) }))
    u.figures.requests++
    this.totals.requests++
    // Counted by outcome kind: a 0x0B relayed from a downstream gateway is not a timeout here, and a
    // timeout answered with silence (noResponse: ignore) still is one.
    if (e.outcome === 'timeout') u.figures.timeouts++
    if (e.exception !== undefined) {
      const key = `0x${e.exception.toString(16).padStart(2, '0')}`
      u.figures.exceptions[key] = (u.figures.exceptions[key] ?? 0) + 1
      this.totals.exceptions++
    }
    if (e.reply && e.exception === undefined) u.latency.add(e.latencyMs)
    this.frames.unshift({
      time: e.time,
      unit: e.unit,
      bus: e.bus ?? null,
      request: e.request.toString('hex'),
      reply: e.reply ? e.reply.toString('hex') : null,
      requestDecoded: decoded(() => decodeRequest(e.request)),
      replyDecoded: e.reply ? decoded(() => decodeResponse(e.reply!)) : null,
      exception: e.exception ?? null,
      reason: e.reason ?? null,
      latencyMs: Math.round(e.latencyMs * 1000) / 1000,
    })
    if (this.frames.length > this.keepFrames) this.frames.length = this.keepFrames
  }

  /** Figures now; rates are over the last `windowMs` (about a second by default). */
  snapshot(windowMs = 1000): Snapshot {
    const now = performance.now()
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
      buses.push({ ...s, tps, utilization })
    }
    return {
      time: Date.now(),
      uptimeS: (Date.now() - this.gateway.startedAt) / 1000,
      buses,
      units: [...this.units.values()].sort((a, b) => a.figures.unit - b.figures.unit).map((u) => ({ ...u.figures, latency: u.latency.percentiles() })),
      frames: this.frames.slice(),
      totals: { ...this.totals },
    }
  }

  /** Stops listening to the gateway. */
  close(): void {
    this.gateway.off('transaction', this.listener)
  }
}
