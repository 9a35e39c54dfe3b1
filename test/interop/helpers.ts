/**
 * Interop test helpers: the independent peers (Debian's pymodbus and mbpoll) as child processes.
 * Every wait has a deadline that fails with a message; every process started here is killed when
 * the test process exits, even if an `after` hook never ran.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { Test } from 'uvu'
import * as assert from 'uvu/assert'

/** Debian's interpreter: another python3 on the PATH may not see python3-pymodbus. */
export const PYTHON = '/usr/bin/python3'

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url))

const live = new Set<ChildProcess>()
process.on('exit', () => {
  for (const p of live) p.kill('SIGKILL')
})

function run(file: string, args: string[], deadlineMs: number): Promise<{ code: number | null; stdout: string; stderr: string; error?: Error }> {
  return new Promise((resolve) => {
    const child = execFile(file, args, { timeout: deadlineMs, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      live.delete(child)
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : null) : 0
      resolve({ code, stdout, stderr, error: err && code === null ? err : undefined })
    })
    live.add(child)
  })
}

/**
 * Fails (never skips) when pymodbus is not importable by /usr/bin/python3. The client and the
 * server modules both import serial_asyncio, which Debian only recommends.
 */
export async function requirePymodbus(): Promise<void> {
  const r = await run(PYTHON, ['-c', 'import pymodbus, pymodbus.client, pymodbus.server; print(pymodbus.__version__)'], 15_000)
  if (r.code !== 0) {
    throw new Error(
      `pymodbus is not usable by ${PYTHON} (${(r.error?.message ?? r.stderr).trim().split('\n').pop()}). ` +
        '.ci/run installs the interop peers with apt-get: python3-pymodbus and python3-serial-asyncio (and socat, mbpoll).',
    )
  }
}

/** Fails (never skips) when mbpoll is not on the PATH. */
export async function requireMbpoll(): Promise<void> {
  const r = await run('mbpoll', ['-V'], 5_000)
  if (r.code === null) {
    throw new Error(`mbpoll is not on the PATH (${r.error?.message}). .ci/run installs the interop peers with apt-get: mbpoll (and socat, python3-pymodbus).`)
  }
}

/** A long-running fixture process and its output so far. */
export interface Fixture {
  proc: ChildProcess
  stdout(): string
  stderr(): string
  /** Resolves once the process has exited (at once if it already has). */
  exited(): Promise<void>
  /** SIGKILL, then waits for the exit. */
  kill(): Promise<void>
}

/**
 * Starts `python3 test/interop/fixtures/<script> ...args` and resolves once a stdout line matches
 * `ready`; rejects with both outputs if it exits first or the deadline passes.
 */
export function startFixture(script: string, args: string[], ready: RegExp, deadlineMs = 10_000): Promise<Fixture & { match: RegExpMatchArray }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(PYTHON, [FIXTURES + script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    live.add(proc)
    let out = ''
    let err = ''
    let settled = false
    const exit = new Promise<void>((done) => proc.once('exit', () => (live.delete(proc), done())))
    const fixture: Fixture = {
      proc,
      stdout: () => out,
      stderr: () => err,
      exited: () => exit,
      kill: () => {
        if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL')
        return exit
      },
    }
    const fail = (why: string) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      proc.kill('SIGKILL')
      reject(new Error(`${script} ${args.join(' ')}: ${why}\nstdout: ${out}\nstderr: ${err}`))
    }
    const timer = setTimeout(() => fail(`no line matching ${ready} within ${deadlineMs} ms`), deadlineMs)
    proc.on('error', (e) => fail(`cannot start ${PYTHON}: ${e.message}`))
    proc.once('exit', (code, signal) => fail(`exited (${code ?? signal}) before printing ${ready}`))
    proc.stderr!.on('data', (c: Buffer) => (err += c.toString()))
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString()
      const match = out.match(ready)
      if (match && !settled) {
        settled = true
        clearTimeout(timer)
        resolve({ ...fixture, match })
      }
    })
  })
}

/** One JSON line of test/interop/fixtures/pymodbus-client.py. */
export interface StepLine {
  step: string
  ok: boolean
  result?: any
  exception?: number
  function?: number
  error?: string
}

/**
 * Runs pymodbus-client.py to its end and returns its steps by name. Rejects (with the output) if
 * the script fails, runs past the deadline or does not print its closing `{"done": true}`.
 */
export async function runPymodbusClient(args: string[], deadlineMs = 20_000): Promise<Map<string, StepLine>> {
  const r = await run(PYTHON, [FIXTURES + 'pymodbus-client.py', ...args], deadlineMs)
  const lines = r.stdout.split('\n').filter((l) => l.trim() !== '')
  const why = r.code === null ? `did not finish within ${deadlineMs} ms (${r.error?.message})` : r.code !== 0 ? `exited with ${r.code}` : lines.at(-1) !== '{"done": true}' ? 'did not reach its end' : ''
  if (why) throw new Error(`pymodbus-client.py ${args.join(' ')} ${why}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`)
  const steps = new Map<string, StepLine>()
  for (const line of lines.slice(0, -1)) {
    const parsed = JSON.parse(line) as StepLine
    steps.set(parsed.step, parsed)
  }
  return steps
}

/** What one mbpoll run printed. */
export interface MbpollResult {
  code: number | null
  stdout: string
  stderr: string
  /** Decimal `[ref]: value` lines, by reference (the first number: 65535 of "65535 (-1)"); hex lines are left out. */
  values: Record<number, number>
}

/** Runs `mbpoll ...args` once (callers pass -1) and parses the values it printed. */
export async function mbpoll(args: string[], deadlineMs = 10_000): Promise<MbpollResult> {
  const r = await run('mbpoll', args, deadlineMs)
  if (r.code === null) throw new Error(`mbpoll ${args.join(' ')}: ${r.error?.message}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`)
  const values: Record<number, number> = {}
  for (const m of r.stdout.matchAll(/^\[(\d+)\]:\s+(-?\d+)(?![\dx])/gm)) values[Number(m[1])] = Number(m[2])
  return { code: r.code, stdout: r.stdout, stderr: r.stderr, values }
}

/**
 * uvu 0.5 swallows an error thrown by a `before` hook (its runner returns from a `finally`), so a
 * suite whose peer is missing would "pass" having run nothing. Instead `start` runs in `before`,
 * its error fails every test of the suite, and whatever it registered with `onClose` is released
 * in `after`, last registered first, whether `start` finished or not.
 */
export function setUp<T>(test: Test, start: (onClose: (close: () => unknown) => void) => Promise<T>): () => T {
  let value: T | undefined
  let error: unknown
  const closers: (() => unknown)[] = []
  test.before(async () => {
    try {
      value = await start((close) => closers.push(close))
    } catch (err) {
      error = err
    }
  })
  test.before.each(() => {
    if (error) throw error
  })
  test.after(async () => {
    let first: unknown
    for (const close of closers.reverse()) {
      try {
        await close()
      } catch (err) {
        first ??= err
      }
    }
    if (first) throw first
  })
  return () => value as T
}

/** Asserts that `p` rejects with an instance of `type`, then runs `check` on the error. */
export async function rejects<E>(p: Promise<unknown>, type: new (...args: any[]) => E, check?: (err: E) => void): Promise<void> {
  try {
    await p
  } catch (err) {
    assert.instance(err, type)
    check?.(err as E)
    return
  }
  assert.unreachable(`expected a rejection with ${type.name}`)
}
