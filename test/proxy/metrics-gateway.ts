/**
 * Fixtures of the Prometheus tests: a gateway with its monitor in front of simulated RTU devices,
 * a known mix of traffic (replies, a device exception, a timeout, a refused request), a scrape of
 * /metrics over real HTTP, an exposition-format reader and a promtool runner.
 */
import { spawn } from 'node:child_process'
import { request } from 'node:http'
import { connectClient, ModbusExceptionError, type ModbusClient } from '../../core/index.ts'
import { validateConfig } from '../../proxy/config.ts'
import { Gateway } from '../../proxy/gateway.ts'
import { startMonitor, type Monitor } from '../../proxy/monitor.ts'
import { startSimulatedBus, type SimulatedBus } from '../../proxy/simulated-bus.ts'

/** A gateway on bus `sim` (devices 1–3 at 115200 baud; unit 4 routed there but absent), its monitor and a client. */
export interface MeteredGateway {
  sim: SimulatedBus
  gateway: Gateway
  monitor: Monitor
  client: ModbusClient
  close(): Promise<void>
}

/** The bus timeout and retries of the fixture: a timeout takes (1 + retries) × timeout at least. */
export const BUS_TIMEOUT_MS = 150
export const BUS_RETRIES = 1

/** Starts the fixture. */
export async function startMeteredGateway(): Promise<MeteredGateway> {
  const sim = await startSimulatedBus([1, 2, 3], 115200)
  const gateway = new Gateway(
    validateConfig({
      listen: ['tcp://127.0.0.1:0'],
      buses: { sim: { address: 'rtu:///virtual?baud=115200', timeout: BUS_TIMEOUT_MS, retries: BUS_RETRIES } },
      routes: [{ units: '1-4', bus: 'sim' }],
    }),
    { links: { sim: sim.open } },
  )
  await gateway.start()
  const monitor = await startMonitor(gateway, { host: '127.0.0.1', port: 0 }, 100)
  const client = connectClient(gateway.listening[0], { timeout: 5000 })
  return {
    sim,
    gateway,
    monitor,
    client,
    async close() {
      await client.close()
      await monitor.close()
      await gateway.close()
      await sim.close()
    },
  }
}

/** What {@link makeTraffic} sent, by outcome. */
export const TRAFFIC = {
  /** Read Holding Registers (3) of unit 1, answered. */
  unit1Reads: 6,
  /** Read Input Registers (4) of unit 2, answered. */
  unit2Reads: 3,
  /** Unit 3 asked for address 9999: exception 2. */
  exceptions: 1,
  /** Unit 4 is routed but absent: exception 11 after a retry. */
  timeouts: 1,
  /** Unit 9 is not routed: exception 10 from the router, nothing on the bus. */
  refused: 1,
} as const

/** Requests that reached the bus. */
export const FORWARDED = TRAFFIC.unit1Reads + TRAFFIC.unit2Reads + TRAFFIC.exceptions + TRAFFIC.timeouts

/** Sends {@link TRAFFIC}, one request at a time; the exceptions are expected and swallowed. */
export async function makeTraffic(client: ModbusClient): Promise<void> {
  for (let i = 0; i < TRAFFIC.unit1Reads; i++) await client.readHoldingRegisters(1, i, 4)
  for (let i = 0; i < TRAFFIC.unit2Reads; i++) await client.readInputRegisters(2, 10, 2)
  const expectException = async (p: Promise<unknown>, code: number) => {
    try {
      await p
    } catch (err) {
      if (err instanceof ModbusExceptionError && err.exceptionCode === code) return
      throw err
    }
    throw new Error(`expected exception ${code}, got a reply`)
  }
  await expectException(client.readHoldingRegisters(3, 9999, 10), 2)
  await expectException(client.readHoldingRegisters(4, 0, 1), 11)
  await expectException(client.readHoldingRegisters(9, 0, 1), 10)
}

/** An HTTP response, read whole. */
export interface Fetched {
  status: number
  contentType: string
  body: string
}

/** GET `path` from the monitor at `url` over real HTTP, with the Host header given (default: the URL's own). */
export function get(url: string, path: string, host?: string): Promise<Fetched> {
  const u = new URL(url)
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: Number(u.port), path, headers: { host: host ?? u.host } }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (body += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type']), body }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

/** One sample of the text exposition format. */
export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

/** A family's declared type, by family name. */
export type Types = Map<string, string>

/** Reads the text exposition format: samples and `# TYPE` lines (strict enough for our own output; throws on a line it cannot read). */
export function parseExposition(text: string): { samples: Sample[]; types: Types } {
  const samples: Sample[] = []
  const types: Types = new Map()
  for (const line of text.split('\n')) {
    if (line === '') continue
    const type = /^# TYPE (\S+) (\S+)$/.exec(line)
    if (type) types.set(type[1], type[2])
    if (line.startsWith('#')) continue
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (!m) throw new Error(`unreadable exposition line: ${JSON.stringify(line)}`)
    const labels: Record<string, string> = {}
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c))
    samples.push({ name: m[1], labels, value: Number(m[3]) })
  }
  return { samples, types }
}

/** The samples named `name` whose labels include `labels`. */
export function select(samples: Sample[], name: string, labels: Record<string, string> = {}): Sample[] {
  return samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
}

/** The value of the one sample named `name` with exactly-matching `labels` given (throws when there is not exactly one). */
export function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = select(samples, name, labels)
  if (found.length !== 1) throw new Error(`${found.length} samples of ${name}${JSON.stringify(labels)}, expected 1`)
  return found[0].value
}

/** The result of running promtool. */
export interface PromtoolResult {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs `promtool args…` with `stdin`, and a deadline. */
export function promtool(args: string[], stdin = '', deadlineMs = 30_000): Promise<PromtoolResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn('promtool', args, { stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    const timer = setTimeout(() => proc.kill('SIGKILL'), deadlineMs)
    proc.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    proc.on('error', (err) => {
      clearTimeout(timer)
      reject(new Error(`cannot run promtool (Debian package prometheus): ${err.message}`))
    })
    proc.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
    proc.stdin.on('error', () => {})
    proc.stdin.end(stdin)
  })
}
