/**
 * Real kernel PTY pairs made by socat: what one end writes, the other reads, through the
 * kernel's tty layer, opened with `serialport` like any serial port.
 */
import { spawn, type ChildProcess } from 'node:child_process'

/** One PTY pair and the socat process behind it. */
export interface PtyPair {
  a: string
  b: string
  close(): Promise<void>
}

const live = new Set<ChildProcess>()
process.on('exit', () => {
  for (const p of live) p.kill('SIGKILL')
})

/**
 * Starts `socat pty,raw,echo=0 pty,raw,echo=0` and resolves with the two device paths. With `links`,
 * each end also gets a stable symlink, so a test can stop socat (the port vanishes) and start it
 * again under the same names (the port returns).
 */
export function ptyPair(links?: { a: string; b: string }, deadlineMs = 5000): Promise<PtyPair> {
  return new Promise((resolve, reject) => {
    const end = (link?: string) => `pty,raw,echo=0${link ? `,link=${link}` : ''}`
    const proc = spawn('socat', ['-d', '-d', end(links?.a), end(links?.b)], { stdio: ['ignore', 'ignore', 'pipe'] })
    live.add(proc)
    const paths: string[] = []
    let text = ''
    const timer = setTimeout(() => {
      proc.kill('SIGKILL')
      reject(new Error(`socat did not report two PTYs within ${deadlineMs} ms: ${text}`))
    }, deadlineMs)
    proc.on('error', (err) => {
      clearTimeout(timer)
      reject(new Error(`cannot run socat (is it installed? .ci/run installs it): ${err.message}`))
    })
    proc.stderr!.on('data', (chunk: Buffer) => {
      text += chunk.toString()
      for (const m of text.matchAll(/PTY is (\S+)/g)) if (!paths.includes(m[1])) paths.push(m[1])
      if (paths.length === 2 && /starting data transfer loop/.test(text)) {
        clearTimeout(timer)
        resolve({
          a: links?.a ?? paths[0],
          b: links?.b ?? paths[1],
          close: () =>
            new Promise<void>((done) => {
              live.delete(proc)
              if (proc.exitCode !== null) return done()
              proc.once('exit', () => done())
              proc.kill('SIGTERM')
            }),
        })
      }
    })
  })
}
