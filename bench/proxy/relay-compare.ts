/**
 * bench:proxy's TCP-to-TCP comparison: the gateway against socat (a plain byte relay) in front of
 * the same libmodbus TCP server, and the server reached directly, under the same load generator
 * (bench/server/load.ts, a process of its own): C connections × K requests in flight, each a Read
 * Holding Registers of 10 registers with MBAP, replies matched by transaction id and checked byte
 * for byte; exception replies and wrong replies are counted apart and are not successes.
 *
 * Each cell is measured in several rounds; in every round each path runs the cell in turn (the
 * order rotates), so drift in what the machine does meanwhile falls on all of them alike. Figures
 * are medians over the rounds. CPU per request is the relay process's utime + stime over the
 * window (socat: the listener and its per-connection forks; the gateway: this process, whose only
 * other work is waiting for the generator's report) ÷ correct replies.
 */
import { median } from '../measure.ts'
import { onCpu, pinning } from '../server/children.ts'
import { Generator } from '../server/generator.ts'
import type { CellReport, LoadCommand, LoadReport } from '../server/messages.ts'
import { clockTicks } from '../server/proc-stat.ts'
import { libmodbusVersion } from '../server/targets.ts'
import type { Cell } from '../server/workload.ts'
import { direct, startGateway, startLibmodbus, startSocat, type DeviceServer, type Relay } from './relays.ts'

/** The cells of the comparison: connections × requests in flight per connection. */
export const RELAY_CELLS: readonly Cell[] = [
  { connections: 1, inFlight: 1 },
  { connections: 8, inFlight: 8 },
  { connections: 16, inFlight: 8 },
]

/** Aims of the issue: gateway req/s ≥ socat's at 8×8 and 16×8; gateway p50 − socat p50 ≤ 50 µs at 1×1. */
const AIM_RATIO = 1
const AIM_ADDED_US = 50

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 1.5)
const WARMUP = Number(process.env.BENCH_WARMUP ?? 0.5)

/** One path × cell over its rounds. */
interface Summary {
  rate: number
  p50: number
  p99: number
  cpuPerRequest: number
  serverCpuPerRequest: number
  /** Cores the rest of the machine kept busy meanwhile (other processes, unattributed kernel work). */
  otherShare: number
  exceptions: Record<string, number>
  wrong: number
  /** Socket faults and anything else counted in `errors` beyond exceptions and wrong replies. */
  otherErrors: number
  firstError?: string
}

function summarize(windows: CellReport[]): Summary {
  const exceptions: Record<string, number> = {}
  let wrong = 0
  let errors = 0
  for (const w of windows) {
    for (const [code, n] of Object.entries(w.exceptions)) exceptions[code] = (exceptions[code] ?? 0) + n
    wrong += w.wrong
    errors += w.errors
  }
  const excepted = Object.values(exceptions).reduce((a, b) => a + b, 0)
  const answered = windows.filter((w) => w.requests > 0)
  return {
    rate: median(windows.map((w) => w.requests / w.elapsed)),
    p50: answered.length ? median(answered.map((w) => w.p50)) : NaN,
    p99: answered.length ? median(answered.map((w) => w.p99)) : NaN,
    cpuPerRequest: answered.length ? median(answered.map((w) => ((w.relayCpu ?? NaN) * 1e6) / w.requests)) : NaN,
    serverCpuPerRequest: answered.length ? median(answered.map((w) => (w.serverCpu * 1e6) / w.requests)) : NaN,
    otherShare: windows.length ? median(windows.map((w) => Math.max(0, w.machineBusy - w.serverCpu - w.loadCpu - (w.relayCpu ?? 0)) / w.elapsed)) : NaN,
    exceptions,
    wrong,
    otherErrors: errors - excepted - wrong,
    firstError: windows.find((w) => w.firstError)?.firstError,
  }
}

const label = (c: Cell) => `${c.connections}×${c.inFlight}`
const num = (x: number, digits = 0) => (Number.isFinite(x) ? x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '—')
const exceptionText = (e: Record<string, number>) => {
  const parts = Object.entries(e).map(([code, n]) => `${code}:${n}`)
  return parts.length ? parts.join(' ') : '0'
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)]
}

/** Runs the comparison; returns the lines to print and the aims missed. */
export async function compareRelays(log: (line: string) => void): Promise<{ lines: string[]; misses: string[] }> {
  const pin = pinning()
  let server: DeviceServer
  try {
    server = await startLibmodbus(pin?.server)
  } catch (err) {
    return { lines: [`skipped: ${(err as Error).message}`], misses: ['TCP-to-TCP comparison not run'] }
  }
  const ticks = clockTicks()
  const relays: Relay[] = []
  const generator = new Generator((command, args) => onCpu(pin?.load, command, args))
  const windows = new Map<string, CellReport[]>()
  const notes: string[] = []
  try {
    relays.push(direct(server), await startSocat(server, pin?.server))
    const gateway = await startGateway(server, pin?.server)
    relays.push(gateway)
    const send = async (command: LoadCommand): Promise<LoadReport> => {
      const report = await generator.send(command, 20 + WARMUP + SECONDS)
      if (report.type === 'fail') throw new Error(`load generator: ${report.error}`)
      return report
    }
    for (const r of relays) {
      const check = await send({ type: 'verify', port: r.port })
      if (check.type !== 'verify' || !check.ok) throw new Error(`${r.name} failed the check: ${check.type === 'verify' ? check.error : check.type}`)
      notes.push(`${r.name}: 8 pipelined replies came back ${check.order}`)
    }
    const run = (r: Relay, cell: Cell, warmup: number, seconds: number) =>
      send({ type: 'run', port: r.port, serverPid: server.pid, clockTicks: ticks, cell, warmup, seconds, ...(r.cpu ? { relay: r.cpu } : {}) })
    for (const r of relays) await run(r, RELAY_CELLS[RELAY_CELLS.length - 1], 1, 0)
    const bus = gateway.gateway.buses.get('dev')!
    const before = bus.stats()
    for (let round = 0; round < ROUNDS; round++) {
      log(`TCP-to-TCP round ${round + 1} of ${ROUNDS}`)
      for (const cell of RELAY_CELLS) {
        for (let k = 0; k < relays.length; k++) {
          const r = relays[(k + round) % relays.length]
          const report = await run(r, cell, WARMUP, SECONDS)
          if (report.type !== 'cell') throw new Error(`${r.name} ${label(cell)}: no figures`)
          const key = `${r.name} ${label(cell)}`
          windows.set(key, [...(windows.get(key) ?? []), report])
        }
      }
    }
    const after = bus.stats()
    notes.push(
      `gateway bus over the rounds (warm-ups included): ${after.transactions - before.transactions} transactions, ${after.timeouts - before.timeouts} timeouts, ` +
        `${after.rejectedQueueFull - before.rejectedQueueFull} refused (queue share full), ${after.expiredInQueue - before.expiredInQueue} expired in the queue, ` +
        `${after.transportErrors - before.transportErrors} transport errors, ${after.discarded - before.discarded} stray frames`,
    )
  } finally {
    await generator.close()
    for (const r of relays) await r.close()
    await server.close()
  }
  const get = (name: string, cell: Cell) => summarize(windows.get(`${name} ${label(cell)}`) ?? [])
  const misses: string[] = []
  const rows = RELAY_CELLS.map((cell) => {
    const d = get('direct', cell)
    const s = get('socat', cell)
    const g = get('gateway', cell)
    const ratio = g.rate / s.rate
    if (cell.connections > 1 && !(ratio >= AIM_RATIO)) misses.push(`TCP-to-TCP ${label(cell)}: gateway ${ratio.toFixed(2)} × socat's req/s (aim ≥ ${AIM_RATIO})`)
    for (const [name, x] of [['socat', s], ['gateway', g]] as const) {
      if (x.wrong > 0 || x.otherErrors > 0 || Object.keys(x.exceptions).length > 0) {
        misses.push(`TCP-to-TCP ${label(cell)}: ${name} had ${exceptionText(x.exceptions)} exceptions, ${x.wrong} wrong replies, ${x.otherErrors} socket faults (${x.firstError})`)
      }
    }
    return [
      label(cell),
      num(d.rate),
      num(s.rate),
      num(g.rate),
      ratio.toFixed(2),
      num(d.p50),
      `${num(s.p50)} / ${num(s.p99)}`,
      `${num(g.p50)} / ${num(g.p99)}`,
      num(s.cpuPerRequest, 1),
      num(g.cpuPerRequest, 1),
      `${num(g.serverCpuPerRequest, 1)} / ${num(s.serverCpuPerRequest, 1)}`,
      `${num(s.otherShare * 100)}% / ${num(g.otherShare * 100)}%`,
      `${exceptionText(s.exceptions)} / ${exceptionText(g.exceptions)}`,
      `${s.wrong} / ${g.wrong}`,
    ]
  })
  const one = RELAY_CELLS[0]
  const added = get('gateway', one).p50 - get('socat', one).p50
  if (!(added <= AIM_ADDED_US)) misses.push(`TCP-to-TCP ${label(one)}: gateway adds ${num(added)} µs at p50 over socat (aim ≤ ${AIM_ADDED_US} µs)`)
  const lines = [
    ...table(
      ['cell', 'direct req/s', 'socat req/s', 'gateway req/s', 'gw/socat', 'direct p50', 'socat p50/p99 µs', 'gateway p50/p99 µs', 'socat CPU µs/req', 'gw CPU µs/req', 'server CPU gw/socat', 'other CPU socat/gw', 'exceptions socat/gw', 'wrong socat/gw'],
      rows,
    ),
    '',
    `added latency at ${label(one)}: gateway p50 − socat p50 = ${num(added)} µs (aim ≤ ${AIM_ADDED_US} µs); gateway p50 − direct p50 = ${num(get('gateway', one).p50 - get('direct', one).p50)} µs`,
    `relay CPU per request, gateway ÷ socat: ${RELAY_CELLS.map((c) => `${label(c)} ${(get('gateway', c).cpuPerRequest / get('socat', c).cpuPerRequest).toFixed(2)}`).join(', ')}${pin ? ' (the relay shares its core with the server, so this ratio largely sets the req/s ratio)' : ''}`,
    '',
    `libmodbus ${libmodbusVersion()} server (select() loop, one ADU per readable socket per pass), ${ROUNDS} rounds of ${WARMUP} s unmeasured + ${SECONDS} s measured per path and cell, medians.`,
    pin
      ? `Pinned with taskset: the load generator on CPU ${pin.load}; the server and the relay (socat and its forks, or this process with the gateway) on CPU ${pin.server} (BENCH_PIN=0: no pinning).`
      : 'Nothing pinned.',
    'cell: connections × requests in flight per connection. Latency: send to reply as the generator sees it. CPU µs/req: the',
    "relay's utime + stime ÷ correct replies (socat: listener and forks). server CPU: libmodbus's, per correct reply. other CPU:",
    'the rest of the machine meanwhile, in % of one core (/proc/stat); well above a few % means other work ran and that row is noisy.',
    'Exceptions (by code) and wrong replies (no matching transaction id, or other bytes) are summed over the rounds and are not',
    'counted as requests.',
    ...notes,
  ]
  return { lines, misses }
}
