/**
 * Where the gateway's time goes when it forwards TCP to TCP: the gateway in this process in front
 * of the libmodbus server, the load generator in its own, one cell, pinned as bench:proxy pins them. Prints the gateway's CPU per
 * request split into user and system time, its system calls per request (strace -c -f, a window
 * of its own since strace slows every call; skipped without strace or permission to attach), and
 * — from a CPU profile of the measured window taken through node:inspector — the functions and
 * files with the most self time. Time in system calls shows as the native function that made them
 * (a socket write as `writeBuffer` or `writev`); `(idle)` is time waiting in epoll.
 *
 *   npx tsx bench/proxy/profile.ts [CONNECTIONS IN_FLIGHT [SECONDS]]     default 16 8 4
 *   BENCH_PROFILE_RELAY=socat …      the syscall count of socat instead (no profile)
 */
import { spawn } from 'node:child_process'
import { Session } from 'node:inspector/promises'
import { relative } from 'node:path'
import { onCpu, pinning } from '../server/children.ts'
import { Generator } from '../server/generator.ts'
import type { LoadReport } from '../server/messages.ts'
import { clockTicks } from '../server/proc-stat.ts'
import { ROOT } from '../server/targets.ts'
import { startGateway, startLibmodbus, startSocat, type Relay } from './relays.ts'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string }
  children?: number[]
}
interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

const [connections = 16, inFlight = 8, seconds = 4] = process.argv.slice(2).map(Number)
const cell = { connections, inFlight }
const relayName = process.env.BENCH_PROFILE_RELAY === 'socat' ? 'socat' : 'gateway'
const pin = pinning()
const server = await startLibmodbus(pin?.server)
const relay: Relay = relayName === 'socat' ? await startSocat(server, pin?.server) : await startGateway(server, pin?.server)
const generator = new Generator((command, args) => onCpu(pin?.load, command, args))
const sleep = (s: number) => new Promise((resolve) => setTimeout(resolve, s * 1000))

async function run(warmup: number, window: number): Promise<LoadReport> {
  const report = await generator.send(
    { type: 'run', port: relay.port, serverPid: server.pid, clockTicks: clockTicks(), cell, warmup, seconds: window, ...(relay.cpu ? { relay: relay.cpu } : {}) },
    window + warmup + 30,
  )
  if (report.type !== 'cell') throw new Error(`no figures: ${JSON.stringify(report)}`)
  return report
}

/** Counts system calls of the relay (and its forks) over one window with strace -c. */
async function syscalls(): Promise<string> {
  const pid = relay.cpu!.pid
  const tracer = spawn('strace', ['-c', '-f', '-p', String(pid)], { stdio: ['ignore', 'ignore', 'pipe'] })
  let text = ''
  tracer.stderr.on('data', (b: Buffer) => (text += b.toString()))
  const started = await Promise.race([
    new Promise<boolean>((resolve) => tracer.once('error', () => resolve(false))),
    sleep(1).then(() => tracer.exitCode === null),
  ])
  if (!started) return `strace not usable: ${text.trim() || 'not installed'}`
  const report = await run(0.2, 2)
  tracer.kill('SIGINT')
  await new Promise((resolve) => tracer.once('exit', resolve))
  if (report.type !== 'cell') return 'no figures'
  const lines = text.split('\n').filter((l) => /^\s*[\d.]+\s+[\d.]+\s+\d+\s+\d+/.test(l))
  const rows = lines.map((l) => {
    const f = l.trim().split(/\s+/)
    return { calls: Number(f[3]), name: f[f.length - 1] }
  })
  rows.sort((a, b) => b.calls - a.calls)
  const perRequest = rows.slice(0, 8).map((r) => `${r.name} ${(r.calls / report.requests).toFixed(2)}`)
  return `${report.requests} requests under strace (${Math.round(report.requests / report.elapsed)} req/s); system calls per request: ${perRequest.join(', ')}`
}

try {
  await run(1, 0)
  const own0 = process.cpuUsage()
  let profile: Profile | undefined
  const session = new Session()
  if (relayName === 'gateway') {
    session.connect()
    await session.post('Profiler.enable')
    await session.post('Profiler.setSamplingInterval', { interval: 100 })
  }
  const warmup = 0.5
  const pending = run(warmup, seconds)
  await sleep(warmup)
  if (relayName === 'gateway') await session.post('Profiler.start')
  const report = await pending
  if (relayName === 'gateway') profile = ((await session.post('Profiler.stop')) as { profile: Profile }).profile
  const own = process.cpuUsage(own0)
  if (report.type !== 'cell') throw new Error('no figures')
  const rps = report.requests / report.elapsed
  console.log(`${relayName} ${connections}×${inFlight}: ${Math.round(rps)} req/s (profiler ${relayName === 'gateway' ? 'on' : 'off'}), p50 ${report.p50.toFixed(0)} µs, p99 ${report.p99.toFixed(0)} µs`)
  console.log(`${relayName} CPU per request: ${(((report.relayCpu ?? NaN) * 1e6) / report.requests).toFixed(1)} µs; libmodbus ${((report.serverCpu * 1e6) / report.requests).toFixed(1)} µs`)
  if (relayName === 'gateway') {
    // The window is warm-up plus measured time; cpuUsage spans both and the drain, so the split is a share, not µs/req.
    const total = own.user + own.system
    console.log(`gateway process user / system time: ${((100 * own.user) / total).toFixed(0)}% / ${((100 * own.system) / total).toFixed(0)}%`)
  }
  console.log(await syscalls())
  if (profile) {
    const self = new Map<number, number>()
    profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile!.timeDeltas[i] ?? 0)))
    const total = [...self.values()].reduce((a, b) => a + b, 0)
    const byFunction = new Map<string, number>()
    const byFile = new Map<string, number>()
    for (const node of profile.nodes) {
      const t = self.get(node.id) ?? 0
      if (t === 0) continue
      const { functionName, url } = node.callFrame
      const path = url.startsWith('file://') ? relative(ROOT, new URL(url).pathname) : url || '(native)'
      const name = `${path}:${functionName || '(anonymous)'}`
      byFunction.set(name, (byFunction.get(name) ?? 0) + t)
      byFile.set(path, (byFile.get(path) ?? 0) + t)
    }
    const top = (m: Map<string, number>, n: number) =>
      [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, t]) => `${((100 * t) / total).toFixed(1).padStart(5)}%  ${k}`)
    console.log(`\nself time by function (${(total / 1e6).toFixed(2)} s sampled, ${(total / report.requests).toFixed(1)} µs of wall time per request):`)
    console.log(top(byFunction, 40).join('\n'))
    console.log('\nself time by file:')
    console.log(top(byFile, 25).join('\n'))
    // Each sample charged to the innermost proxy/ or core/ function on its stack: that function's
    // own work plus the Node and native work it called (a socket write, a Buffer copy, a timer).
    const parent = new Map<number, ProfileNode>()
    const byId = new Map<number, ProfileNode>()
    for (const node of profile.nodes) {
      byId.set(node.id, node)
      for (const c of node.children ?? []) parent.set(c, node)
    }
    const ours = (node: ProfileNode) => node.callFrame.url.startsWith('file://') && /^(proxy|core)\//.test(relative(ROOT, new URL(node.callFrame.url).pathname))
    const where = (node: ProfileNode) => `${relative(ROOT, new URL(node.callFrame.url).pathname)}:${node.callFrame.functionName || '(anonymous)'}`
    const leaves = new Map<string, Map<string, number>>()
    const charged = new Map<string, number>()
    for (const [id, t] of self) {
      let node = byId.get(id)
      while (node && !ours(node)) node = parent.get(node.id)
      const name = node ? where(node) : `outside proxy/ and core/: ${byId.get(id)?.callFrame.functionName || '(anonymous)'}`
      charged.set(name, (charged.get(name) ?? 0) + t)
      const leaf = byId.get(id)?.callFrame.functionName || '(anonymous)'
      const m = leaves.get(name) ?? new Map<string, number>()
      m.set(leaf, (m.get(leaf) ?? 0) + t)
      leaves.set(name, m)
    }
    console.log('\ntime charged to the innermost proxy/ or core/ function on the stack (its own work plus what it called),')
    console.log('with the functions whose self time it is (anonymous functions: tsx output has no usable line numbers):')
    for (const line of top(charged, 20)) {
      const name = line.slice(line.indexOf('%') + 3)
      const parts = [...(leaves.get(name) ?? [])].sort((x, y) => y[1] - x[1]).slice(0, 4)
      console.log(name.startsWith('outside') ? line : `${line}   ← ${parts.map(([f, t]) => `${f} ${((100 * t) / total).toFixed(1)}%`).join(', ')}`)
    }
  }
  session.disconnect()
} finally {
  await generator.close()
  await relay.close()
  await server.close()
}
