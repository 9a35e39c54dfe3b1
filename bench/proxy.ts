/**
 * bench:proxy — the gateway over the virtual serial line at 9600, 19200 and 115200 baud, with 1, 8
 * and 32 TCP clients spread over four simulated units, each reading 10 holding registers in a loop.
 * Prints transactions per second beside the ceiling wire time allows (frame sizes, 11-bit
 * characters and two t3.5 gaps per transaction), the bus utilisation, and the latency the gateway
 * itself adds beyond queueing and bus time (p50, p99); then TCP-to-TCP pass-through requests per
 * second. Rates are taken between the first and last completion inside the window, so a window edge
 * does not add or drop a transaction. The load generator runs in the same process (the line, not the CPU, is the bottleneck in
 * the serial cells; the pass-through figure is therefore conservative).
 */
import { cpus } from 'node:os'
import { buildDevices, createServer, defaultDeviceFile, t35Us, characterTimeUs } from '../core/index.ts'
import { validateConfig } from '../proxy/config.ts'
import { Gateway, type TransactionEvent } from '../proxy/gateway.ts'
import { startSimulatedBus } from '../proxy/simulated-bus.ts'
import { runClients } from './proxy/clients.ts'

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

async function passThrough(clients: number, inFlight: number) {
  const { context } = buildDevices(defaultDeviceFile(UNITS))
  const device = createServer('tcp://127.0.0.1:0', { context })
  const deviceAddress = await device.listen()
  const gateway = new Gateway(
    validateConfig({
      listen: ['tcp://127.0.0.1:0'],
      buses: { plc: { address: deviceAddress, timeout: 2000, retries: 0, maxInFlight: 32, queueLimit: 10_000 } },
      routes: [{ units: '1-4', bus: 'plc' }],
    }),
  )
  await gateway.start()
  const port = Number(gateway.listening[0].split(':').pop())
  const result = await runClients({ port, clients, inFlight, units: UNITS, warmupS: WARMUP_S, seconds: 3 })
  await gateway.close()
  await device.close()
  return { rps: result.rate, errors: result.errors, p50Us: result.p50Us, p99Us: result.p99Us }
}

const pad = (s: string | number, n: number) => String(s).padStart(n)
console.log(`bench:proxy  node ${process.version}  ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}  ${new Date().toISOString()}`)
console.log('read 10 holding registers per transaction; 4 simulated units on one virtual RTU line (8E1, 11-bit characters)\n')
console.log(`${pad('baud', 7)} ${pad('clients', 8)} ${pad('tx/s', 8)} ${pad('ceiling', 8)} ${pad('of ceil', 8)} ${pad('bus util', 9)} ${pad('added p50', 10)} ${pad('added p99', 10)} ${pad('errors', 7)}`)
const misses: string[] = []
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
console.log('\nTCP-to-TCP pass-through (gateway in front of a modbridge TCP server):')
for (const [clients, inFlight] of [
  [1, 1],
  [8, 1],
  [8, 8],
]) {
  const r = await passThrough(clients, inFlight)
  console.log(`  ${pad(clients, 2)} clients × ${inFlight} in flight: ${pad(r.rps.toFixed(0), 7)} req/s  p50 ${r.p50Us.toFixed(0)} µs  p99 ${r.p99Us.toFixed(0)} µs  errors ${r.errors}`)
}
console.log(misses.length ? `\naims missed:\n  ${misses.join('\n  ')}` : '\nall aims met: >= 95% of the wire ceiling with 8+ clients, added p99 < 1 ms')
