/**
 * The orchestrator's handle on the load generator process (load.ts): one process for the whole
 * run, so every server meets the same warmed-up generator. Commands go one at a time.
 */
import { exited, onLine, start, stop, type Child } from './children.ts'
import type { LoadCommand, LoadReport } from './messages.ts'
import { nodeScript } from './targets.ts'

/** A running load generator. */
export class Generator {
  private readonly child: Child
  private waiting: ((r: LoadReport) => void) | undefined

  /** Starts load.ts through `wrap` (which may pin it to a CPU). */
  constructor(wrap: (command: string, args: string[]) => { command: string; args: string[] }) {
    const script = nodeScript('load.ts')
    const { command, args } = wrap(script.command, script.args)
    this.child = start(command, args, true)
    onLine(this.child, (line) => {
      const resolve = this.waiting
      this.waiting = undefined
      resolve?.(JSON.parse(line) as LoadReport)
    })
  }

  /** Sends one command; resolves with its report, or a `fail` report after `seconds`. */
  send(command: LoadCommand, seconds: number): Promise<LoadReport> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting = undefined
        resolve({ type: 'fail', error: `no report from the load generator within ${seconds} s: ${this.child.stderr()}` })
      }, seconds * 1000)
      this.waiting = (r) => {
        clearTimeout(timer)
        resolve(r)
      }
      this.child.process.stdin?.write(`${JSON.stringify(command)}\n`)
    })
  }

  /** Ends the generator (stdin closed, then signals if it lingers). */
  async close(): Promise<void> {
    this.child.process.stdin?.end()
    await exited(this.child, 2)
    await stop(this.child)
  }
}
