/**
 * The last N latencies in a ring, for p50/p99 on demand (the monitor asks a few times a second;
 * the hot path only stores a number).
 */
export class LatencyWindow {
  private readonly values: Float64Array
  private count = 0
  private next = 0

  constructor(size: number) {
    this.values = new Float64Array(size)
  }

  /** Records one latency in ms. */
  add(ms: number): void {
    this.values[this.next] = ms
    this.next = (this.next + 1) % this.values.length
    if (this.count < this.values.length) this.count++
  }

  /** How many latencies the window holds. */
  get size(): number {
    return this.count
  }

  /**
   * p50 and p99 in ms of what the window holds; NaN when it holds nothing, so "no data" can never
   * pass for 0 ms (JSON turns NaN into null, and the page shows "–").
   */
  percentiles(): { p50: number; p99: number } {
    if (this.count === 0) return { p50: NaN, p99: NaN }
    const sorted = this.values.slice(0, this.count).sort()
    return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) }
  }
}

/**
 * The q-quantile of `sorted` (ascending, not empty) by the nearest-rank rule: the value below which
 * a share q of the values lie. Typed arrays sort numerically, so callers sort them with a bare sort().
 */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
}
