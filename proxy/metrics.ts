/**
 * The monitor snapshot in Prometheus text exposition format (version 0.0.4).
 */
import type { Snapshot } from './stats.ts'

function escape(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}

/** Renders a snapshot as Prometheus metrics. */
export function renderMetrics(s: Snapshot): string {
  const out: string[] = []
  const family = (name: string, type: 'counter' | 'gauge', help: string, rows: [Record<string, string>, number][]) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`)
    for (const [labels, value] of rows) {
      const l = Object.entries(labels).map(([k, v]) => `${k}="${escape(v)}"`).join(',')
      out.push(`${name}${l ? `{${l}}` : ''} ${Number.isFinite(value) ? value : 0}`)
    }
  }
  const bus = (f: (b: Snapshot['buses'][number]) => number) => s.buses.map((b) => [{ bus: b.name }, f(b)] as [Record<string, string>, number])
  family('modbridge_bus_up', 'gauge', 'Whether the bus is open (1) or down (0).', bus((b) => (b.state === 'up' ? 1 : 0)))
  family('modbridge_bus_transactions_total', 'counter', 'Transactions completed on the bus.', bus((b) => b.transactions))
  family('modbridge_bus_timeouts_total', 'counter', 'Transactions that got no reply after retries.', bus((b) => b.timeouts))
  family('modbridge_bus_queue_depth', 'gauge', 'Requests waiting for the bus.', bus((b) => b.queued))
  family('modbridge_bus_utilization_ratio', 'gauge', 'Share of recent time the bus was busy with a transaction.', bus((b) => b.utilization))
  family('modbridge_bus_transactions_per_second', 'gauge', 'Recent transactions per second.', bus((b) => b.tps))
  family('modbridge_bus_rejected_total', 'counter', "Requests refused because the client's share of the queue was full.", bus((b) => b.rejectedQueueFull))
  family('modbridge_bus_framing_errors_total', 'counter', 'Received bytes that formed no frame: checksum errors, garbage, truncated frames.', bus((b) => b.framingErrors))
  family('modbridge_bus_stray_frames_total', 'counter', "Frames that were no request's reply: late, duplicated, another unit's, wrong shape.", bus((b) => b.discarded))
  family('modbridge_bus_device_exceptions_total', 'counter', 'Exception replies from devices on the bus.', bus((b) => b.deviceExceptions))
  const unit = (f: (u: Snapshot['units'][number]) => number) => s.units.map((u) => [{ unit: String(u.unit) }, f(u)] as [Record<string, string>, number])
  family('modbridge_unit_requests_total', 'counter', 'Requests received for the unit.', unit((u) => u.requests))
  family('modbridge_unit_timeouts_total', 'counter', 'Requests for the unit whose device did not answer in time.', unit((u) => u.timeouts))
  family(
    'modbridge_unit_exceptions_total',
    'counter',
    'Exception replies sent for the unit, by exception code.',
    s.units.flatMap((u) => Object.entries(u.exceptions).map(([code, n]) => [{ unit: String(u.unit), code }, n] as [Record<string, string>, number])),
  )
  family(
    'modbridge_unit_latency_milliseconds',
    'gauge',
    'Recent request latency through the gateway, by quantile.',
    s.units.flatMap((u) => [
      [{ unit: String(u.unit), quantile: '0.5' }, u.latency.p50] as [Record<string, string>, number],
      [{ unit: String(u.unit), quantile: '0.99' }, u.latency.p99] as [Record<string, string>, number],
    ]),
  )
  return out.join('\n') + '\n'
}
