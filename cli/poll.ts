/**
 * Polling (read --interval/--polls): one request per interval until the count is reached or the
 * signal aborts (Ctrl-C), then a summary like ping's and mbpoll's. Polls start on a fixed grid of
 * `interval` from the first; a reply slower than the interval makes the next poll start at once,
 * and the slots it overran are skipped rather than sent in a burst.
 */
import { performance } from 'node:perf_hooks'

/** What happened over a polling run. */
export interface PollStats {
  sent: number
  ok: number
  errors: number
  /** Round-trip times of the answered polls, ms. */
  minMs: number
  maxMs: number
  totalMs: number
}

/** Polling settings. */
export interface PollOptions {
  /** Between poll starts, ms. */
  interval: number
  /** Stop after this many polls; undefined: until aborted. */
  polls?: number
  signal: AbortSignal
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const done = () => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
  })
}

function aborted(signal: AbortSignal): Promise<'aborted'> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve('aborted')
    else signal.addEventListener('abort', () => resolve('aborted'), { once: true })
  })
}

/**
 * Runs `once` on the schedule. Each success is timed and handed to `onReply`; each failure goes to
 * `onError` and polling goes on. Resolves with the statistics when done or aborted (a request in
 * flight at the abort is not waited for and not counted).
 */
export async function poll<T>(
  options: PollOptions,
  once: () => Promise<T>,
  onReply: (value: T, ms: number) => void,
  onError: (err: unknown) => void,
): Promise<PollStats> {
  const stats: PollStats = { sent: 0, ok: 0, errors: 0, minMs: Infinity, maxMs: 0, totalMs: 0 }
  const stop = aborted(options.signal)
  const first = performance.now()
  for (let n = 0; options.polls === undefined || n < options.polls; n++) {
    if (options.signal.aborted) break
    const start = performance.now()
    const outcome = await Promise.race([once().then((value) => ({ value }), (error: unknown) => ({ error })), stop])
    if (outcome === 'aborted') break
    stats.sent++
    const ms = performance.now() - start
    if ('error' in outcome) {
      stats.errors++
      onError(outcome.error)
    } else {
      stats.ok++
      stats.totalMs += ms
      stats.minMs = Math.min(stats.minMs, ms)
      stats.maxMs = Math.max(stats.maxMs, ms)
      onReply(outcome.value, ms)
    }
    if (options.polls !== undefined && n + 1 >= options.polls) break
    // The slot after this poll's own (rounded: a timer may fire a little early), or the first slot
    // still ahead when the poll overran.
    const now = performance.now()
    const slot = Math.round((start - first) / options.interval)
    const next = Math.max(first + (slot + 1) * options.interval, first + Math.ceil((now - first) / options.interval) * options.interval)
    await pause(next - now, options.signal)
  }
  return stats
}

/** The summary line: sent, ok, errors, and min/avg/max round trip. */
export function summaryLine(what: string, s: PollStats): string {
  const failed = s.sent ? Math.round(((s.sent - s.ok) / s.sent) * 100) : 0
  const times = s.ok ? `; round trip min/avg/max ${s.minMs.toFixed(3)}/${(s.totalMs / s.ok).toFixed(3)}/${s.maxMs.toFixed(3)} ms` : ''
  return `--- ${what}: ${s.sent} sent, ${s.ok} ok, ${s.errors} errors (${failed}% failed)${times}`
}
