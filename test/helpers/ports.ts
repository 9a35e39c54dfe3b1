/** Loopback ports for tests. */
import { createServer } from 'node:net'

/** A loopback TCP port free a moment ago (bound, then released): a port nobody listens on, or one to hand a server. */
export function unusedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })
}
