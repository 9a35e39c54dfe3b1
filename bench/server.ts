/**
 * Server benchmark (issue #3): requests per second, p50/p99 latency and the server's CPU time per
 * request for Read Holding Registers (10 registers, unit 1) over loopback, with 1 and 16
 * connections, each with 1 and 8 requests in flight per connection — for modbridge's TCP server
 * and, with the same load generator in the same run, modbus-serial's ServerTCP, jsmodbus's
 * ModbusTCPServer, a libmodbus C server and pymodbus's asyncio server (a peer that is not
 * installed is skipped with a note).
 *
 *   npm run bench:server                   whole table, about 90 s on two cores
 *   BENCH_ROUNDS=5 BENCH_SECONDS=2         more and longer windows
 *   BENCH_ONLY=modbridge,libmodbus         some servers only
 *   BENCH_PIN=0                            leave CPU placement to the scheduler
 *
 * Every server runs in a process of its own, and the load generator (bench/server/load.ts) in
 * another, pinned to different CPUs. On a small machine the generator can set the rate, so the
 * deciding figure is the server process's CPU time (utime + stime from /proc/<pid>/stat over the
 * measured window) per request answered. Each server is checked before it is timed: a reply must
 * hold the ten expected registers, and 8 pipelined requests must each get their own reply.
 *
 * Noise: each cell is measured in several short rounds, and in every round each server runs the
 * cell in turn (the order rotates), so whatever else the machine is doing meanwhile falls on all of
 * them alike; the table gives medians over the rounds.
 *
 * Aims (issue #3): modbridge's CPU/req at most libmodbus's; at 16 connections, modbridge's req/s
 * at least libmodbus's and at least 1.2 × the faster Node peer's.
 */
import { cpus } from 'node:os'
import { performance } from 'node:perf_hooks'
import { environment } from './measure.ts'
import { announcedPort, exited, onCpu, pinning, start, stop, type Child } from './server/children.ts'
import { Generator } from './server/generator.ts'
import type { LoadReport } from './server/messages.ts'
import { clockTicks, machineBusyTicks } from './server/proc-stat.ts'
import { formatRatios, formatTable, type Outcome } from './server/table.ts'
import { targets } from './server/targets.ts'
import { ADDRESS, CELLS, QUANTITY, UNIT, VALUES, cellLabel, type Cell } from './server/workload.ts'

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 1)
const WARMUP = Number(process.env.BENCH_WARMUP ?? 0.3)
const PREWARM = Number(process.env.BENCH_PREWARM ?? 1)
const ONLY = (process.env.BENCH_ONLY ?? '').split(',').filter(Boolean)
const PIN = pinning()
/** Generous: connecting, the window, draining and closing. */
const COMMAND_TIMEOUT = 15 + Math.max(PREWARM, WARMUP + SECONDS)

const log = (line: string) => process.stderr.write(`${line}\n`)

/** A started target. */
interface Live {
  outcome: Outcome
  child: Child
  port: number
}

/** Starts a target and waits for its port; undefined (and `outcome.skipped` set) when it cannot run. */
async function launch(outcome: Outcome, command: { command: string; args: string[] } | { skip: string }): Promise<Live | undefined> {
  if ('skip' in command) {
    outcome.skipped = command.skip
    return undefined
  }
  const pinned = onCpu(PIN?.server, command.command, command.args)
  const child = start(pinned.command, pinned.args)
  try {
    return { outcome, child, port: await announcedPort(child, 30) }
  } catch (err) {
    outcome.skipped = (err as Error).message
    await stop(child)
    return undefined
  }
}

/** Sends a command; a generator that stops answering ends the run. */
async function send(generator: Generator, live: Live, command: Parameters<Generator['send']>[0]): Promise<LoadReport> {
  const report = await generator.send(command, COMMAND_TIMEOUT)
  if (report.type === 'fail' && report.error.startsWith('no report from the load generator')) throw new Error(report.error)
  if (await exited(live.child, 0)) throw Object.assign(new Error(`${live.outcome.name} exited: ${live.child.stderr()}`), { target: live })
  return report
}

/** Runs `f`; if `l`'s server died meanwhile, marks it skipped instead of failing the run. */
async function guarded(l: Live, f: () => Promise<unknown>): Promise<void> {
  try {
    await f()
  } catch (err) {
    if ((err as { target?: Live }).target !== l) throw err
    l.outcome.skipped = (err as Error).message
    log(l.outcome.skipped)
  }
}

async function measureAll(outcomes: Outcome[]): Promise<void> {
  const ticks = clockTicks()
  const chosen = targets().filter((t) => ONLY.length === 0 || ONLY.includes(t.name))
  const started: Live[] = []
  const generator = new Generator((command, args) => onCpu(PIN?.load, command, args))
  try {
    for (const t of chosen) {
      const outcome: Outcome = { name: t.name, description: t.description, nodePeer: t.nodePeer, windows: [] }
      outcomes.push(outcome)
      const live = await launch(outcome, t.launch())
      if (live) started.push(live)
      else log(`${t.name}: skipped — ${outcome.skipped}`)
    }
    const live: Live[] = []
    for (const l of started) {
      await guarded(l, async () => {
        const check = await send(generator, l, { type: 'verify', port: l.port })
        if (check.type === 'verify' && check.ok) {
          l.outcome.order = check.order
          live.push(l)
        } else {
          l.outcome.skipped = `failed the check: ${check.type === 'verify' || check.type === 'fail' ? check.error : '?'}`
          log(`${l.outcome.name}: ${l.outcome.skipped}`)
        }
      })
    }
    const run = (l: Live, cell: Cell, warmup: number, seconds: number) =>
      send(generator, l, { type: 'run', port: l.port, serverPid: l.child.process.pid as number, clockTicks: ticks, cell, warmup, seconds })
    const largest = CELLS[CELLS.length - 1]
    for (const l of live) await guarded(l, () => run(l, largest, PREWARM, 0))
    for (let round = 0; round < ROUNDS; round++) {
      log(`round ${round + 1} of ${ROUNDS}`)
      for (const cell of CELLS) {
        const now = live.filter((l) => !l.outcome.skipped)
        for (let k = 0; k < now.length; k++) {
          const l = now[(k + round) % now.length]
          await guarded(l, async () => {
            const r = await run(l, cell, WARMUP, SECONDS)
            if (r.type === 'cell') l.outcome.windows.push(r)
            else log(`${l.outcome.name} ${cellLabel(cell)}: ${r.type === 'fail' ? r.error : r.type}`)
          })
        }
      }
    }
  } finally {
    await generator.close()
    for (const l of started) await stop(l.child)
  }
}

/** Share of one core the rest of the machine keeps busy, over half a second before the run. */
async function backgroundLoad(): Promise<number> {
  const before = machineBusyTicks()
  await new Promise((resolve) => setTimeout(resolve, 500))
  return (machineBusyTicks() - before) / clockTicks() / 0.5
}

async function main(): Promise<void> {
  const began = performance.now()
  const background = await backgroundLoad()
  const outcomes: Outcome[] = []
  await measureAll(outcomes)
  const lines = [
    `Server benchmark (issue #3) — ${new Date().toISOString()}`,
    environment(),
    `Read Holding Registers: unit ${UNIT}, address ${ADDRESS}, ${QUANTITY} registers (${VALUES.join(', ')}), MBAP over 127.0.0.1.`,
    PIN
      ? `Pinned with taskset: servers on CPU ${PIN.server}, the load generator on CPU ${PIN.load} (BENCH_PIN=0 leaves placement to the scheduler).`
      : 'Not pinned to CPUs.',
    `Before the run the rest of the machine kept ${Math.round(background * 100)}% of a core busy.`,
    `${ROUNDS} rounds; in each, every server runs every cell for ${WARMUP} s unmeasured, then ${SECONDS} s measured. Each server first gets ${PREWARM} s of ${cellLabel(CELLS[CELLS.length - 1])}.`,
    '',
    formatTable(outcomes, CELLS),
    '',
    'cell: connections × requests in flight per connection. Figures are medians over the rounds; (rounds) is the lowest and',
    "highest CPU µs/req of the rounds. Latency: send to reply as the generator sees it. CPU µs/req: the server process's",
    'utime + stime over the window ÷ replies in it. server CPU, gen CPU: share of one core taken by the server and by the',
    `load generator (a generator near 100% sets the rate; this machine has ${cpus().length} cores). other CPU: the rest of the`,
    "machine's busy time meanwhile (/proc/stat), kernel network work not charged to either process included; well above",
    'a few per cent means something else was running and the req/s and latency of that row are not to be trusted.',
    '',
    ...outcomes.map((o) => `${o.name}: ${o.description}${o.order ? `; 8 pipelined replies came back ${o.order}` : ''}`),
    '',
    formatRatios(outcomes, CELLS),
    '',
    `Run time ${((performance.now() - began) / 1000).toFixed(1)} s.`,
  ]
  process.stdout.write(`${lines.join('\n')}\n`)
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    log(err instanceof Error ? (err.stack ?? err.message) : String(err))
    process.exit(1)
  },
)
