/**
 * bench:soak — the gateway under faults for a while, checking every byte that comes back.
 *
 *   npm run bench:soak                    120 s
 *   npm run bench:soak -- --seconds 300   longer
 *
 * Topology, all on this machine: the gateway in a process of its own (`modbridge proxy --config`,
 * listening on 127.0.0.1) in front of two RTU buses at 115200 baud; each bus is a socat PTY pair
 * whose far end is served by a simulated device (bench/soak/device.ts: core's serial server with
 * units 1-4 on bus a, 5-8 on bus b, in this process). 32 TCP clients (bench/soak/clients.ts), four per
 * unit, each write their own tagged values to their own registers and read them back, one request
 * at a time, so a reply carrying another request's data counts as a wrong reply.
 *
 * Faults, every 15 s, alternately: a device is killed (its serial server closed and its registers
 * forgotten; it starts again 3 s later with zeros), or a PTY pair is removed (its socat ended; a
 * new one under the same link names 3 s later — the gateway must find the port again, the device
 * reopens it). The gateway's own log lines about its buses are shown as they come.
 * The buses take turns. No fault starts in the last 10 s, so the end shows whether both recovered.
 *
 * Every 5 s a line: elapsed time, requests sent, replies, correct replies, exceptions by code,
 * timeouts, wrong replies, late replies, reads of a restarted device's zeros, and the gateway's
 * resident memory (VmRSS). It ends with a summary line, stops by itself, and removes every child
 * process, PTY and temporary file it made.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { stop } from './server/children.ts'
import { newCounters, SoakClient, type SoakCounters } from './soak/clients.ts'
import { SoakDevice } from './soak/device.ts'
import { startGatewayProcess, startPtyPair, type GatewayProcess, type PtyPair } from './soak/processes.ts'

const FAULT_EVERY_S = 15
const RESTORE_AFTER_S = 3
const QUIET_END_S = 10
const REPORT_EVERY_S = 5
const CLIENTS = 32
/** First register of the clients' ranges; client k of a unit owns FIRST + 16k … + 7. */
const FIRST = 100

function secondsArg(): number {
  const i = process.argv.indexOf('--seconds')
  const v = i >= 0 ? Number(process.argv[i + 1]) : 120
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--seconds wants a positive number, got ${process.argv[i + 1]}`)
  return v
}

/** One RTU bus of the soak: its PTY pair, its device process and their state. */
interface Bus {
  name: 'a' | 'b'
  units: number[]
  gatewayEnd: string
  deviceEnd: string
  pty: PtyPair | undefined
  device: SoakDevice
  /** Times the device was started again after a kill. */
  restarts: number
  lastOkAt: number
}

const duration = secondsArg()
const dir = mkdtempSync(join(tmpdir(), 'modbridge-soak-'))
// Also on Ctrl-C: children.ts kills the children and ends the process with exit(), which runs this.
process.once('exit', () => rmSync(dir, { recursive: true, force: true }))
/** Set when the soak winds down: no fault starts or is restored, and device events are not shown. */
let stopping = false
/** Time zero: the script's start until the clients start, then their start. */
let began = performance.now()
const elapsed = () => (performance.now() - began) / 1000
const stamp = () => `${elapsed().toFixed(1).padStart(6)} s`
const log = (line: string) => console.log(line)

const buses: Bus[] = (['a', 'b'] as const).map((name, i) => {
  const units = [1, 2, 3, 4].map((u) => u + 4 * i)
  const deviceEnd = join(dir, `${name}-device`)
  const device = new SoakDevice(deviceEnd, units, (e) => {
    if (!stopping) log(`# ${stamp()}  device ${name}: ${e.event === 'open' ? 'port open' : `port closed (${e.reason})`}`)
  })
  return { name, units, gatewayEnd: join(dir, `${name}-gateway`), deviceEnd, pty: undefined, device, restarts: 0, lastOkAt: 0 }
})

/** The fault at the k-th slot (1-based): odd slots kill a device, even ones remove a PTY; buses alternate. */
async function fault(k: number): Promise<void> {
  const killDeviceNow = k % 2 === 1
  const bus = buses[Math.floor((k - 1) / 2 + (killDeviceNow ? 0 : 1)) % 2]
  if (killDeviceNow) {
    log(`# ${stamp()}  fault: device of bus ${bus.name} (units ${bus.units.join(',')}) killed; restart in ${RESTORE_AFTER_S} s`)
    await bus.device.powerOff()
    await pause(RESTORE_AFTER_S)
    if (stopping) return
    bus.restarts++
    bus.device.powerOn()
    log(`# ${stamp()}  restore: device of bus ${bus.name} started again, registers zero`)
  } else if (bus.pty) {
    log(`# ${stamp()}  fault: PTY pair of bus ${bus.name} removed (socat ended); back in ${RESTORE_AFTER_S} s`)
    await bus.pty.remove()
    bus.pty = undefined
    await pause(RESTORE_AFTER_S)
    if (stopping) return
    bus.pty = await startPtyPair(bus.gatewayEnd, bus.deviceEnd)
    log(`# ${stamp()}  restore: PTY pair of bus ${bus.name} back under the same names`)
  }
}

const pause = (s: number) => new Promise<void>((resolve) => setTimeout(resolve, s * 1000))

function exceptionsText(e: Record<string, number>): string {
  const parts = Object.entries(e)
    .sort()
    .map(([code, n]) => `${code}:${n}`)
  return parts.length ? parts.join(' ') : '-'
}

let lastOk = 0
let lastAt = 0

function reportLine(c: SoakCounters, rssKiB: number): string {
  const now = elapsed()
  const rate = now > lastAt ? (c.ok - lastOk) / (now - lastAt) : 0
  lastOk = c.ok
  lastAt = now
  return [
    stamp(),
    `sent ${String(c.sent).padStart(7)}`,
    `replies ${String(c.replies).padStart(7)}`,
    `ok ${String(c.ok).padStart(7)} (${rate.toFixed(0).padStart(3)}/s)`,
    `exceptions ${exceptionsText(c.exceptions).padEnd(18)}`,
    `timeouts ${c.timeouts}`,
    `wrong ${c.wrong}`,
    `late ${c.late}`,
    `reset ${c.reset}`,
    `gateway RSS ${(rssKiB / 1024).toFixed(1)} MiB`,
  ].join('  ')
}

async function main(): Promise<void> {
  const counters = newCounters()
  const clients: SoakClient[] = []
  let gateway: GatewayProcess | undefined
  const rss: number[] = []
  const faults: Promise<void>[] = []
  const timers: NodeJS.Timeout[] = []
  try {
    for (const bus of buses) {
      bus.pty = await startPtyPair(bus.gatewayEnd, bus.deviceEnd)
      bus.device.powerOn()
    }
    const config = join(dir, 'gateway.json')
    writeFileSync(
      config,
      JSON.stringify({
        listen: ['tcp://127.0.0.1:0'],
        buses: Object.fromEntries(buses.map((b) => [b.name, { address: `rtu://${b.gatewayEnd}?baud=115200` }])),
        routes: buses.map((b) => ({ units: `${b.units[0]}-${b.units[b.units.length - 1]}`, bus: b.name })),
      }),
    )
    gateway = await startGatewayProcess(config, (line) => {
      if (/\bbus \w+ is (up|down)\b/.test(line)) log(`# ${stamp()}  gateway: ${line.replace(/^\[[^\]]*\]\s*/, '')}`)
    })
    log(`bench:soak  ${duration} s  node ${process.version}  gateway pid ${gateway.child.process.pid} on 127.0.0.1:${gateway.port}  temp ${dir}`)
    log(`buses: ${buses.map((b) => `${b.name} = units ${b.units.join(',')} on ${b.gatewayEnd} (115200 baud RTU, defaults: timeout 1000 ms, 1 retry)`).join('; ')}`)
    log(`${CLIENTS} clients, 4 per unit, each writing and reading back its own ${8} registers; a fault every ${FAULT_EVERY_S} s\n`)
    await pause(1)
    began = performance.now()
    const busOf = (unit: number) => buses.find((b) => b.units.includes(unit))!
    for (let i = 0; i < CLIENTS; i++) {
      const unit = 1 + (i % 8)
      const bus = busOf(unit)
      const client = new SoakClient(
        gateway.port,
        { index: i, unit, address: FIRST + 16 * Math.floor(i / 8), restarts: () => bus.restarts, onOk: () => (bus.lastOkAt = elapsed()) },
        counters,
      )
      clients.push(client)
      client.start()
    }
    const g = gateway
    timers.push(
      setInterval(() => {
        const r = g.rssKiB()
        rss.push(r)
        log(reportLine(counters, r))
      }, REPORT_EVERY_S * 1000),
    )
    for (let k = 1; k * FAULT_EVERY_S <= duration - QUIET_END_S; k++) {
      const run = () => faults.push(fault(k).catch((err: Error) => log(`# ${stamp()}  fault ${k} failed: ${err.message}`)))
      timers.push(setTimeout(run, k * FAULT_EVERY_S * 1000 - (performance.now() - began)))
    }
    await pause(duration)
    stopping = true
    for (const t of timers) clearTimeout(t)
    for (const c of clients) c.stop()
    await Promise.allSettled(faults)
    const finalRss = gateway.rssKiB()
    log(reportLine(counters, finalRss))
    const kills = faults.length ? Math.ceil(faults.length / 2) : 0
    const removals = Math.floor(faults.length / 2)
    const alive = gateway.child.process.exitCode === null && gateway.child.process.signalCode === null
    const recovery = buses.map((b) => `bus ${b.name} last correct read ${b.lastOkAt.toFixed(1)} s`).join(', ')
    const rssLine = rss.length ? `RSS first ${(rss[0] / 1024).toFixed(1)} MiB, peak ${(Math.max(...rss) / 1024).toFixed(1)} MiB, last ${(finalRss / 1024).toFixed(1)} MiB` : ''
    log(
      `\nsummary: ${duration} s, ${kills} device kills, ${removals} PTY removals; sent ${counters.sent}, replies ${counters.replies}, ok ${counters.ok}, ` +
        `exceptions ${exceptionsText(counters.exceptions)}, timeouts ${counters.timeouts}, wrong ${counters.wrong}, late ${counters.late}, reset ${counters.reset}, ` +
        `disconnects ${counters.disconnects}; ${recovery}; gateway ${alive ? 'running' : 'EXITED'}, ${rssLine}`,
    )
    for (const w of counters.wrongSamples) log(`  wrong: ${w}`)
  } finally {
    stopping = true
    for (const t of timers) clearTimeout(t)
    for (const c of clients) c.stop()
    if (gateway) await stop(gateway.child)
    for (const bus of buses) {
      await bus.device.powerOff()
      await bus.pty?.remove()
    }
    rmSync(dir, { recursive: true, force: true })
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err))
    rmSync(dir, { recursive: true, force: true })
    process.exit(1)
  },
)
