/**
 * A downstream bus: requests from many clients wait in per-client queues and are served
 * round-robin, so one client with a hundred queued requests does not starve another with one. Each
 * client has a share of the queue (`queueLimit` requests): a greedy client fills only its own
 * share, and only it is refused when its share is full. A serial bus runs one transaction at a
 * time (half duplex); a Modbus TCP bus pipelines up to `maxInFlight`. The channel under the bus
 * keeps t3.5 between frames, discards stray frames, times out and retries. The request PDU goes
 * out unchanged and the reply PDU comes back unchanged — and only a frame the registry's reply rule
 * accepts as this request's reply counts as one.
 *
 * A transaction ends as one outcome kind: reply, device exception, timeout, unavailable (bus down,
 * queue share full, expired in the queue, gateway closing), transport error, or silent (broadcast,
 * a request that draws no reply, a client that went away). A port that fails is reopened in the
 * background with back-off; meanwhile requests are unavailable at once.
 */
import { EventEmitter } from 'node:events'
import { defaultRegistry, PduError, TimeoutError, TransportError, type Adu, type Registry } from '../core/index.ts'
import { type ByteLink } from '../core/transport/link.ts'
import { openChannel, type OpenChannel } from '../core/client/connect.ts'
import { ChannelPool } from '../core/client/channel-pool.ts'
import type { BusConfig } from './config.ts'
import { LatencyWindow } from './latency-window.ts'

/** Where a forwarded request's time went: waiting in the queue, and on the bus (wire, device, retries). */
export interface Timing {
  queuedMs: number
  busMs: number
}

/** Why a bus could not take or finish a request. */
export type UnavailableCause = 'down' | 'queueFull' | 'expired' | 'closing'

/** What a forwarded request came to. */
export type Outcome = (
  | { kind: 'reply'; pdu: Buffer }
  | { kind: 'exception'; pdu: Buffer; exception: number }
  | { kind: 'timeout'; reason: string }
  | { kind: 'unavailable'; cause: UnavailableCause; reason: string }
  | { kind: 'transportError'; reason: string }
  | { kind: 'silent'; reason: string }
) & { timing?: Timing }

/** The kinds of outcome. */
export type OutcomeKind = Outcome['kind']

type Settle = (o: Outcome) => void

/** One request waiting for the bus. */
interface Job {
  client: number
  unit: number
  pdu: Buffer
  timeout: number
  enqueuedAt: number
  deadline: number
  key?: string
  followers: { client: number; resolve: Settle }[]
  resolve: Settle
}

/** A frame seen on the bus that answered no request, for the monitor. */
export interface StrayRecord {
  time: number
  unit: number
  hex: string
  reason: string
}

/** Counters and gauges of a bus, for the monitor. */
export interface BusStats {
  name: string
  state: 'up' | 'down' | 'connecting'
  queued: number
  inFlight: number
  transactions: number
  /** Outcomes by kind. */
  replies: number
  deviceExceptions: number
  /** Transactions with no valid reply after retries (silence, or only wrong answers). */
  timeouts: number
  /** Of those, the ones where the device did answer, but not as the request calls for. */
  invalidReplies: number
  transportErrors: number
  rejectedQueueFull: number
  expiredInQueue: number
  coalesced: number
  /** Frames that were no request's reply (late, duplicated, another unit's, wrong shape). */
  discarded: number
  /** Bytes that formed no frame: checksum errors, garbage, truncated frames. */
  framingErrors: number
  /** The last stray frames, newest first. */
  recentStray: StrayRecord[]
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
  /** Reply rules of the function codes forwarded; default the built-in registry. */
  registry?: Registry
}

const KEEP_STRAY = 10

/**
 * A downstream bus with a fair queue. Events: 'state' ('up' | 'down', reason), 'stray'
 * (StrayRecord), 'frameError' (FrameError), 'timeout' (unit, reason).
 */
export class Bus extends EventEmitter {
  readonly channel: OpenChannel
  private readonly registry: Registry
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
  private readonly counters = {
    transactions: 0,
    replies: 0,
    deviceExceptions: 0,
    timeouts: 0,
    invalidReplies: 0,
    transportErrors: 0,
    rejectedQueueFull: 0,
    expiredInQueue: 0,
    coalesced: 0,
  }
  private readonly stray: StrayRecord[] = []
  /** Time with at least one transaction under way: closed intervals, and the start of the open one. */
  private busyMs = 0
  private busySince = 0

  constructor(
    readonly config: BusConfig,
    private readonly options: BusOptions = {},
  ) {
    super()
    this.registry = options.registry ?? defaultRegistry
    const open = () => openChannel(config.address, {
      open: options.open,
      registry: this.registry,
      broadcastDelayMs: config.broadcastDelay,
      guardMs: config.guardTime,
      backoff: { minMs: 200, maxMs: 5000 },
      onStray: (adu, reason) => this.recordStray(adu, reason),
      onFrameError: (err) => this.listenerCount('frameError') > 0 && this.emit('frameError', err),
    })
    this.channel = config.connections > 1 ? new ChannelPool(Array.from({ length: config.connections }, open)) : open()
  }

  private recordStray(adu: Adu, reason: string): void {
    const record = { time: Date.now(), unit: adu.unit, hex: adu.raw.toString('hex'), reason }
    this.stray.unshift(record)
    if (this.stray.length > KEEP_STRAY) this.stray.length = KEEP_STRAY
    this.emit('stray', record)
  }

  /** Opens the bus now; a failure marks it down and starts the background reopen. */
  async start(): Promise<void> {
    try {
      await this.channel.connect(this.config.timeout * 3)
      this.emit('state', 'up', 'opened')
    } catch (err) {
      this.markDown(err as Error)
    }
  }

  /**
   * Queues a request from `client` for `unit` on this bus. Resolves with the outcome (never
   * rejects). The PDU must be a copy the bus may keep.
   */
  submit(client: number, unit: number, pdu: Buffer, timeout = this.config.timeout): Promise<Outcome> {
    if (this.down) return Promise.resolve({ kind: 'unavailable', cause: 'down', reason: `bus ${this.config.name} is down` })
    const key = this.options.coalesceReads && this.registry.facts(pdu).effect === 'read' ? `${unit}:${pdu.toString('hex')}` : undefined
    if (key) {
      const twin = this.keyed.get(key)
      if (twin) {
        this.counters.coalesced++
        return new Promise((resolve) => twin.followers.push({ client, resolve }))
      }
    }
    let q = this.queues.get(client)
    if (q && q.length >= this.config.queueLimit) {
      this.counters.rejectedQueueFull++
      return Promise.resolve({ kind: 'unavailable', cause: 'queueFull', reason: `client ${client} has ${q.length} requests waiting on bus ${this.config.name} (its share: ${this.config.queueLimit})` })
    }
    return new Promise((resolve) => {
      const now = performance.now()
      const job: Job = { client, unit, pdu, timeout, enqueuedAt: now, deadline: now + this.config.queueTimeout, key, followers: [], resolve }
      if (key) this.keyed.set(key, job)
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

  /**
   * Withdraws every queued request of a client that went away, or whose requests are superseded
   * (their outcome is silent, with `reason`). A coalesced read it led is handed to its first
   * follower, so the others are still answered. Transactions under way run to their end.
   */
  withdraw(client: number, reason = 'client disconnected'): number {
    for (const job of this.keyed.values()) {
      const mine = job.followers.filter((f) => f.client === client)
      if (mine.length === 0) continue
      job.followers = job.followers.filter((f) => f.client !== client)
      for (const f of mine) f.resolve({ kind: 'silent', reason })
    }
    const q = this.queues.get(client)
    if (!q) return 0
    this.dropClient(client)
    let withdrawn = 0
    for (const job of q) {
      const heir = job.followers.shift()
      if (heir) {
        job.resolve({ kind: 'silent', reason })
        job.client = heir.client
        job.resolve = heir.resolve
        this.enqueue(job)
        continue
      }
      this.queued--
      withdrawn++
      this.settle(job, { kind: 'silent', reason })
    }
    return withdrawn
  }

  /** Puts a job back at the end of its (new) client's queue, keeping the queued count. */
  private enqueue(job: Job): void {
    let q = this.queues.get(job.client)
    if (!q) {
      q = []
      this.queues.set(job.client, q)
      this.ring.push(job.client)
    }
    q.push(job)
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
        this.settle(job, { kind: 'unavailable', cause: 'expired', reason: `waited ${this.config.queueTimeout} ms in the queue of bus ${this.config.name}` })
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
    let outcome: Outcome
    try {
      const broadcastOnTcp = job.unit === 0 && (this.config.address.kind === 'tcp' || this.config.address.kind === 'tls')
      const reply = await this.channel.transact(job.unit, job.pdu, {
        timeout: broadcastOnTcp ? Math.max(1, this.config.broadcastDelay) : job.timeout,
        retries: this.config.retries,
      })
      if (reply === null) outcome = { kind: 'silent', reason: job.unit === 0 ? 'broadcast' : 'the request draws no reply' }
      else if (reply[0] !== job.pdu[0]) {
        this.counters.deviceExceptions++
        outcome = { kind: 'exception', pdu: reply, exception: reply[1] }
      } else {
        this.counters.replies++
        outcome = { kind: 'reply', pdu: reply }
      }
      if (reply !== null) this.latency.add(performance.now() - started)
    } catch (err) {
      if (err instanceof TimeoutError && job.unit === 0) {
        outcome = { kind: 'silent', reason: 'broadcast' }
      } else if (err instanceof TimeoutError || err instanceof PduError) {
        // A device that answered only wrongly (length, echo, body) gave no valid reply: to the client
        // that is the same as no reply, and its data is never passed on.
        this.counters.timeouts++
        if (err instanceof PduError) this.counters.invalidReplies++
        const reason = err instanceof PduError ? `no valid reply: ${err.message}` : err.message
        outcome = { kind: 'timeout', reason }
        this.emit('timeout', job.unit, reason)
      } else {
        this.counters.transportErrors++
        if (err instanceof TransportError) this.markDown(err)
        outcome = { kind: 'transportError', reason: (err as Error).message }
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
    for (const f of job.followers) f.resolve(outcome)
  }

  private markDown(err: Error): void {
    if (this.closed || this.down) return
    this.down = true
    this.emit('state', 'down', err.message)
    this.failQueued('down', `bus ${this.config.name} is down: ${err.message}`)
    this.scheduleReconnect(200)
  }

  private failQueued(cause: UnavailableCause, reason: string): void {
    for (const client of [...this.ring]) {
      for (const job of this.queues.get(client) ?? []) this.settle(job, { kind: 'unavailable', cause, reason })
      this.dropClient(client)
    }
    this.queued = 0
  }

  private scheduleReconnect(delay: number): void {
    if (this.closed) return
    this.reconnectTimer = setTimeout(async () => {
      try {
        await this.channel.connect(this.config.timeout * 3)
        this.down = false
        this.emit('state', 'up', 'reopened')
      } catch {
        // Back-off capped at 1 s: a port that comes back is in use again within a second.
        this.scheduleReconnect(Math.min(delay * 2, 1000))
      }
    }, delay)
  }

  /** A snapshot of the bus's counters. */
  stats(): BusStats {
    const ch = this.channel.stats
    return {
      name: this.config.name,
      state: this.down ? 'down' : this.channel.connected ? 'up' : 'connecting',
      queued: this.queued,
      inFlight: this.inFlight,
      ...this.counters,
      busyMs: this.busyMs + (this.inFlight > 0 ? performance.now() - this.busySince : 0),
      discarded: ch.discarded,
      framingErrors: ch.framingErrors,
      recentStray: this.stray.slice(),
      latency: this.latency.percentiles(),
    }
  }

  /** Answers everything waiting as unavailable and releases the port. */
  async close(): Promise<void> {
    this.closed = true
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer)
    this.failQueued('closing', 'gateway closing')
    await this.channel.close()
  }
}

