import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { chromium, type Browser } from 'playwright-core'
import { connectClient, type ModbusClient } from '../../core/index.ts'
import { Gateway } from '../../proxy/gateway.ts'
import { startMonitor, type Monitor } from '../../proxy/monitor.ts'
import { defaultGatewayConfig, startSimulatedBus, type SimulatedBus } from '../../proxy/simulated-bus.ts'
import { waitFor } from '../helpers/wait.ts'

const test = suite('live monitor in a real browser (Debian chromium via playwright-core)')
let sim: SimulatedBus
let gateway: Gateway
let monitor: Monitor
let browser: Browser
let client: ModbusClient

test.before(async () => {
  sim = await startSimulatedBus([1, 2, 3], 115200)
  gateway = new Gateway(defaultGatewayConfig({ listen: 'tcp://127.0.0.1:0', monitor: false, baud: 115200 }), { links: { sim: sim.open } })
  await gateway.start()
  monitor = await startMonitor(gateway, { host: '127.0.0.1', port: 0 }, 100)
  client = connectClient(gateway.listening[0], { timeout: 3000 })
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
})
test.after(async () => {
  await browser?.close()
  await client.close()
  await monitor.close()
  await gateway.close()
  await sim.close()
})

test('the page shows live numbers that change as traffic flows', async () => {
  const page = await browser.newPage()
  await page.goto(monitor.url)
  await page.waitForSelector('#status.live', { timeout: 10000 })
  const total = async () => Number(await page.textContent('#total-requests'))
  const before = await total()
  for (let i = 0; i < 10; i++) await client.readHoldingRegisters(1 + (i % 3), 0, 4)
  await waitFor(async () => (await total()) >= before + 10, 'the request total to rise by 10 on the page', 10000)
  await waitFor(async () => (await page.textContent('#units tr[data-unit="2"] td.requests')) !== null, 'a row for unit 2', 10000)
  const transactions = Number(await page.textContent('#buses tr[data-bus="sim"] td.transactions'))
  assert.ok(transactions >= 10, `bus transactions shown: ${transactions}`)
  for (let i = 0; i < 5; i++) await client.readInputRegisters(3, 10, 2)
  await waitFor(async () => Number(await page.textContent('#buses tr[data-bus="sim"] td.transactions')) >= transactions + 5, 'the bus counter to move', 10000)
  const frameHex = await page.textContent('#frames tbody tr:first-child td.hex')
  assert.is(frameHex, '04000a0002', 'the last request, in hex')
  const decoded = await page.textContent('#frames tbody tr:first-child td:nth-child(6)')
  assert.match(decoded ?? '', 'readInputRegisters')
  await page.close()
})

test('an exception shows in its unit row', async () => {
  const page = await browser.newPage()
  await page.goto(monitor.url)
  await page.waitForSelector('#status.live', { timeout: 10000 })
  try {
    await client.readHoldingRegisters(3, 9999, 10)
  } catch {}
  await waitFor(async () => ((await page.textContent('#units tr[data-unit="3"]')) ?? '').includes('0x02×1'), 'exception 0x02 counted for unit 3', 10000)
  await page.close()
})

test('/metrics serves Prometheus text with the bus and unit figures', async () => {
  const text = await (await fetch(`${monitor.url}metrics`)).text()
  assert.match(text, '# TYPE modbridge_bus_transactions_total counter')
  assert.match(text, /modbridge_bus_up\{bus="sim"\} 1/)
  const requests = Number(/modbridge_unit_requests_total\{unit="1"\} (\d+)/.exec(text)?.[1])
  assert.ok(requests >= 4, `unit 1 requests: ${requests}`)
  assert.match(text, /modbridge_unit_latency_milliseconds\{unit="1",quantile="0.99"\} [0-9.]+/)
})
test.run()
