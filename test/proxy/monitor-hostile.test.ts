import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createServer as createHttpServer, request, type Server as HttpServer } from 'node:http'
import { createConnection, createServer as createTcpServer, type Socket } from 'node:net'
import { chromium, type Browser } from 'playwright-core'
import { WebSocket } from 'ws'
import { connectClient, TransportError, type ModbusClient } from '../../core/index.ts'
import { runGateway } from '../../proxy/cli.ts'
import { Gateway } from '../../proxy/gateway.ts'
import { createAccessCheck, isLoopback, type AccessPolicy, type CheckedRequest } from '../../proxy/monitor-guard.ts'
import { startMonitor, type Monitor } from '../../proxy/monitor.ts'
import type { Snapshot } from '../../proxy/stats.ts'
import type { TrendBlock } from '../../proxy/trends.ts'
import { defaultGatewayConfig, startSimulatedBus, type SimulatedBus } from '../../proxy/simulated-bus.ts'
import { runCli } from '../helpers/run-cli.ts'
import { rejects } from '../helpers/throws.ts'
import { waitFor } from '../helpers/wait.ts'

/** A WebSocket handshake done by hand on a plain TCP socket, so tests can send frames no client library would. */
interface RawConnection {
  socket: Socket
  status: number
  /** Every byte received after the response head. */
  body(): Buffer
  closed(): boolean
}

const sockets: Socket[] = []

async function rawUpgrade(port: number, headers: Record<string, string> = {}): Promise<RawConnection> {
  const socket = createConnection({ host: '127.0.0.1', port })
  sockets.push(socket)
  socket.on('error', () => {})
  let closed = false
  socket.on('close', () => (closed = true))
  const all = { Host: `127.0.0.1:${port}`, Upgrade: 'websocket', Connection: 'Upgrade', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version': '13', ...headers }
  socket.write(`GET /feed HTTP/1.1\r\n${Object.entries(all).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`)
  let received = Buffer.alloc(0)
  socket.on('data', (c: Buffer) => (received = Buffer.concat([received, c])))
  const headEnd = await waitFor(() => (received.indexOf('\r\n\r\n') >= 0 ? received.indexOf('\r\n\r\n') + 4 : 0), 'the response head to the upgrade')
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(received.subarray(0, headEnd).toString('latin1'))?.[1])
  return { socket, status, body: () => received.subarray(headEnd), closed: () => closed }
}

/** Frames as a server sends them (unmasked); enough of RFC 6455 §5.2 for status and close codes. */
function serverFrames(buf: Buffer): { opcode: number; payload: Buffer }[] {
  const frames: { opcode: number; payload: Buffer }[] = []
  let at = 0
  while (at + 2 <= buf.length) {
    let length = buf[at + 1] & 0x7f
    let start = at + 2
    if (length === 126) (length = buf.readUInt16BE(at + 2)), (start += 2)
    else if (length === 127) (length = Number(buf.readBigUInt64BE(at + 2))), (start += 8)
    if (start + length > buf.length) break
    frames.push({ opcode: buf[at] & 0x0f, payload: buf.subarray(start, start + length) })
    at = start + length
  }
  return frames
}

function closeCodeOf(conn: RawConnection): number | undefined {
  return serverFrames(conn.body()).find((f) => f.opcode === 0x8)?.payload.readUInt16BE(0)
}

/** GET `path` from 127.0.0.1:port with the Host header given; resolves with the status. */
function getWithHost(port: number, path: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
      .on('error', reject)
      .end()
  })
}

function portOf(url: string): number {
  return Number(new URL(url).port)
}

const test = suite('monitor under hostile clients: it never takes the gateway down')
let sim: SimulatedBus
let gateway: Gateway
let monitor: Monitor
let client: ModbusClient
let browser: Browser | undefined
let pageServer: HttpServer | undefined
const extraMonitors: Monitor[] = []
const warnings: string[] = []

test.before(async () => {
  sim = await startSimulatedBus([1, 2, 3], 115200)
  gateway = new Gateway(defaultGatewayConfig({ listen: 'tcp://127.0.0.1:0', monitor: false, baud: 115200 }), { links: { sim: sim.open } })
  await gateway.start()
  monitor = await startMonitor(gateway, { host: '127.0.0.1', port: 0 }, 50, { allowOrigins: ['http://trusted.example'], onWarning: (m) => warnings.push(m) })
  client = connectClient(gateway.listening[0], { timeout: 3000 })
})
test.after(async () => {
  for (const s of sockets) s.destroy()
  await browser?.close()
  if (pageServer) await new Promise<void>((r) => pageServer!.close(() => r()))
  for (const m of extraMonitors) await m.close()
  await client.close()
  await monitor.close()
  await gateway.close()
  await sim.close()
})

async function assertGatewayAndMonitorAlive(): Promise<void> {
  const values = await client.readHoldingRegisters(1, 0, 2)
  assert.is(values.length, 2, 'the gateway still answers a Modbus read')
  assert.is((await fetch(`${monitor.url}snapshot`)).status, 200, '/snapshot still answers')
}

const MALFORMED: [string, string, number][] = [
  ['reserved opcode 0x3', '83 80 00 00 00 00', 1002],
  ['an unmasked client frame', '81 02 68 69', 1002],
  ['RSV1 set with no extension negotiated', 'c1 82 00 00 00 00 68 69', 1002],
  ['a 64-bit length with the top bit set', '82 ff 80 00 00 00 00 00 00 00 00 00 00 00', 1009],
]
for (const [what, frame, code] of MALFORMED) {
  test(`a frame with ${what} closes that client with ${code}; the process, the gateway and /snapshot carry on`, async () => {
    const errorsBefore = monitor.counters.socketErrors
    const conn = await rawUpgrade(portOf(monitor.url))
    assert.is(conn.status, 101)
    conn.socket.write(Buffer.from(frame.replace(/ /g, ''), 'hex'))
    await waitFor(() => conn.closed(), 'the monitor to close the connection')
    assert.is(closeCodeOf(conn), code)
    assert.is(monitor.counters.socketErrors, errorsBefore + 1)
    await assertGatewayAndMonitorAlive()
  })
}

test('garbage instead of an HTTP request gets 400 and the monitor carries on', async () => {
  const errorsBefore = monitor.counters.socketErrors
  const socket = createConnection({ host: '127.0.0.1', port: portOf(monitor.url) })
  sockets.push(socket)
  socket.on('error', () => {})
  let reply = ''
  let closed = false
  socket.on('data', (c: Buffer) => (reply += c.toString('latin1')))
  socket.on('close', () => (closed = true))
  socket.write('\x16\x03\x01\x02\x00 not http\r\n\r\n')
  await waitFor(() => closed, 'the monitor to close the connection')
  assert.match(reply, /^HTTP\/1\.1 400 /)
  assert.is(monitor.counters.socketErrors, errorsBefore + 1)
  await assertGatewayAndMonitorAlive()
})

test('an upgrade with Origin http://evil.example gets 403 and is closed', async () => {
  const refusedBefore = monitor.counters.refusedUpgrades
  const conn = await rawUpgrade(portOf(monitor.url), { Origin: 'http://evil.example' })
  assert.is(conn.status, 403)
  await waitFor(() => conn.closed(), 'the monitor to close the refused connection')
  assert.match(conn.body().toString(), 'Origin')
  assert.is(monitor.counters.refusedUpgrades, refusedBefore + 1)
})

test('an upgrade from the monitor page on another port of the same host gets 403', async () => {
  const port = portOf(monitor.url)
  const conn = await rawUpgrade(port, { Origin: `http://127.0.0.1:${port + 1}` })
  assert.is(conn.status, 403)
})

test('an upgrade with a foreign Host header gets 403, and so does a plain request (DNS rebinding)', async () => {
  const port = portOf(monitor.url)
  const refusedBefore = monitor.counters.refusedUpgrades
  const conn = await rawUpgrade(port, { Host: `rebind.example:${port}`, Origin: `http://rebind.example:${port}` })
  assert.is(conn.status, 403)
  await waitFor(() => conn.closed(), 'the monitor to close the refused connection')
  assert.is(monitor.counters.refusedUpgrades, refusedBefore + 1)
  for (const path of ['/snapshot', '/metrics', '/']) {
    assert.is(await getWithHost(port, path, `rebind.example:${port}`), 403, `${path} with a foreign Host`)
    assert.is(await getWithHost(port, path, `localhost:${port}`), 200, `${path} as localhost`)
  }
})

test('the monitor’s own origin, an origin on allowOrigins and a tool without Origin are accepted', async () => {
  const port = portOf(monitor.url)
  const accepted: Record<string, string>[] = [{ Origin: `http://127.0.0.1:${port}` }, { Origin: 'http://trusted.example' }, {}]
  for (const headers of accepted) {
    const conn = await rawUpgrade(port, headers)
    assert.is(conn.status, 101, JSON.stringify(headers))
    await waitFor(() => serverFrames(conn.body()).some((f) => f.opcode === 0x1), 'a snapshot on the accepted feed')
    conn.socket.destroy()
  }
})

test('a page on another origin in a real browser cannot open the feed (Debian chromium)', async () => {
  const port = portOf(monitor.url)
  const html = `<!doctype html><script>
    const ws = new WebSocket('ws://127.0.0.1:${port}/feed')
    const seen = []
    window.result = new Promise((resolve) => {
      ws.onmessage = () => resolve([...seen, 'message'])
      ws.onerror = () => seen.push('error')
      ws.onclose = (e) => resolve([...seen, 'close ' + e.code])
    })
  </script>`
  pageServer = createHttpServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html))
  await new Promise<void>((r) => pageServer!.listen(0, '127.0.0.1', () => r()))
  const pagePort = (pageServer.address() as { port: number }).port
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] })
  const refusedBefore = monitor.counters.refusedUpgrades
  const page = await browser.newPage()
  await page.goto(`http://127.0.0.1:${pagePort}/`)
  const seen = (await page.evaluate('window.result')) as string[]
  assert.equal(seen, ['error', 'close 1006'])
  assert.ok(monitor.counters.refusedUpgrades > refusedBefore, 'refusedUpgrades rose')
  await page.close()
})

test('a message larger than maxPayload closes that client with 1009 and the monitor keeps running', async () => {
  const ws = new WebSocket(`ws://127.0.0.1:${portOf(monitor.url)}/feed`)
  ws.on('error', () => {})
  let code: number | undefined
  ws.on('close', (c) => (code = c))
  await new Promise<void>((r) => ws.once('open', () => r()))
  ws.send(Buffer.alloc(2048, 0x41))
  await waitFor(() => code !== undefined, 'the monitor to close the client')
  assert.is(code, 1009)
  await assertGatewayAndMonitorAlive()
  const next = new WebSocket(`ws://127.0.0.1:${portOf(monitor.url)}/feed`)
  next.on('error', () => {})
  let messages = 0
  next.on('message', () => messages++)
  await waitFor(() => messages >= 2, 'snapshots on a new feed client')
  next.terminate()
})

test('any message on the read-only feed closes that client with 1003', async () => {
  const ws = new WebSocket(`ws://127.0.0.1:${portOf(monitor.url)}/feed`)
  ws.on('error', () => {})
  let code: number | undefined
  ws.on('close', (c) => (code = c))
  await new Promise<void>((r) => ws.once('open', () => r()))
  ws.send('hello')
  await waitFor(() => code !== undefined, 'the monitor to close the client')
  assert.is(code, 1003)
})

test('a client that never reads is terminated once its queue passes maxBufferedBytes; a reading client carries on', async () => {
  const slow = await startMonitor(gateway, { host: '127.0.0.1', port: 0 }, 20, { maxBufferedBytes: 4096 })
  extraMonitors.push(slow)
  // A sweep over every unit id (answered 0x0A by the router) makes the unit table, sent each interval, large.
  for (let unit = 1; unit <= 247; unit++) {
    try {
      await client.readHoldingRegisters(unit, 0, 1)
    } catch {}
  }
  const snapshotBytes = (await (await fetch(`${slow.url}snapshot`)).text()).length
  assert.ok(snapshotBytes > 10 * 4096, `snapshots are large: ${snapshotBytes} bytes`)
  const conn = await rawUpgrade(portOf(slow.url))
  assert.is(conn.status, 101)
  conn.socket.pause()
  const reader = new WebSocket(`ws://127.0.0.1:${portOf(slow.url)}/feed`)
  reader.on('error', () => {})
  let afterDrop = 0
  reader.on('message', () => slow.counters.droppedSlowClients > 0 && afterDrop++)
  await waitFor(() => slow.counters.droppedSlowClients >= 1, 'the slow client to be dropped', 30000)
  await waitFor(() => afterDrop >= 5, 'messages to the reading client after the drop', 30000)
  assert.not.ok(conn.closed())
  assert.is(reader.readyState, WebSocket.OPEN, 'the reading client is still connected')
  reader.terminate()
  conn.socket.resume()
  await waitFor(() => conn.closed(), 'the end of the dropped connection once read', 30000)
  assert.is(slow.counters.droppedSlowClients, 1)
})

test('fifty feed clients that vanish right after the upgrade, mid-history, leave the feed working for the next', async () => {
  const port = portOf(monitor.url)
  for (let i = 0; i < 50; i++) {
    const conn = await rawUpgrade(port)
    assert.is(conn.status, 101)
    conn.socket.resetAndDestroy()
  }
  const ws = new WebSocket(`ws://127.0.0.1:${port}/feed`)
  ws.on('error', () => {})
  const messages: { history: boolean; trends?: TrendBlock }[] = []
  ws.on('message', (m) => messages.push(JSON.parse(String(m))))
  await waitFor(() => messages.length >= 3, 'three messages on a new feed client', 10000)
  assert.ok(messages[0].history, 'the first message carries the history')
  assert.ok(messages[0].trends?.buses.sim, 'the history has the bus sim')
  assert.ok(messages.slice(1).every((m) => !m.history), 'later messages are increments')
  ws.terminate()
  await assertGatewayAndMonitorAlive()
})

test('a client sweeping every unit id leaves the trends within the unit cap; the rest are counted, not trended', async () => {
  const capped = await startMonitor(gateway, { host: '127.0.0.1', port: 0 }, 50, { maxTrendUnits: 8 })
  extraMonitors.push(capped)
  for (let unit = 1; unit <= 247; unit++) {
    try {
      await client.readHoldingRegisters(unit, 0, 1)
    } catch {}
  }
  assert.is(capped.stats.trends.trackedUnits, 8)
  const trends = (await (await fetch(`${capped.url}trends`)).json()) as TrendBlock
  assert.equal(Object.keys(trends.units), ['1', '2', '3', '4', '5', '6', '7', '8'])
  assert.is(trends.maxUnits, 8)
  assert.is(trends.untrackedUnits.length, 247 - 8)
  const snapshot = (await (await fetch(`${capped.url}snapshot`)).json()) as Snapshot
  assert.is(snapshot.units.length, 247, 'every unit is still counted in the table')
  assert.is(snapshot.units.find((u) => u.unit === 200)?.trended, false)
  assert.is(snapshot.units.find((u) => u.unit === 2)?.trended, true)
  await assertGatewayAndMonitorAlive()
})

test('a non-loopback bind warns once that the monitor is reachable with no authentication; loopback does not', async () => {
  assert.equal(warnings, [], 'no warning for 127.0.0.1')
  const wide: string[] = []
  const open = await startMonitor(gateway, { host: '0.0.0.0', port: 0 }, 500, { onWarning: (m) => wide.push(m) })
  extraMonitors.push(open)
  assert.is(wide.length, 1)
  assert.match(wide[0], 'reachable from the network')
  assert.match(wide[0], 'no authentication')
  assert.match(wide[0], open.url)
  const port = portOf(open.url)
  assert.is(await getWithHost(port, '/snapshot', `127.0.0.1:${port}`), 200, 'reached through loopback on a wildcard bind')
  assert.is(await getWithHost(port, '/snapshot', `rebind.example:${port}`), 403)
})

test('startMonitor on a port already in use rejects with a TransportError naming the address', async () => {
  const port = portOf(monitor.url)
  const listenersOf = () => ['transaction', 'stray', 'bus'].map((e) => gateway.listenerCount(e))
  const listeners = listenersOf()
  await rejects(startMonitor(gateway, { host: '127.0.0.1', port }), TransportError, (e: TransportError) => {
    assert.match(e.message, `127.0.0.1:${port}`)
    assert.match(e.message, 'EADDRINUSE')
    assert.is(e.code, 'MB_ERR_TRANSPORT')
  })
  assert.equal(listenersOf(), listeners, 'the failed monitor left no listener on the gateway')
})

test('runGateway closes the gateway again when its monitor cannot listen', async () => {
  const probe = createTcpServer()
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()))
  const modbusPort = (probe.address() as { port: number }).port
  await new Promise<void>((r) => probe.close(() => r()))
  const config = defaultGatewayConfig({ listen: `tcp://127.0.0.1:${modbusPort}`, monitor: `127.0.0.1:${portOf(monitor.url)}`, baud: 115200 })
  const running = runGateway(config, await startSimulatedBus([1, 2, 3], 115200))
  await rejects(running, TransportError, (e: TransportError) => assert.match(e.message, 'EADDRINUSE'))
  const again = createTcpServer()
  await new Promise<void>((resolve, reject) => again.once('error', reject).listen(modbusPort, '127.0.0.1', () => resolve()))
  await new Promise<void>((r) => again.close(() => r()))
})

test('the CLI reports a busy monitor port in one line and exits 2', async () => {
  const r = await runCli(['proxy', '--listen', 'tcp://127.0.0.1:0', '--monitor', `127.0.0.1:${portOf(monitor.url)}`])
  assert.is(r.code, 2)
  assert.is(r.stderr, `modbridge: MB_ERR_TRANSPORT: the monitor cannot listen on 127.0.0.1:${portOf(monitor.url)}: the address is in use (EADDRINUSE)\n`)
})

test.run()

// ---

const guard = suite('monitor access check: Host against DNS rebinding, Origin against other pages')

function req(host: string | undefined, origin?: string, local = '127.0.0.1', port = 8020): CheckedRequest {
  return { headers: { host, origin }, socket: { localAddress: local, localPort: port } }
}

type GuardCase = [string, string, AccessPolicy, CheckedRequest, 'host' | 'origin' | 'ok']
const CASES: GuardCase[] = [
  ['bound address', '127.0.0.1', {}, req('127.0.0.1:8020'), 'ok'],
  ['localhost for a loopback bind', '127.0.0.1', {}, req('localhost:8020'), 'ok'],
  ['[::1] for a loopback bind', '127.0.0.1', {}, req('[::1]:8020'), 'ok'],
  ['upper-case Host', '127.0.0.1', {}, req('LOCALHOST:8020'), 'ok'],
  ['a foreign name', '127.0.0.1', {}, req('rebind.example:8020'), 'host'],
  ['another port', '127.0.0.1', {}, req('127.0.0.1:8021'), 'host'],
  ['no Host header', '127.0.0.1', {}, req(undefined), 'host'],
  ['IPv6 loopback bind', '::1', {}, req('[::1]:8020', undefined, '::1'), 'ok'],
  ['wildcard bind, reached on its LAN address', '0.0.0.0', {}, req('192.168.1.5:8020', undefined, '192.168.1.5'), 'ok'],
  ['wildcard bind, localhost on a LAN connection', '0.0.0.0', {}, req('localhost:8020', undefined, '192.168.1.5'), 'host'],
  ['dual-stack wildcard, IPv4-mapped local address', '::', {}, req('10.0.0.2:8020', undefined, '::ffff:10.0.0.2'), 'ok'],
  ['port 80 without a port in Host', '127.0.0.1', {}, req('127.0.0.1', undefined, '127.0.0.1', 80), 'ok'],
  ['a listed Host', '127.0.0.1', { allowHosts: ['gw.plant:8020'] }, req('gw.plant:8020', 'http://gw.plant:8020'), 'ok'],
  ["allowHosts '*'", '127.0.0.1', { allowHosts: ['*'] }, req('anything:1'), 'ok'],
  ['own origin', '127.0.0.1', {}, req('127.0.0.1:8020', 'http://127.0.0.1:8020'), 'ok'],
  ['own origin behind TLS', '127.0.0.1', {}, req('127.0.0.1:8020', 'https://127.0.0.1:8020'), 'ok'],
  ['a foreign origin', '127.0.0.1', {}, req('127.0.0.1:8020', 'http://evil.example'), 'origin'],
  ['origin of another port', '127.0.0.1', {}, req('127.0.0.1:8020', 'http://127.0.0.1:8021'), 'origin'],
  ['opaque origin "null"', '127.0.0.1', {}, req('127.0.0.1:8020', 'null'), 'origin'],
  ['a listed origin', '127.0.0.1', { allowOrigins: ['http://Trusted.example/'] }, req('127.0.0.1:8020', 'http://trusted.example'), 'ok'],
  ["allowOrigins '*'", '127.0.0.1', { allowOrigins: ['*'] }, req('127.0.0.1:8020', 'http://evil.example'), 'ok'],
  ["allowOrigins '*' still checks Host", '127.0.0.1', { allowOrigins: ['*'] }, req('rebind.example:8020', 'http://evil.example'), 'host'],
]
for (const [what, bound, policy, incoming, expected] of CASES) {
  guard(`${what}: ${expected === 'ok' ? 'accepted' : `refused by the ${expected} check`}`, () => {
    const check = createAccessCheck(bound, policy)
    const refusedBy = check.hostRefusal(incoming) ? 'host' : check.originRefusal(incoming) ? 'origin' : 'ok'
    assert.is(refusedBy, expected)
  })
}

guard('loopback addresses', () => {
  for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) assert.ok(isLoopback(h), h)
  for (const h of ['0.0.0.0', '::', '192.168.1.5', 'gw.plant', '128.0.0.1', '::ffff:10.0.0.1']) assert.not.ok(isLoopback(h), h)
})

guard.run()
