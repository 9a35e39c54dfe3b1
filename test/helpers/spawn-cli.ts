/** Starts a long-running `modbridge` command (serve, proxy) and waits for a line of its output. */
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const BIN = fileURLToPath(new URL('../../cli/modbridge.js', import.meta.url))

/** A running CLI process. */
export interface RunningCli {
  proc: ChildProcess
  output(): string
  stop(): Promise<void>
}

/** Spawns `modbridge ...args` and resolves once stdout matches `ready` (rejects after the deadline). */
export function startCli(args: string[], ready: RegExp, deadlineMs = 15000): Promise<RunningCli & { match: RegExpMatchArray }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    const timer = setTimeout(() => {
      proc.kill('SIGKILL')
      reject(new Error(`modbridge ${args.join(' ')} did not print ${ready} within ${deadlineMs} ms\nstdout: ${out}\nstderr: ${err}`))
    }, deadlineMs)
    proc.stderr!.on('data', (c: Buffer) => (err += c.toString()))
    proc.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`modbridge ${args.join(' ')} exited with ${code}\nstdout: ${out}\nstderr: ${err}`))
    })
    let isReady = false
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString()
      // Once ready, later output only accumulates: the exit listeners stop() adds must stay.
      const match = isReady ? null : out.match(ready)
      if (match) {
        isReady = true
        clearTimeout(timer)
        proc.removeAllListeners('exit')
        resolve({
          proc,
          match,
          output: () => out,
          stop: () =>
            new Promise<void>((done) => {
              if (proc.exitCode !== null || proc.signalCode !== null) return done()
              proc.once('exit', () => done())
              proc.kill('SIGTERM')
            }),
        })
      }
    })
  })
}
