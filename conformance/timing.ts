/**
 * Response-time statistics and histogram for the report.
 */
import type { TimingSummary } from './report.ts'

/** Histogram bucket upper bounds, ms; the last bucket is open. */
export const BUCKETS_MS = [0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] as const

/** Statistics of a list of durations (ms). */
export function summarizeTimes(values: number[]): TimingSummary {
  const sorted = values.slice().sort((a, b) => a - b)
  const at = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : 0)
  const histogram: TimingSummary['histogram'] = [...BUCKETS_MS, null].map((upToMs) => ({ upToMs, count: 0 }))
  for (const v of sorted) {
    const i = BUCKETS_MS.findIndex((b) => v <= b)
    histogram[i < 0 ? histogram.length - 1 : i].count++
  }
  const round = (n: number) => Math.round(n * 1000) / 1000
  return {
    count: sorted.length,
    minMs: round(sorted[0] ?? 0),
    p50Ms: round(at(0.5)),
    p90Ms: round(at(0.9)),
    p99Ms: round(at(0.99)),
    maxMs: round(sorted[sorted.length - 1] ?? 0),
    histogram,
  }
}
