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

  /** p50 and p99 in ms of what the window holds (0 when empty). */
  percentiles(): { p50: number; p99: number } {
    if (this.count === 0) return { p50: 0, p99: 0 }
    const sorted = Array.from(this.values.subarray(0, this.count)).sort((a, b) => a - b)
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
    return { p50: at(0.5), p99: at(0.99) }
  }
}
