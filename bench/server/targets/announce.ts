/**
 * How a benchmark target tells the orchestrator it is ready: one JSON line on stdout.
 */

/**
 * Prints `{"port":N}`; the orchestrator waits for this line before it sends anything. Also makes
 * SIGTERM a normal exit, so that `node --cpu-prof` writes its profile (bench/server/profile.ts).
 */
export function announce(port: number): void {
  process.on('SIGTERM', () => process.exit(0))
  process.stdout.write(`${JSON.stringify({ port })}\n`)
}
