/**
 * The gateway's Prometheus metrics, through prom-client, in a registry of the gateway's own (two
 * gateways in one process never share or clash). Names follow the Prometheus conventions: one
 * `modbridge_` prefix, base units (`_seconds`), `_total` on counters, and no rates computed here —
 * transactions per second and bus utilisation are `rate()` of counters, and latency quantiles are
 * `histogram_quantile()` over the histograms, so Prometheus computes them over any window.
 *
 * Two sources feed it:
 * - the gateway's events: every finished request ('transaction') counts by bus, unit, function
 *   and outcome and is timed into the histograms; bus outages ('bus' down) are counted as they happen;
 * - the counters and gauges the buses and listeners keep themselves, read at each scrape.
 *
 * Label values are bounded (metrics-labels.ts). Series per bus, at most: requests U×F×8,
 * exception replies U×F×11, the request histogram U×20, the bus and queue histograms 20 each,
 * and 16 bus-level series — U the unit labels in use (≤ maxUnitLabels + 1) and F the function
 * codes seen (≤ the registry's size + 1). In practice a bus polled with two or three function
 * codes and no trouble has about 25 series per unit.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry as PromRegistry } from 'prom-client'
import { defaultRegistry, type Registry } from '../core/index.ts'
import type { BusStats } from './bus.ts'
import type { Gateway, TransactionEvent } from './gateway.ts'
import { DEFAULT_MAX_UNIT_LABELS, exceptionLabel, FunctionLabels, OUTCOME_LABELS, UnitLabels } from './metrics-labels.ts'

/** The prefix of every metric name, process metrics included. */
export const METRIC_PREFIX = 'modbridge_'

/**
 * Histogram buckets in seconds, from 0.5 ms to 5 s. An RTU character is 11 bits, so a 10-register
 * read (8 bytes out, 25 back) is about 38 ms on the wire at 9600 baud, 19 ms at 19200 and 3 ms at
 * 115200, plus two 3.5-character gaps and the device's turnaround; the largest reply (256 bytes)
 * takes 290 ms at 9600. Modbus TCP on a LAN answers in 0.3–3 ms. The buckets are densest from 5 to
 * 100 ms, where serial buses live, and reach the usual timeouts (0.5–5 s) so a bus that times out
 * moves p99 visibly.
 */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = [
  0.0005, 0.001, 0.002, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5, 5,
]

/** Options of {@link GatewayMetrics}. */
export interface GatewayMetricsOptions {
  /** Expose the process's CPU, memory, event-loop and GC metrics too (prefixed `modbridge_`). Default true. */
  processMetrics?: boolean
  /** Cap on distinct `unit` label values; further units count as `other`. Default {@link DEFAULT_MAX_UNIT_LABELS}. */
  maxUnitLabels?: number
  /** The registry whose function codes get a `function` label of their own. Default: the built-in codes. */
  registry?: Registry
}

/** Outcome kinds that come from a transaction that ran on the bus (and so carry bus and queue time). */
const RAN_ON_BUS = new Set<TransactionEvent['outcome']>(['reply', 'exception', 'timeout', 'transportError'])

/**
 * prom-client's default gauges whose names end in `_total`, which Prometheus keeps for counters
 * (promtool check metrics flags them). The same figures stay exposed without the suffix, by type.
 */
const MISNAMED_PROCESS_METRICS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']

let processRegistry: PromRegistry | undefined

/**
 * The process metrics, collected once per process: they describe the process, not a gateway, and
 * prom-client's collectors (an event-loop delay monitor, a GC observer) cannot be stopped, so one
 * set is shared by every gateway's exposition.
 */
function processMetrics(): PromRegistry {
  if (!processRegistry) {
    processRegistry = new PromRegistry()
    collectDefaultMetrics({ register: processRegistry, prefix: METRIC_PREFIX })
    for (const name of MISNAMED_PROCESS_METRICS) processRegistry.removeSingleMetric(METRIC_PREFIX + name)
  }
  return processRegistry
}

/** One bus as read at a scrape. */
interface BusSample {
  name: string
  stats: BusStats
  retries: number
}

/** A counter whose values are read from the buses at each scrape. */
type BusCounterSource = (s: BusSample) => number

/** prom-client's label children by their label values, made once: the hot path skips prom-client's label hashing. */
class Children<C> {
  private readonly made = new Map<string, C>()

  constructor(private readonly make: (values: string[]) => C) {}

  get(values: string[]): C {
    const key = values.join('\0')
    let child = this.made.get(key)
    if (!child) this.made.set(key, (child = this.make(values)))
    return child
  }
}

/** The metrics of one gateway. */
export class GatewayMetrics {
  /** This gateway's metrics (without the process metrics). */
  readonly registry = new PromRegistry()
  /** The `Content-Type` of {@link GatewayMetrics.metrics}' text. */
  readonly contentType: string = this.registry.contentType
  private readonly exposed: PromRegistry
  private readonly units: UnitLabels
  private readonly functions: FunctionLabels
  private readonly outages: Counter<'bus'>
  private readonly requestsBy: Children<{ inc(): void }>
  private readonly exceptionsBy: Children<{ inc(): void }>
  private readonly latencyBy: Children<{ observe(seconds: number): void }>
  private readonly busTimeBy: Children<{ observe(seconds: number): void }>
  private readonly queueWaitBy: Children<{ observe(seconds: number): void }>
  /** The buses as read for the scrape under way (see {@link GatewayMetrics.metrics}). */
  private sample: BusSample[] | undefined
  private readonly onTransaction = (e: TransactionEvent) => this.record(e)
  private readonly onBus = (bus: string, state: string) => {
    if (state === 'down') this.outages.inc({ bus })
  }

  constructor(
    private readonly gateway: Gateway,
    options: GatewayMetricsOptions = {},
  ) {
    this.units = new UnitLabels(options.maxUnitLabels ?? DEFAULT_MAX_UNIT_LABELS)
    this.functions = new FunctionLabels(options.registry ?? defaultRegistry)
    const registers = [this.registry]
    const buckets = [...LATENCY_BUCKETS_SECONDS]
    const name = (n: string) => METRIC_PREFIX + n

    const requests = new Counter({
      name: name('requests_total'),
      help: 'Requests the gateway finished, by bus (empty when the router answered), unit, function code and outcome.',
      labelNames: ['bus', 'unit', 'function', 'outcome'],
      registers,
    })
    const exceptions = new Counter({
      name: name('exception_replies_total'),
      help: 'Exception replies sent to clients, whether from a device or made by the gateway, by exception code.',
      labelNames: ['bus', 'unit', 'function', 'exception'],
      registers,
    })
    const latency = new Histogram({
      name: name('request_duration_seconds'),
      help: 'Time from a request reaching the gateway to its answer, for requests forwarded to a bus: queue, bus and gateway time.',
      labelNames: ['bus', 'unit'],
      buckets,
      registers,
    })
    const busTime = new Histogram({
      name: name('bus_transaction_duration_seconds'),
      help: 'Time a transaction held the bus: wire time both ways, device turnaround and retries.',
      labelNames: ['bus'],
      buckets,
      registers,
    })
    const queueWait = new Histogram({
      name: name('bus_queue_wait_seconds'),
      help: 'Time a request waited in the queue of its bus before its transaction started.',
      labelNames: ['bus'],
      buckets,
      registers,
    })
    this.outages = new Counter({ name: name('bus_outages_total'), help: 'Times the bus went down (port lost or unreachable).', labelNames: ['bus'], registers })
    const listeners = gateway.upstream
    const sum = (field: 'open' | 'connections' | 'refused' | 'framingErrors' | 'paused' | 'dropped' | 'superseded') => listeners.reduce((n, l) => n + l.stats[field], 0)
    const connections: Gauge = new Gauge({
      name: name('client_connections'),
      help: 'Upstream client connections open now.',
      registers,
      collect: () => connections.set(sum('open')),
    })
    const accepted: Counter = new Counter({
      name: name('accepted_connections_total'),
      help: 'Upstream client connections (and UDP senders) accepted.',
      registers,
      collect: () => {
        accepted.reset()
        accepted.inc(sum('connections'))
      },
    })
    const refused: Counter = new Counter({
      name: name('refused_connections_total'),
      help: 'Upstream connections (and UDP datagrams) refused: access list, connection limits, TLS admission.',
      registers,
      collect: () => {
        refused.reset()
        refused.inc(sum('refused'))
      },
    })
    // What the listeners count of their clients, read at each scrape.
    const clientCounters: [string, string, 'framingErrors' | 'paused' | 'dropped' | 'superseded'][] = [
      ['client_framing_errors_total', 'Runs of bytes from clients that formed no request frame (a bad MBAP header closes its connection; RTU over TCP resyncs).', 'framingErrors'],
      ['client_backpressure_pauses_total', 'Times reading from a client was paused because its unanswered requests or unread replies passed their bound.', 'paused'],
      ['dropped_connections_total', 'Client connections closed by the gateway: unread replies past the hard bound, or idle past the idle timeout.', 'dropped'],
      ['superseded_replies_total', 'RTU over TCP: replies not sent because the client (a serial master) had moved on to a later request.', 'superseded'],
    ]
    for (const [metric, help, field] of clientCounters) {
      const counter: Counter = new Counter({
        name: name(metric),
        help,
        registers,
        collect: () => {
          counter.reset()
          counter.inc(sum(field))
        },
      })
    }
    for (const bus of gateway.buses.keys()) this.outages.inc({ bus }, 0)
    this.requestsBy = new Children((v) => requests.labels(...v))
    this.exceptionsBy = new Children((v) => exceptions.labels(...v))
    this.latencyBy = new Children((v) => latency.labels(...v))
    this.busTimeBy = new Children((v) => busTime.labels(...v))
    this.queueWaitBy = new Children((v) => queueWait.labels(...v))

    this.busGauge('bus_up', 'Whether the bus is open (1) or not (0: down, or still connecting).', (s) => (s.stats.state === 'up' ? 1 : 0))
    this.busGauge('bus_queue_depth', 'Requests waiting for the bus now.', (s) => s.stats.queued)
    this.busGauge('bus_in_flight_requests', 'Transactions under way on the bus now (more than 1 only on a pipelined TCP bus).', (s) => s.stats.inFlight)
    this.busCounter('bus_transactions_total', 'Transactions the bus ran to an end, whatever the outcome.', (s) => s.stats.transactions)
    this.busCounter('bus_timeouts_total', 'Transactions with no valid reply after every retry.', (s) => s.stats.timeouts)
    this.busCounter('bus_invalid_replies_total', 'Of the timeouts, those where the device answered, but not as the request calls for.', (s) => s.stats.invalidReplies)
    this.busCounter('bus_retries_total', 'Requests sent again after a timeout.', (s) => s.retries)
    this.busCounter('bus_device_exceptions_total', 'Exception replies from devices on the bus.', (s) => s.stats.deviceExceptions)
    this.busCounter('bus_transport_errors_total', 'Transactions ended by a failing port or connection.', (s) => s.stats.transportErrors)
    this.busCounter('bus_rejected_total', "Requests refused because the client's share of the queue was full.", (s) => s.stats.rejectedQueueFull)
    this.busCounter('bus_queue_expired_total', 'Requests that waited longer than the queue timeout and were not sent.', (s) => s.stats.expiredInQueue)
    this.busCounter('bus_coalesced_reads_total', 'Reads answered by an identical read already queued (policies.coalesceReads).', (s) => s.stats.coalesced)
    this.busCounter('bus_framing_errors_total', 'Runs of received bytes that formed no frame: checksum errors, garbage, truncated frames.', (s) => s.stats.framingErrors)
    this.busCounter('bus_stray_frames_total', "Frames that were no request's reply: late, duplicated, another unit's, wrong shape.", (s) => s.stats.discarded)
    this.busCounter('bus_busy_seconds_total', 'Time with a transaction under way on the bus; its rate() is the utilisation (0–1).', (s) => s.stats.busyMs / 1000)

    this.exposed = options.processMetrics === false ? this.registry : PromRegistry.merge([this.registry, processMetrics()])
    gateway.on('transaction', this.onTransaction)
    gateway.on('bus', this.onBus)
  }

  /** The metrics in Prometheus text format, every bus read once. */
  async metrics(): Promise<string> {
    this.sample = this.readBuses()
    try {
      return await this.exposed.metrics()
    } finally {
      this.sample = undefined
    }
  }

  /** Stops listening to the gateway. */
  close(): void {
    this.gateway.off('transaction', this.onTransaction)
    this.gateway.off('bus', this.onBus)
  }

  private record(e: TransactionEvent): void {
    const bus = e.bus ?? ''
    const unit = this.units.of(e.unit, e.bus !== undefined || e.unit === 0)
    const fn = this.functions.of(e.request.length > 0 ? e.request[0] : 0)
    this.requestsBy.get([bus, unit, fn, OUTCOME_LABELS[e.outcome]]).inc()
    if (e.exception !== undefined) this.exceptionsBy.get([bus, unit, fn, exceptionLabel(e.exception)]).inc()
    if (e.bus === undefined) return
    this.latencyBy.get([bus, unit]).observe(e.latencyMs / 1000)
    if (!RAN_ON_BUS.has(e.outcome)) return
    this.busTimeBy.get([bus]).observe(e.busMs / 1000)
    this.queueWaitBy.get([bus]).observe(e.queuedMs / 1000)
  }

  private readBuses(): BusSample[] {
    return [...this.gateway.buses.values()].map((b) => ({ name: b.config.name, stats: b.stats(), retries: b.channel.stats.retries }))
  }

  private buses(): BusSample[] {
    return this.sample ?? this.readBuses()
  }

  private busGauge(name: string, help: string, value: BusCounterSource): void {
    const buses = () => this.buses()
    const gauge: Gauge<'bus'> = new Gauge({
      name: METRIC_PREFIX + name,
      help,
      labelNames: ['bus'],
      registers: [this.registry],
      collect() {
        for (const s of buses()) gauge.set({ bus: s.name }, value(s))
      },
    })
  }

  /** A counter kept by the bus itself: set from its value at each scrape (prom-client counters only go up, so reset first). */
  private busCounter(name: string, help: string, value: BusCounterSource): void {
    const buses = () => this.buses()
    const counter: Counter<'bus'> = new Counter({
      name: METRIC_PREFIX + name,
      help,
      labelNames: ['bus'],
      registers: [this.registry],
      collect() {
        counter.reset()
        for (const s of buses()) counter.inc({ bus: s.name }, value(s))
      },
    })
  }
}
