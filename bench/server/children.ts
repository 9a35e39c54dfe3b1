/**
 * The benchmark's child processes: started here, tracked, and killed when the benchmark ends by
 * any road — normal end, a thrown error, Ctrl-C or SIGTERM. Only processes this module started
 * are signalled, each by its own pid.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { cpus } from 'node:os'
import { ROOT } from './targets.ts'

const live = new Set<ChildProcess>()

function killAll(): void {
  for (const child of live) child.kill('SIGKILL')
  live.clear()
}

process.on('exit', killAll)
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killAll()
    process.exit(130)
  })
}

/**
 * The CPUs to pin the server and the load generator to (`taskset -c`, which execs the command, so
 * the pid stays the server's), or undefined on one core, without taskset, or with BENCH_PIN=0.
 * Pinning keeps every request crossing between the same two cores: unpinned, the scheduler
 * sometimes puts both processes on one core, where a round trip costs no cross-core wake-up, and
 * the one-connection cells swing by a factor of two from run to run.
 */
export function pinning(): { server: number; load: number } | undefined {
  const n = cpus().length
  if (process.env.BENCH_PIN === '0' || n < 2) return undefined
  if (spawnSync('taskset', ['-p', String(process.pid)]).status !== 0) return undefined
  return { server: n - 1, load: 0 }
}

/** `command args` run on `cpu` only, when `cpu` is given. */
export function onCpu(cpu: number | undefined, command: string, args: string[]): { command: string; args: string[] } {
  return cpu === undefined ? { command, args } : { command: 'taskset', args: ['-c', String(cpu), command, ...args] }
}

/** A started child and the tail of what it wrote to stderr. */
export interface Child {
  process: ChildProcess
  stderr(): string
}

/** Starts `command`, tracked until it exits; `input` gives it a stdin pipe. */
export function start(command: string, args: string[], input = false): Child {
  const child = spawn(command, args, { cwd: ROOT, stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'] })
  live.add(child)
  child.once('exit', () => live.delete(child))
  let err = ''
  child.stderr?.setEncoding('utf8')
  child.stderr?.on('data', (s: string) => (err = (err + s).slice(-2000)))
  return { process: child, stderr: () => err.trim() }
}

/** Each line `child` prints on stdout, as it comes. */
export function onLine(child: Child, f: (line: string) => void): void {
  let pending = ''
  child.process.stdout?.setEncoding('utf8')
  child.process.stdout?.on('data', (s: string) => {
    pending += s
    let nl: number
    while ((nl = pending.indexOf('\n')) >= 0) {
      f(pending.slice(0, nl))
      pending = pending.slice(nl + 1)
    }
  })
}

/** Resolves when `child` exits (at once if it has), or after `seconds`. */
export function exited(child: Child, seconds: number): Promise<boolean> {
  const p = child.process
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve(true)
  return new Promise((resolve) => {
    const onExit = () => {
      clearTimeout(timer)
      resolve(true)
    }
    const timer = setTimeout(() => {
      p.off('exit', onExit)
      resolve(false)
    }, seconds * 1000)
    p.once('exit', onExit)
  })
}

/** The port a target announces with its `{"port":N}` line; rejects if it exits or is silent. */
export function announcedPort(child: Child, seconds: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer)
      reject(new Error(`exited (${signal ?? code}) before announcing a port${tail(child)}`))
    }
    const timer = setTimeout(() => {
      child.process.off('exit', onExit)
      reject(new Error(`no port announced within ${seconds} s${tail(child)}`))
    }, seconds * 1000)
    onLine(child, (line) => {
      try {
        const { port } = JSON.parse(line) as { port?: unknown }
        if (typeof port === 'number' && port > 0) {
          clearTimeout(timer)
          child.process.off('exit', onExit)
          resolve(port)
        }
      } catch {
        // Not the announcement: a target may log before it.
      }
    })
    child.process.once('exit', onExit)
  })
}

function tail(child: Child): string {
  const err = child.stderr()
  return err ? `: ${err.split('\n').slice(-3).join(' | ')}` : ''
}

/** SIGTERM, then SIGKILL if `child` is still there a second later. */
export async function stop(child: Child): Promise<void> {
  if (await exited(child, 0)) return
  child.process.kill('SIGTERM')
  if (!(await exited(child, 1))) {
    child.process.kill('SIGKILL')
    await exited(child, 1)
  }
}
