/**
 * Waiting that is never early and, for line timing, not late by a timer tick either. Node
 * computes a timer's expiry from the event loop's cached clock in whole milliseconds, so
 * `setTimeout(f, 1.75)` may fire early, and rounding up instead costs up to a millisecond per wait —
 * a quarter of the line at 115200 baud, where t3.5 is 1.75 ms and a whole transaction under 7 ms.
 * So: a timer for all but the last `SPIN_MS`, then setImmediate polls of performance.now(), which let
 * I/O run between checks. The polls cost CPU only during that final stretch.
 */

/** How close to the deadline the timer hands over to polling, ms. */
const SPIN_MS = 1.5

/** Resolves at or after `deadline` (a performance.now() value), within a few microseconds of it. */
export function waitUntil(deadline: number): Promise<void> {
  return new Promise((resolve) => onTime(deadline, resolve))
}

/** Resolves after at least `ms` milliseconds. */
export function waitFor(ms: number): Promise<void> {
  return waitUntil(performance.now() + ms)
}

/** Calls `fn` at or after `deadline`, precisely, and never synchronously; returns a cancel function. */
export function onTime(deadline: number, fn: () => void): () => void {
  let timer: NodeJS.Timeout | undefined
  let immediate: NodeJS.Immediate | undefined
  let cancelled = false
  const check = () => {
    timer = undefined
    immediate = undefined
    if (cancelled) return
    const left = deadline - performance.now()
    if (left <= 0) fn()
    else if (left > SPIN_MS) timer = setTimeout(check, Math.floor(left - SPIN_MS + 1) - 1 || 1)
    else immediate = setImmediate(check)
  }
  const first = deadline - performance.now()
  if (first > SPIN_MS) timer = setTimeout(check, Math.floor(first - SPIN_MS + 1) - 1 || 1)
  else immediate = setImmediate(check)
  return () => {
    cancelled = true
    if (timer) clearTimeout(timer)
    if (immediate) clearImmediate(immediate)
  }
}
