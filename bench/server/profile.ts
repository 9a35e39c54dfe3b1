/**
 * Where modbridge's TCP server spends its time under the benchmark's load: runs the modbridge
 * target under `node --cpu-prof`, drives one cell with the load generator, and prints the
 * functions with the most self time, and the share of each source file. Time in system calls
 * shows as the native function that made them (a socket write as `writeBuffer`); `(idle)` is
 * time waiting in epoll. The profile covers the whole process, start-up included.
 *
 *   npx tsx bench/server/profile.ts [CONNECTIONS IN_FLIGHT [SECONDS]]     default 16 1 5
 *
 * The profile is kept in bench/.build/profiles/ (open it in Chrome DevTools for the call tree).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { join, relative } from 'node:path'
import { announcedPort, onCpu, pinning, start, stop } from './children.ts'
import { Generator } from './generator.ts'
import type { LoadReport } from './messages.ts'
import { clockTicks } from './proc-stat.ts'
import { nodeScript, ROOT } from './targets.ts'

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

const [connections = 16, inFlight = 1, seconds = 5] = process.argv.slice(2).map(Number)
const dir = join(ROOT, 'bench', '.build', 'profiles')
rmSync(dir, { recursive: true, force: true })
mkdirSync(dir, { recursive: true })

const pin = pinning()
const target = nodeScript('targets/modbridge.ts')
const server = onCpu(pin?.server, target.command, ['--cpu-prof', `--cpu-prof-dir=${dir}`, ...target.args])
const child = start(server.command, server.args)
try {
  const port = await announcedPort(child, 20)
  const generator = new Generator((command, args) => onCpu(pin?.load, command, args))
  let report: LoadReport
  try {
    report = await generator.send(
      { type: 'run', port, serverPid: child.process.pid as number, clockTicks: clockTicks(), cell: { connections, inFlight }, warmup: 1, seconds },
      seconds + 30,
    )
  } finally {
    await generator.close()
  }
  if (report.type !== 'cell') throw new Error(`no figures: ${JSON.stringify(report)}`)
  console.log(
    `${connections}c×${inFlight}: ${Math.round(report.requests / report.elapsed)} req/s, ` +
      `${((report.serverCpu * 1e6) / report.requests).toFixed(1)} µs server CPU per request (profiler on)`,
  )
} finally {
  await stop(child)
}

const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))
if (!file) throw new Error(`no profile written in ${dir}`)
const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile
const self = new Map<number, number>()
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)))
const total = [...self.values()].reduce((a, b) => a + b, 0)
const byFunction = new Map<string, number>()
const byFile = new Map<string, number>()
for (const node of profile.nodes) {
  const t = self.get(node.id) ?? 0
  if (t === 0) continue
  const { functionName, url } = node.callFrame
  const path = url.startsWith('file://') ? relative(ROOT, new URL(url).pathname) : url || '(native)'
  // No line numbers: under tsx the profile's lines are those of the transformed module.
  const name = `${functionName || '(anonymous)'}  ${path}`
  byFunction.set(name, (byFunction.get(name) ?? 0) + t)
  byFile.set(path, (byFile.get(path) ?? 0) + t)
}
const top = (m: Map<string, number>, n: number) =>
  [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, t]) => `${((100 * t) / total).toFixed(1).padStart(5)}%  ${k}`)
console.log(`\nself time by function (of ${(total / 1e6).toFixed(2)} s sampled):`)
console.log(top(byFunction, 30).join('\n'))
console.log('\nself time by file:')
console.log(top(byFile, 20).join('\n'))
console.log(`\nprofile: ${relative(ROOT, join(dir, file))}`)
