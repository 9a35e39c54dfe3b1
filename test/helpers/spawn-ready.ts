/** Starts a program and waits, with a deadline, for a line of its output: for test fixtures built at test time. */
import { spawn } from 'node:child_process'

/** Starts `binary` and resolves with the first stdout match of `ready`; `onClose` gets its stopper. */
export function startUntilReady(binary: string, args: string[], ready: RegExp, onClose: (close: () => unknown) => void, deadlineMs = 10_000): Promise<RegExpMatchArray> {
  const proc = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  onClose(() => new Promise<void>((done) => (proc.exitCode !== null || proc.signalCode !== null ? done() : (proc.once('exit', () => done()), proc.kill('SIGKILL')))))
  let out = ''
  let err = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${binary} ${args.join(' ')}: no ${ready} within ${deadlineMs} ms\n${out}\n${err}`)), deadlineMs)
    proc.stderr!.on('data', (c: Buffer) => (err += c.toString()))
    proc.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${binary} ${args.join(' ')} exited (${code})\n${out}\n${err}`))
    })
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString()
      const m = out.match(ready)
      if (m) {
        clearTimeout(timer)
        resolve(m)
      }
    })
  })
}
