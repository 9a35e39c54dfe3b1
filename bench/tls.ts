/**
 * bench:tls — what Modbus/TCP Security (TLS, mutual authentication, role checks) costs per request
 * beside plain Modbus TCP, on loopback with certificates openssl makes for the run (EC P-256):
 *
 * - one request at a time (read 10 holding registers): the latency each request pays, p50 and p99;
 * - 16 requests in flight on one connection: requests per second;
 * - new connections: TCP connect vs TCP connect plus the TLS handshake with client certificate,
 *   each followed by one request, milliseconds per connection.
 *
 * Each is measured straight against modbridge's server, and through the gateway (a tls:// listener
 * with roles in front of a tcp:// device, beside a tcp:// listener in front of the same device).
 * Client, gateway and device share this process, as they would share a small gateway box; the
 * figures are medians of BENCH_ROUNDS interleaved rounds (TLS and TCP alternate, so a drift in
 * machine speed touches both alike).
 *
 *   npm run bench:tls                    about half a minute
 *   BENCH_ROUNDS, BENCH_SECONDS          rounds (default 3) and seconds per cell and round (default 1.5)
 */
import { cpus } from 'node:os'
import { buildDevices, connectClient, createServer, defaultDeviceFile, parseAddress, type ModbusClient, type NetworkAddress } from '../core/index.ts'
import { validateConfig } from '../proxy/config.ts'
import { Gateway } from '../proxy/gateway.ts'
import { makeTestCerts, type TestCerts } from '../test/helpers/certs.ts'

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 1.5)
const DEPTH = 16
const CONNECTIONS = 200

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]
const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]

/** One request at a time for `seconds`: per-request latency, µs. */
async function sequential(c: ModbusClient, seconds: number): Promise<{ p50: number; p99: number }> {
  const us: number[] = []
  const end = performance.now() + seconds * 1000
  while (performance.now() < end) {
    const t = performance.now()
    await c.readHoldingRegisters(1, 0, 10)
    us.push((performance.now() - t) * 1000)
  }
  us.sort((a, b) => a - b)
  return { p50: percentile(us, 0.5), p99: percentile(us, 0.99) }
}

/** `DEPTH` requests in flight for `seconds`: requests per second. */
async function pipelined(c: ModbusClient, seconds: number): Promise<number> {
  let done = 0
  const start = performance.now()
  const end = start + seconds * 1000
  const lane = async () => {
    while (performance.now() < end) {
      await c.readHoldingRegisters(1, 0, 10)
      done++
    }
  }
  await Promise.all(Array.from({ length: DEPTH }, lane))
  return done / ((performance.now() - start) / 1000)
}

/** `CONNECTIONS` fresh connections, each with one request: ms per connection. */
async function connections(target: string): Promise<number> {
  const start = performance.now()
  for (let i = 0; i < CONNECTIONS; i++) {
    const c = connectClient(target, { timeout: 3000 })
    await c.readHoldingRegisters(1, 0, 10)
    await c.close()
  }
  return (performance.now() - start) / CONNECTIONS
}

interface Row {
  name: string
  p50: number[]
  p99: number[]
  rps: number[]
  connectMs: number[]
}

async function measure(rows: Row[], targets: string[]): Promise<void> {
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < targets.length; k++) {
      const i = (k + round) % targets.length
      const c = connectClient(targets[i], { timeout: 3000 })
      await sequential(c, 0.2)
      const lat = await sequential(c, SECONDS)
      rows[i].p50.push(lat.p50)
      rows[i].p99.push(lat.p99)
      rows[i].rps.push(await pipelined(c, SECONDS))
      await c.close()
      rows[i].connectMs.push(await connections(targets[i]))
    }
  }
}

async function main(): Promise<void> {
  const certs: TestCerts = makeTestCerts()
  const devices = buildDevices(defaultDeviceFile([1]))
  const tcpServer = createServer('tcp://127.0.0.1:0', { context: devices.context })
  const tlsServer = createServer(`tls://127.0.0.1:0?cert=${certs.server.cert}&key=${certs.server.key}&ca=${certs.ca}`, { context: devices.context })
  const tcpAt = await tcpServer.listen()
  const port = (a: string) => (parseAddress(a) as NetworkAddress).port
  const tlsPort = port(await tlsServer.listen())
  const gateway = new Gateway(
    validateConfig({
      // The plain listener's clients get the same role, so both paths run the same role check.
      listen: [{ address: 'tcp://127.0.0.1:0', defaultRole: 'operator' }, { address: 'tls://127.0.0.1:0', cert: certs.server.cert, key: certs.server.key, ca: certs.ca, defaultRole: 'operator' }],
      buses: { plc: { address: tcpAt, maxInFlight: 32, queueLimit: 1000 } },
      roles: { operator: { functions: [3, 4, 6, 16] }, viewer: { readOnly: true } },
      routes: [{ units: 1, bus: 'plc' }],
    }),
  )
  await gateway.start()
  const gwTcp = `tcp://127.0.0.1:${port(gateway.listening[0])}`
  const gwTls = certs.target(port(gateway.listening[1]), certs.operator)

  const rows: Row[] = ['server, tcp://', 'server, tls:// (mutual)', 'gateway, tcp:// → tcp device', 'gateway, tls:// + roles → tcp device'].map((name) => ({ name, p50: [], p99: [], rps: [], connectMs: [] }))
  const direct = rows.slice(0, 2)
  const through = rows.slice(2)
  await measure(direct, [tcpAt, certs.target(tlsPort, certs.operator)])
  await measure(through, [gwTcp, gwTls])

  const cpu = cpus()[0]?.model ?? 'unknown CPU'
  console.log(`bench:tls — ${cpus().length} × ${cpu}, Node ${process.version}, ${ROUNDS} rounds × ${SECONDS} s, read 10 holding registers, loopback`)
  console.log('')
  console.log('| path | 1 in flight p50 µs | p99 µs | 16 in flight req/s | new connection + 1 request, ms |')
  console.log('| --- | ---: | ---: | ---: | ---: |')
  for (const r of rows) console.log(`| ${r.name} | ${median(r.p50).toFixed(0)} | ${median(r.p99).toFixed(0)} | ${median(r.rps).toFixed(0)} | ${median(r.connectMs).toFixed(2)} |`)
  console.log('')
  for (const [plain, tls] of [
    [rows[0], rows[1]],
    [rows[2], rows[3]],
  ]) {
    const perRequest = median(tls.p50) - median(plain.p50)
    const perRequestLoaded = 1e6 / median(tls.rps) - 1e6 / median(plain.rps)
    const handshake = median(tls.connectMs) - median(plain.connectMs)
    console.log(`${tls.name}: TLS costs ${perRequest.toFixed(0)} µs per request alone, ${perRequestLoaded.toFixed(1)} µs per request at ${DEPTH} in flight, ${handshake.toFixed(2)} ms per new connection`)
  }
  await gateway.close()
  await tcpServer.close()
  await tlsServer.close()
  certs.remove()
}

await main()
