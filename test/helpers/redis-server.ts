/**
 * A real Debian `redis-server` on a free loopback port, with persistence off, for the Redis store's
 * tests. It can be stopped and started again on the same port (Redis going away mid-run), and every
 * process it starts is killed when the test process exits.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { unusedPort } from './ports.ts'

/** A running (or stopped, restartable) redis-server. */
export interface RedisServer {
  readonly port: number
  /** redis://127.0.0.1:PORT/0 */
  readonly url: string
  /** Stops the server (SIGKILL: Redis vanishes as a crash would); resolves once it has exited. */
  stop(): Promise<void>
  /** Starts it again on the same port; resolves once it accepts connections. */
  start(): Promise<void>
  /** Freezes the process (SIGSTOP): connections stay open and nothing is answered, as with a stuck server. */
  freeze(): void
  /** Lets a frozen process run again (SIGCONT). */
  thaw(): void
}

const live = new Set<ChildProcess>()
process.on('exit', () => {
  for (const p of live) p.kill('SIGKILL')
})

/** Runs redis-server on `port` and resolves once it logs that it accepts connections. */
function run(port: number, deadlineMs: number): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', '/tmp', '--loglevel', 'notice']
    const proc = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] })
    live.add(proc)
    let text = ''
    const timer = setTimeout(() => {
      proc.kill('SIGKILL')
      reject(new Error(`redis-server on port ${port} was not ready within ${deadlineMs} ms: ${text}`))
    }, deadlineMs)
    proc.on('error', (err) => {
      clearTimeout(timer)
      live.delete(proc)
      reject(new Error(`cannot run redis-server (is it installed? .ci/run installs it): ${err.message}`))
    })
    proc.on('exit', (code) => {
      live.delete(proc)
      clearTimeout(timer)
      reject(new Error(`redis-server on port ${port} exited (${code}) before it was ready: ${text}`))
    })
    const seen = (chunk: Buffer) => {
      text += chunk.toString()
      if (/Ready to accept connections/.test(text)) {
        clearTimeout(timer)
        proc.removeAllListeners('exit')
        proc.on('exit', () => live.delete(proc))
        resolve(proc)
      }
    }
    proc.stdout!.on('data', seen)
    proc.stderr!.on('data', seen)
  })
}

/** Starts redis-server on a free loopback port (a few attempts, should another process take the port first). */
export async function startRedis(deadlineMs = 10_000): Promise<RedisServer> {
  let lastError: unknown
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await unusedPort()
    let proc: ChildProcess | undefined
    try {
      proc = await run(port, deadlineMs)
    } catch (err) {
      lastError = err
      continue
    }
    const server: RedisServer = {
      port,
      url: `redis://127.0.0.1:${port}/0`,
      stop: () =>
        new Promise<void>((done) => {
          const p = proc
          proc = undefined
          if (!p || p.exitCode !== null || p.signalCode !== null) return done()
          p.once('exit', () => done())
          p.kill('SIGKILL')
          p.kill('SIGCONT')
        }),
      start: async () => {
        if (proc) return
        proc = await run(port, deadlineMs)
      },
      freeze: () => void proc?.kill('SIGSTOP'),
      thaw: () => void proc?.kill('SIGCONT'),
    }
    return server
  }
  throw lastError
}
