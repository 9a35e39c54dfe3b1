// The page's copy of the trends: the history from the first feed message, extended by each
// increment. Every series is aligned with one array of times (Unix seconds) and keeps at most
// `capacity` points, as the gateway's ring does.

export const METRICS = ['transactions', 'p50', 'p99', 'timeouts', 'exceptions', 'stray']
/** Metrics with a value for every second; the others (latency) are null for a second without replies. */
const COUNTS = new Set(['transactions', 'timeouts', 'exceptions', 'stray'])

function emptySeries(length) {
  const s = {}
  for (const m of METRICS) s[m] = new Array(length).fill(COUNTS.has(m) ? 0 : null)
  return s
}

export class TrendStore {
  constructor(capacity = 900) {
    this.capacity = capacity
    this.times = []
    /** 'bus:<name>' and 'unit:<id>' → { metric: values[] } */
    this.series = new Map()
    this.maxUnits = 0
    this.untrackedUnits = []
  }

  /** Replaces everything with a history block. */
  reset(block) {
    this.times = []
    this.series.clear()
    this.append(block)
  }

  /** Adds the seconds of `block` newer than the newest held; returns how many were added. */
  append(block) {
    this.maxUnits = block.maxUnits
    this.untrackedUnits = block.untrackedUnits
    const newest = this.times.length ? this.times[this.times.length - 1] : -Infinity
    let from = 0
    while (from < block.times.length && block.times[from] <= newest) from++
    const added = block.times.length - from
    if (added === 0) return 0
    const before = this.times.length
    this.times.push(...block.times.slice(from))
    const seen = new Set()
    const take = (kind, entries) => {
      for (const [name, points] of Object.entries(entries)) {
        const key = `${kind}:${name}`
        seen.add(key)
        let s = this.series.get(key)
        if (!s) this.series.set(key, (s = emptySeries(before)))
        for (const m of METRICS) s[m].push(...points[m].slice(from))
      }
    }
    take('bus', block.buses)
    take('unit', block.units)
    // A series the block does not mention had nothing in those seconds.
    for (const [key, s] of this.series) {
      if (seen.has(key)) continue
      for (const m of METRICS) for (let i = 0; i < added; i++) s[m].push(COUNTS.has(m) ? 0 : null)
    }
    const excess = this.times.length - this.capacity
    if (excess > 0) {
      this.times.splice(0, excess)
      for (const s of this.series.values()) for (const m of METRICS) s[m].splice(0, excess)
    }
    return added
  }

  /** Keys of one kind ('bus' or 'unit'), units in numeric order. */
  keys(kind) {
    const keys = [...this.series.keys()].filter((k) => k.startsWith(`${kind}:`))
    return kind === 'unit' ? keys.sort((a, b) => Number(a.slice(5)) - Number(b.slice(5))) : keys
  }
}
