/**
 * Draining before a case: listening until the line or connection has been quiet for a while, so
 * that what a device sends late is attributed before the next request goes out.
 */
import { waitFor as waitForMs } from '../../core/transport/wait-until.ts'

/** A drain never takes longer than this, ms: a device that talks without pause cannot hold the run. */
const MAX_DRAIN_MS = 2000

/**
 * Resolves once `graceMs` have passed and no byte has arrived for `quietMs` (at most MAX_DRAIN_MS).
 * `source.lastByteAt` is the performance.now() of the last byte received.
 */
export async function drainUntilQuiet(source: { lastByteAt: number }, graceMs: number, quietMs: number): Promise<void> {
  const start = performance.now()
  for (;;) {
    const now = performance.now()
    const until = Math.max(start + graceMs, source.lastByteAt + quietMs)
    if (now >= until || now - start >= MAX_DRAIN_MS) return
    await waitForMs(Math.min(until, start + MAX_DRAIN_MS) - now)
  }
}
