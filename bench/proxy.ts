/**
 * bench:proxy — two parts, each aimed at by an issue:
 *
 * Serial: the gateway over the virtual serial line at 9600, 19200 and 115200 baud, with 1, 8 and
 * 32 TCP clients spread over four simulated units, each reading 10 holding registers in a loop.
 * Prints transactions per second beside the ceiling wire time allows (frame sizes, 11-bit
 * characters and two t3.5 gaps per transaction), the bus utilisation, and the latency the gateway
 * itself adds beyond queueing and bus time (p50, p99). Rates are taken between the first and last
 * completion inside the window, so a window edge does not add or drop a transaction. The load
 * generator runs in the same process (the line, not the CPU, is the bottleneck in these cells).
 *
 * TCP-to-TCP (bench/proxy/relay-compare.ts): the gateway's forwarding against socat, a plain byte
 * relay, each in front of the same real libmodbus TCP server, at 1×1, 8×8 and 16×8 (connections ×
 * requests in flight), with a load generator in a process of its own.
 *
 *   npm run bench:proxy                     both parts, about two minutes
 *   BENCH_PROXY_PART=serial | tcp           one part only
 *   BENCH_ROUNDS, BENCH_SECONDS, BENCH_WARMUP   TCP-to-TCP rounds and window (default 3, 2 s, 0.5 s)
 */
import { cpus } from 'node:os'
import { characterTimeUs, t35Us } from '../core/transport/line-timing.ts'
import { validateConfig } from '../proxy/config.ts'
import { Gateway, type TransactionEvent } from '../proxy/gateway.ts'
import { startSimulatedBus } from '../proxy/simulated-bus.ts'
import { runClients } from './proxy/clients.ts'
import { compareRelays } from './proxy/relay-compare.ts'

const REQUEST_CHARS = 8 // unit, fc, address, quantity, CRC
const REPLY_CHARS = 5 + 2 * 10 // unit, fc, byte count, 10 registers, CRC
const UNITS = [1, 2, 3, 4]
const WARMUP_S = 0.5
const seconds = (baud: number) => (baud < 19200 ? 4 : 3)

function percentile(sorted: number[], q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN
}

/** Transactions per second the line allows: both frames plus a t3.5 gap after each. */
export function ceilingTps(baud: number): number {
  const us = (REQUEST_CHARS + REPLY_CHARS) * characterTimeUs(baud) + 2 * t35Us(baud)
  return 1e6 / us
}

async function serialCell(baud: number, clients: number) {
  const sim = await startSimulatedBus(UNITS, baud)
  const gateway = new Gateway(
    validateConfig({
      listen: ['tcp://127.0.0.1:0'],
      buses: { sim: { address: `rtu:///virtual?baud=${baud}`, timeout: 2000, retries: 0, queueLimit: 10_000, queueTimeout: 60_000 } },
      routes: [{ units: '1-4', bus: 'sim' }],
    }),
    { links: { sim: sim.open } },
  )
  await gateway.start()
  const port = Number(gateway.listening[0].split(':').pop())
  const events: TransactionEvent[] = []
  let recording = false
  gateway.on('transaction', (e: TransactionEvent) => recording && events.push(e))
  const bus = gateway.buses.get('sim')!
  const load = runClients({ port, clients, inFlight: 1, units: UNITS, warmupS: WARMUP_S, seconds: seconds(baud) }, {
    onMeasureStart: () => {
      recording = true
      return bus.stats().busyMs
    },
  })
  const result = await load
  recording = false
  const busyMs = bus.stats().busyMs - result.startMark
  await gateway.close()
  await sim.close()
  const added = events.filter((e) => e.reply && e.exception === undefined).map((e) => (e.latencyMs - e.queuedMs - e.busMs) * 1000).sort((a, b) => a - b)
  return {
    tps: result.rate,
    errors: result.errors,
    utilization: busyMs / (result.elapsedS * 1000),
    addedP50Us: percentile(added, 0.5),
    addedP99Us: percentile(added, 0.99),
  }
}

const pad = (s: string | number, n: number) => String(s).padStart(n)

async function serialPart(misses: string[]): Promise<void> {
  console.log('read 10 holding registers per transaction; 4 simulated units on one virtual RTU line (8E1, 11-bit characters)\n')
  console.log(`${pad('baud', 7)} ${pad('clients', 8)} ${pad('tx/s', 8)} ${pad('ceiling', 8)} ${pad('of ceil', 8)} ${pad('bus util', 9)} ${pad('added p50', 10)} ${pad('added p99', 10)} ${pad('errors', 7)}`)
  for (const baud of [9600, 19200, 115200]) {
    for (const clients of [1, 8, 32]) {
      const r = await serialCell(baud, clients)
      const ceiling = ceilingTps(baud)
      const share = r.tps / ceiling
      console.log(
        `${pad(baud, 7)} ${pad(clients, 8)} ${pad(r.tps.toFixed(1), 8)} ${pad(ceiling.toFixed(1), 8)} ${pad((share * 100).toFixed(1) + '%', 8)} ${pad((r.utilization * 100).toFixed(1) + '%', 9)} ${pad(r.addedP50Us.toFixed(0) + ' µs', 10)} ${pad(r.addedP99Us.toFixed(0) + ' µs', 10)} ${pad(r.errors, 7)}`,
      )
      if (clients >= 8 && share < 0.95) misses.push(`${baud} baud, ${clients} clients: ${(share * 100).toFixed(1)}% of the ceiling (aim 95%)`)
      if (r.addedP99Us >= 1000) misses.push(`${baud} baud, ${clients} clients: added p99 ${r.addedP99Us.toFixed(0)} µs (aim < 1000)`)
    }
  }
}

async function tcpPart(misses: string[]): Promise<void> {
  console.log('\nTCP-to-TCP: the gateway and socat, each in front of the same libmodbus TCP server (and the server direct), one load generator process:')
  const relays = await compareRelays((line) => process.stderr.write(`${line}\n`))
  console.log(relays.lines.join('\n'))
  misses.push(...relays.misses)
}

const part = process.env.BENCH_PROXY_PART ?? 'all'
const misses: string[] = []
console.log(`bench:proxy  node ${process.version}  ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}  ${new Date().toISOString()}`)
if (part !== 'tcp') await serialPart(misses)
if (part !== 'serial') await tcpPart(misses)
console.log(
  misses.length
    ? `\naims missed:\n  ${misses.join('\n  ')}`
    : `\nall aims met${part !== 'tcp' ? ': >= 95% of the wire ceiling with 8+ clients, added p99 < 1 ms' : ''}${part !== 'serial' ? '; TCP-to-TCP: >= socat at 8×8 and 16×8, <= 50 µs added at 1×1' : ''}`,
)
