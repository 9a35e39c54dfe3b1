/**
 * Start-up time of the modbridge command (npm run bench:start): the wall time from spawning the
 * process to its exit, for `--help`, `--version` and a one-shot `read holding` against a local
 * simulator, run from the built package (dist/, what `npm install -g modbridge` runs) and through
 * tsx (cli/modbridge.js, the development launcher), beside a bare `node -e 0` for the floor.
 *
 * Each command runs RUNS times (default 20; MODBRIDGE_BENCH_RUNS), the variants interleaved so a
 * drift in machine load touches all alike; the figures are the median and the fastest run, ms.
 * dist/ is built first when it is missing (npm run build).
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { buildDevices, createServer, defaultDeviceFile } from '../core/index.ts'

const ROOT = fileURLToPath(new URL('../', import.meta.url))
const RUNS = Number(process.env.MODBRIDGE_BENCH_RUNS ?? 20)

if (!existsSync(`${ROOT}dist/cli/main.js`)) {
  const built = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' })
  if (built.status !== 0) process.exit(1)
}

const { context } = buildDevices(defaultDeviceFile())
const server = createServer('tcp://127.0.0.1:0', { context })
const target = await server.listen()

interface Variant {
  name: string
  argv: string[]
}

const read = ['read', 'holding', '--target', target, '--quantity', '10']
const variants: Variant[] = [
  { name: 'node -e 0 (the floor)', argv: ['-e', '0'] },
  { name: 'built: modbridge --help', argv: ['dist/cli/main.js', '--help'] },
  { name: 'built: modbridge --version', argv: ['dist/cli/main.js', '--version'] },
  { name: 'built: modbridge read holding (one request)', argv: ['dist/cli/main.js', ...read] },
  { name: 'tsx: modbridge --help', argv: ['cli/modbridge.js', '--help'] },
  { name: 'tsx: modbridge read holding (one request)', argv: ['cli/modbridge.js', ...read] },
]

/** Runs the command once (asynchronously, so the simulator in this process can answer) and returns its wall time in ms. */
async function once(v: Variant): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint()
    const child = spawn(process.execPath, v.argv, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] })
    let err = ''
    child.stderr.on('data', (c: Buffer) => (err += c.toString()))
    child.on('exit', (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6
      if (code !== 0) reject(new RangeError(`${v.argv.join(' ')} exited ${code}: ${err}`))
      else resolve(ms)
    })
  })
}

const times = new Map<string, number[]>(variants.map((v) => [v.name, []]))
for (const v of variants) await once(v) // warm the file cache
for (let i = 0; i < RUNS; i++) for (const v of variants) times.get(v.name)!.push(await once(v))
await server.close()

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
console.log(`start-up, ${RUNS} runs each, Node ${process.version}; wall time from spawn to exit, ms\n`)
console.log('| command | median | fastest |')
console.log('| --- | ---: | ---: |')
for (const v of variants) {
  const xs = times.get(v.name)!
  console.log(`| ${v.name} | ${median(xs).toFixed(0)} | ${Math.min(...xs).toFixed(0)} |`)
}
