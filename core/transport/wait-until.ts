/**
 * Waiting that is never early. Node computes a timer's expiry from the event loop's cached
 * clock and rounds to whole milliseconds, so `setTimeout(f, 2.005)` can fire before 2.005 ms
 * have passed; line timing (t3.5, wire time) must not. These re-check performance.now() on wake.
 */

/** Resolves at or after `deadline` (a performance.now() value). */
export function waitUntil(deadline: number): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      const left = deadline - performance.now()
      if (left <= 0) resolve()
      else setTimeout(check, Math.max(1, Math.ceil(left)))
    }
    check()
  })
}

/** Resolves after at least `ms` milliseconds. */
export function waitFor(ms: number): Promise<void> {
  return waitUntil(performance.now() + ms)
}
