/**
 * Waiting on events with a deadline that fails with a message — never a timed assertion.
 */

/** Resolves once `check()` is truthy; rejects with `what` after `deadlineMs`. */
export async function waitFor<T>(check: () => T | Promise<T>, what: string, deadlineMs = 5000): Promise<T> {
  const end = Date.now() + deadlineMs
  for (;;) {
    const v = await check()
    if (v) return v
    if (Date.now() > end) throw new Error(`gave up waiting for ${what} after ${deadlineMs} ms`)
    await new Promise((r) => setImmediate(r))
  }
}

/** Lets pending I/O callbacks run. */
export function tick(): Promise<void> {
  return new Promise((r) => setImmediate(r))
}
