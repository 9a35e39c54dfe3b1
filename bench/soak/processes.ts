/**
 * The soak's child processes, each started through bench/server/children.ts (tracked, and killed
 * when the soak ends by any road): socat PTY pairs under fixed link names, and the gateway
 * (`modbridge proxy --config`, run by node itself so the pid whose memory is read is the gateway's).
 */
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { onLine, start, stop, type Child } from '../server/children.ts'
import { ROOT } from '../server/targets.ts'

/** Resolves once `child` has written text matching `pattern` on stderr. */
function stderrMatch(child: Child, pattern: RegExp, seconds: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`${what}: nothing within ${seconds} s: ${child.stderr()}`)), seconds * 1000)
    const check = () => pattern.test(child.stderr()) && done()
    const onExit = (code: number | null, signal: string | null) => done(new Error(`${what} exited (${signal ?? code}): ${child.stderr()}`))
    const done = (err?: Error) => {
      clearTimeout(timer)
      child.process.stderr?.off('data', check)
      child.process.off('exit', onExit)
      if (err) reject(err)
      else resolve()
    }
    child.process.stderr?.on('data', check)
    child.process.once('exit', onExit)
    check()
  })
}

/** A socat PTY pair whose ends are the symlinks `gatewayEnd` and `deviceEnd`. */
export interface PtyPair {
  child: Child
  /** Kills socat (SIGTERM: it removes its links) and removes any link left behind. */
  remove(): Promise<void>
}

/** Starts `socat -d -d pty,raw,echo=0,link=A pty,raw,echo=0,link=B`; resolves once it relays. */
export async function startPtyPair(gatewayEnd: string, deviceEnd: string): Promise<PtyPair> {
  rmSync(gatewayEnd, { force: true })
  rmSync(deviceEnd, { force: true })
  const child = start('socat', ['-d', '-d', `pty,raw,echo=0,link=${gatewayEnd}`, `pty,raw,echo=0,link=${deviceEnd}`])
  const remove = async () => {
    await stop(child)
    rmSync(gatewayEnd, { force: true })
    rmSync(deviceEnd, { force: true })
  }
  try {
    await stderrMatch(child, /starting data transfer loop/, 5, 'socat')
  } catch (err) {
    await remove()
    throw err
  }
  return { child, remove }
}

/** The running gateway process. */
export interface GatewayProcess {
  child: Child
  port: number
  /** Resident set size now, in KiB (/proc/<pid>/status VmRSS), or NaN once it has exited. */
  rssKiB(): number
}

/**
 * Starts `node --import tsx cli/main.ts proxy --config <file>` and waits for its TCP address;
 * every line it logs goes to `onLog`.
 */
export function startGatewayProcess(configFile: string, onLog: (line: string) => void, seconds = 30): Promise<GatewayProcess> {
  const child = start(process.execPath, ['--import', 'tsx', join(ROOT, 'cli', 'main.ts'), 'proxy', '--config', configFile])
  const pid = child.process.pid as number
  const rssKiB = () => {
    try {
      const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'latin1'))
      return m ? Number(m[1]) : NaN
    } catch {
      return NaN
    }
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`the gateway did not listen within ${seconds} s: ${child.stderr()}`)), seconds * 1000)
    const onExit = (code: number | null) => fail(new Error(`the gateway exited (${code}): ${child.stderr()}`))
    const fail = (err: Error) => {
      clearTimeout(timer)
      child.process.off('exit', onExit)
      void stop(child).then(() => reject(err))
    }
    child.process.once('exit', onExit)
    onLine(child, (line) => {
      onLog(line)
      const m = /gateway listening on tcp:\/\/127\.0\.0\.1:(\d+)/.exec(line)
      if (!m) return
      clearTimeout(timer)
      child.process.off('exit', onExit)
      resolve({ child, port: Number(m[1]), rssKiB })
    })
  })
}
