/**
 * A downstream bus: requests from many clients wait in per-client queues and are served
 * round-robin, so one client with a hundred queued requests does not starve another with one.
 * A serial bus runs one transaction at a time (half duplex); the channel under it keeps t3.5
 * between frames, flushes stray bytes, times out and retries. The request PDU goes out unchanged
 * and the reply PDU comes back unchanged.
 *
 * Outcomes: the reply PDU; 0x0B when the target does not answer after retries (or has waited past
 * its deadline in the queue); 0x0A when there is no path — bus down or queue full. A port that
 * fails is reopened in the background with back-off; meanwhile requests get 0x0A at once.
 */
import {
  connectClient,
  MbapChannel,
  SerialChannel,
  TimeoutError,
  TransportError,
  type ByteLink,
  type Channel,
  type PduWriter,
} from '../core/index.ts'
import type { BusConfig } from './config.ts'
import { LatencyWindow } from './latency-window.ts'

/** Where a forwarded request's time went: waiting in the queue, and on the bus (wire, device, retries). */
export interface Timing {
  queuedMs: number
  busMs: number
}

/** What a forwarded request came to. */
export type Outcome = (
  | { kind: 'reply'; pdu: Buffer }
  | { kind: 'exception'; exception: number; reason: string }
  | { kind: 'none'; reason: string }
) & { timing?: Timing }

/** One request waiting for the bus. */
interface Job {
  client: number
  unit: number
  pdu: Buffer
  timeout: number
  enqueuedAt: number
  deadline: number
  key?: string
  followers: ((o: Outcome) => void)[]
  resolve(o: Outcome): void
}

/** Counters and gauges of a bus, for the monitor. */
export interface BusStats {
  name: string
  state: 'up' | 'down' | 'connecting'
  queued: number
  inFlight: number
  transactions: number
  timeouts: number
  transportErrors: number
  rejectedQueueFull: number
  expiredInQueue: number
  coalesced: number
  discarded: number
  /** Milliseconds with at least one transaction under way, since start. */
  busyMs: number
  latency: { p50: number; p99: number }
}

/** Options beyond the configuration. */
export interface BusOptions {
  /** Opens the link instead of the configured address (virtual lines in `npm start` and tests). */
  open?: () => Promise<ByteLink>
  /** Coalesce identical reads (policies.coalesceReads). */
  coalesceReads?: boolean
}

const READS = new Set([0x01, 0x02, 0x03, 0x04])
const LOOPBACK = 0x08

/** A downstream bus with a fair queue. */
export class Bus {
  readonly channel: Channel & { connected: boolean }
  private readonly queues = new Map<number, Job[]>()
  private readonly ring: number[] = []
  private readonly keyed = new Map<string, Job>()
  private ringPos = 0
  private queued = 0
  private inFlight = 0
  private down = false
  private reconnectTimer: NodeJS.Timeout | undefined
  private closed = false
  private readonly latency = new LatencyWindow(1024)
  private readonly counters = { transactions: 0, timeouts: 0, transportErrors: 0, rejectedQueueFull: 0, expiredInQueue: 0, coalesced: 0 }
  /** Time with at least one transaction under way: closed intervals, and the start of the open one. */
  private busyMs = 0
  private busySince = 0

  constructor(
    readonly config: BusConfig,
    private readonly options: BusOptions = {},
  ) {
    const a = config.address
    if (a.kind === 'tcp') {
      this.channel = new MbapChannel({ host: a.host, port: a.port, transport: 'tcp' })
    } else {
      const client = connectClient(a, { open: options.open, broadcastDelayMs: config.broadcastDelay, backoff: { minMs: 200, maxMs: 5000 } })
      this.channel = client.channel as SerialChannel
    }
  }

  /** Opens the bus now; a failure marks it down and starts the background reopen. */
  async start(): Promise<void> {
    try {
      await this.channel.connect(this.config.timeout * 3)
    } catch (err) {
      this.markDown(err as Error)
    }
  }

  /**
   * Queues a request from `client` for `unit` on this bus. Resolves with the outcome (never
   * rejects). The PDU must be a copy the bus may keep.
   */
  submit(client: number, unit: number, pdu: Buffer, timeout = this.config.timeout): Promise<Outcome> {
    if (this.down) return Promise.resolve({ kind: 'exception', exception: 0x0a, reason: `bus ${this.config.name} is down` })
    const key = this.options.coalesceReads && READS.has(pdu[0]) ? `${unit}:${pdu.toString('hex')}` : undefined
    if (key) {
      const twin = this.keyed.get(key)
      if (twin) {
        this.counters.coalesced++
        return new Promise((resolve) => twin.followers.push(resolve))
      }
    }
    if (this.queued >= this.config.queueLimit) {
      this.counters.rejectedQueueFull++
      return Promise.resolve({ kind: 'exception', exception: 0x0a, reason: `bus ${this.config.name} queue is full (${this.config.queueLimit})` })
    }
    return new Promise((resolve) => {
      const now = performance.now()
      const job: Job = { client, unit, pdu, timeout, enqueuedAt: now, deadline: now + this.config.queueTimeout, key, followers: [], resolve }
      if (key) this.keyed.set(key, job)
      let q = this.queues.get(client)
      if (!q) {
        q = []
        this.queues.set(client, q)
        this.ring.push(client)
      }
      q.push(job)
      this.queued++
      this.pump()
    })
  }

  /** Withdraws every queued request of a client that went away; their outcome is 'none'. */
  withdraw(client: number): number {
    const q = this.queues.get(client)
    if (!q) return 0
    this.dropClient(client)
    for (const job of q) this.settle(job, { kind: 'none', reason: 'client disconnected' })
    this.queued -= q.length
    return q.length
  }

  private dropClient(client: number): void {
    this.queues.delete(client)
    const i = this.ring.indexOf(client)
    if (i >= 0) {
      this.ring.splice(i, 1)
      if (this.ringPos > i) this.ringPos--
    }
  }

  /** Next job, round-robin over clients with waiting requests. */
  private next(): Job | undefined {
    while (this.ring.length > 0) {
      if (this.ringPos >= this.ring.length) this.ringPos = 0
      const client = this.ring[this.ringPos]
      const q = this.queues.get(client)!
      const job = q.shift()!
      this.queued--
      if (q.length === 0) this.dropClient(client)
      else this.ringPos++
      if (performance.now() > job.deadline) {
        this.counters.expiredInQueue++
        this.settle(job, { kind: 'exception', exception: 0x0b, reason: `waited ${this.config.queueTimeout} ms in the queue of bus ${this.config.name}` })
        continue
      }
      return job
    }
    return undefined
  }

  private pump(): void {
    while (!this.closed && this.inFlight < this.config.maxInFlight) {
      const job = this.next()
      if (!job) return
      if (this.inFlight++ === 0) this.busySince = performance.now()
      void this.run(job)
    }
  }

  private async run(job: Job): Promise<void> {
    const started = performance.now()
    const pdu = job.pdu
    const writer: PduWriter = {
      size: pdu.length,
      write(buf, o) {
        return o + pdu.copy(buf, o)
      },
    }
    const loopback = job.pdu[0] === LOOPBACK && job.pdu.length >= 3 && job.pdu[1] === 0 && job.pdu[2] === 0
    let outcome: Outcome
    try {
      const broadcastOnTcp = job.unit === 0 && this.config.address.kind === 'tcp'
      const reply = await this.channel.transact(job.unit, writer, job.pdu[0], {
        timeout: broadcastOnTcp ? Math.max(1, this.config.broadcastDelay) : job.timeout,
        retries: this.config.retries,
        expectPduLength: loopback ? job.pdu.length : undefined,
      })
      outcome = reply === null ? { kind: 'none', reason: 'broadcast' } : { kind: 'reply', pdu: reply }
      if (reply !== null) this.latency.add(performance.now() - started)
    } catch (err) {
      if (err instanceof TimeoutError && job.unit === 0) {
        outcome = { kind: 'none', reason: 'broadcast' }
      } else if (err instanceof TimeoutError) {
        this.counters.timeouts++
        outcome = { kind: 'exception', exception: 0x0b, reason: err.message }
      } else {
        this.counters.transportErrors++
        if (err instanceof TransportError) this.markDown(err)
        outcome = { kind: 'exception', exception: 0x0a, reason: (err as Error).message }
      }
    }
    outcome.timing = { queuedMs: started - job.enqueuedAt, busMs: performance.now() - started }
    this.counters.transactions++
    if (--this.inFlight === 0) this.busyMs += performance.now() - this.busySince
    this.settle(job, outcome)
    this.pump()
  }

  private settle(job: Job, outcome: Outcome): void {
    if (job.key && this.keyed.get(job.key) === job) this.keyed.delete(job.key)
    job.resolve(outcome)
    for (const f of job.followers) f(outcome)
  }

  private markDown(err: Error): void {
    if (this.closed || this.down) return
    this.down = true
    for (const client of [...this.ring]) {
      for (const job of this.queues.get(client) ?? []) this.settle(job, { kind: 'exception', exception: 0x0a, reason: `bus ${this.config.name} is down: ${err.message}` })
      this.dropClient(client)
    }
    this.queued = 0
    this.scheduleReconnect(200)
  }

  private scheduleReconnect(delay: number): void {
    if (this.closed) return
    this.reconnectTimer = setTimeout(async () => {
      try {
        await this.channel.connect(this.config.timeout * 3)
        this.down = false
      } catch {
        this.scheduleReconnect(Math.min(delay * 2, 5000))
      }
    }, delay)
  }

  /** A snapshot of the bus's counters. */
  stats(): BusStats {
    return {
      name: this.config.name,
      state: this.down ? 'down' : this.channel.connected ? 'up' : 'connecting',
      queued: this.queued,
      inFlight: this.inFlight,
      ...this.counters,
      busyMs: this.busyMs + (this.inFlight > 0 ? performance.now() - this.busySince : 0),
      discarded: this.channel.stats.discarded,
      latency: this.latency.percentiles(),
    }
  }

  /** Answers everything waiting with 0x0A and releases the port. */
  async close(): Promise<void> {
    this.closed = true
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer)
    for (const client of [...this.ring]) {
      for (const job of this.queues.get(client) ?? []) this.settle(job, { kind: 'exception', exception: 0x0a, reason: 'gateway closing' })
      this.dropClient(client)
    }
    await this.channel.close()
  }
}
