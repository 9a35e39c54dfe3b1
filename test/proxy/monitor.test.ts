/**
 * The monitor page under traffic in Debian chromium (playwright-core): a gateway in front of
 * simulated RTU slaves (units 1-3 on bus "plant") and a bus "dead" whose line nobody answers on
 * (unit 9). Charts are read from the page's own data (uPlot's series), never from pixels or timing.
 */
import { mkdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { chromium, type Browser, type Page } from 'playwright-core'
import { connectClient, createRtuFramer, type ModbusClient } from '../../core/index.ts'
import { createVirtualLine, type VirtualLine } from '../../core/transport/virtual-line.ts'
import { validateConfig } from '../../proxy/config.ts'
import { Gateway } from '../../proxy/gateway.ts'
import { startMonitor, type Monitor } from '../../proxy/monitor.ts'
import { startSimulatedBus, type SimulatedBus } from '../../proxy/simulated-bus.ts'
import type { TrendBlock } from '../../proxy/trends.ts'
import { waitFor } from '../helpers/wait.ts'

// The functions given to page.evaluate run in the page; this project's tsconfig has no DOM lib.
declare const document: any, window: any, getComputedStyle: any, NodeFilter: any

const CHROMIUM = '/usr/bin/chromium'
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
const SCREENSHOT = new URL('../../reports/monitor-under-traffic.png', import.meta.url)
/** --error in style.css, #b3261e. */
const ERROR_RED = 'rgb(179, 38, 30)'

interface ChartInfo {
  key: string
  metric: 'tps' | 'latency' | 'problems'
  canvas: boolean
  points: number
  firstTime: number | null
  lastTime: number | null
  series: { name: string; last: number | null; sum: number; nonNull: number }[]
}

const test = suite('monitor with trends in a real browser (Debian chromium via playwright-core)')
let sim: SimulatedBus
let dead: VirtualLine
let gateway: Gateway
let monitor: Monitor
let client: ModbusClient
let browser: Browser
let page: Page
let running = true
let traffic: Promise<void>
const problems: string[] = []
const foreignRequests: string[] = []

/** Reads in a loop: units 1-3 answer (with an exception now and then), unit 9 on the dead bus never does. */
async function drive(): Promise<void> {
  for (let i = 0; running; i++) {
    try {
      if (i % 9 === 4) await client.readHoldingRegisters(9, 0, 2)
      else if (i % 11 === 5) await client.readHoldingRegisters(3, 9999, 2)
      else if (i % 6 === 1) await client.readInputRegisters(2, 10, 2)
      else if (i % 13 === 7) await client.readHoldingRegisters(1, 0, 40)
      else await client.readHoldingRegisters(1 + (i % 3), 0, 4)
    } catch {
      // Exceptions and timeouts are part of the traffic.
    }
  }
}

test.before(async () => {
  sim = await startSimulatedBus([1, 2, 3], 115200)
  dead = createVirtualLine({ baud: 115200, label: 'dead line' })
  const config = validateConfig({
    listen: ['tcp://127.0.0.1:0'],
    buses: {
      // Generous: a timeout here would turn the plant's health to "warning", and a busy CI machine can
      // hold the virtual line's timers back for a few hundred ms.
      plant: { address: 'rtu:///virtual?baud=115200', timeout: 3000, retries: 0 },
      dead: { address: 'rtu:///virtual?baud=115200', timeout: 100, retries: 0 },
    },
    routes: [
      { units: '1-3', bus: 'plant' },
      { units: 9, bus: 'dead' },
    ],
  })
  gateway = new Gateway(config, { links: { plant: sim.open, dead: async () => dead.a } })
  await gateway.start()
  monitor = await startMonitor(gateway, { host: '127.0.0.1', port: 0 }, 100)
  client = connectClient(gateway.listening[0], { timeout: 10_000 })
  traffic = drive()
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS })
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  const origin = new URL(monitor.url).origin
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`))
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
  page.on('request', (r) => !r.url().startsWith(origin) && !r.url().startsWith('data:') && foreignRequests.push(r.url()))
  await page.goto(monitor.url)
  await page.waitForSelector('#status.live', { timeout: 10000 })
})
test.after(async () => {
  running = false
  await traffic
  await browser?.close()
  await client?.close()
  await monitor?.close()
  await gateway?.close()
  await sim?.close()
  dead?.cut()
})

const charts = (): Promise<ChartInfo[]> => page.evaluate(() => window.modbridgeMonitor.charts())
const chart = async (key: string, metric: ChartInfo['metric']) => (await charts()).find((c) => c.key === key && c.metric === metric)
/** A computed style, read in one step (the tables are redrawn ten times a second). */
const computed = (selector: string, property: string): Promise<string> =>
  page.evaluate(([sel, prop]) => getComputedStyle(document.querySelector(sel))[prop], [selector, property])
const requestTotal = async () => Number(await page.textContent('#total-requests'))

test('uPlot comes from the installed package through the gateway; the page loads nothing from elsewhere, under a CSP', async () => {
  const served = Buffer.from(await (await fetch(`${monitor.url}vendor/uPlot.iife.min.js`)).arrayBuffer())
  const installed = readFileSync(createRequire(import.meta.url).resolve('uplot/dist/uPlot.iife.min.js'))
  assert.ok(served.equals(installed), 'the served uPlot is the installed file')
  const home = await fetch(monitor.url)
  assert.match(home.headers.get('content-security-policy') ?? '', "script-src 'self'")
  assert.match(home.headers.get('content-security-policy') ?? '', "connect-src 'self'")
  assert.is(await page.evaluate(() => window.modbridgeMonitor.chartsAvailable), true)
  assert.equal(foreignRequests, [])
})

test('every bus and every unit gets uPlot charts, and their data moves as traffic flows', async () => {
  const keys = ['bus:plant', 'bus:dead', 'unit:1', 'unit:2', 'unit:3', 'unit:9']
  await waitFor(async () => {
    const all = await charts()
    return keys.every((k) => all.filter((c) => c.key === k && c.canvas && c.points >= 2).length === 3)
  }, 'three charts with two seconds each for every bus and unit', 20000)
  assert.ok((await page.locator('.trend-card .uplot canvas').count()) >= keys.length * 3, 'uPlot canvases on the page')
  const before = (await chart('bus:plant', 'tps'))!
  await waitFor(async () => {
    const now = (await chart('bus:plant', 'tps'))!
    return now.points >= before.points + 2 && now.lastTime! >= before.lastTime! + 2 && now.series[0].sum > before.series[0].sum
  }, 'the plant transactions chart to gain two seconds of traffic', 20000)
  const tps = (await chart('bus:plant', 'tps'))!
  assert.ok(tps.series[0].last! > 0, `transactions in the last second: ${tps.series[0].last}`)
  const latency = (await chart('bus:plant', 'latency'))!
  assert.ok(latency.series.every((s) => s.nonNull > 0), 'plant has p50 and p99 points')
  const deadLatency = (await chart('unit:9', 'latency'))!
  assert.ok(deadLatency.series.every((s) => s.nonNull === 0), 'unit 9 has no latency point at all (gaps, not zeros)')
  const deadProblems = (await chart('bus:dead', 'problems'))!
  assert.ok(deadProblems.series.find((s) => s.name === 'timeouts')!.sum > 0, 'timeouts drawn for the dead bus')
  assert.ok((await chart('unit:3', 'problems'))!.series.find((s) => s.name === 'exceptions')!.sum > 0, 'exceptions drawn for unit 3')
})

test('the page’s trend equals the gateway’s second by second: history plus increments lose and double nothing', async () => {
  const mine = (await page.evaluate(() => window.modbridgeMonitor.trend('bus:plant'))) as { times: number[]; transactions: number[]; timeouts: number[] }
  const theirs = (await (await fetch(`${monitor.url}trends`)).json()) as TrendBlock
  const index = new Map(theirs.times.map((t, i) => [t, i]))
  const shared = mine.times.filter((t) => index.has(t))
  assert.ok(shared.length >= 3, `seconds in common: ${shared.length}`)
  assert.equal(mine.times, [...new Set(mine.times)].sort((a, b) => a - b), 'no second twice, in order')
  for (const t of shared) {
    const i = mine.times.indexOf(t)
    assert.is(mine.transactions[i], theirs.buses.plant.transactions[index.get(t)!], `transactions at ${t}`)
    assert.is(mine.timeouts[i], theirs.buses.plant.timeouts[index.get(t)!], `timeouts at ${t}`)
  }
})

test('a frame nobody asked for on the dead line shows as a stray frame in its bus’s chart and row', async () => {
  // Unit 7's reply to a read of one register, sent unasked: the bus discards it as stray.
  const frame = createRtuFramer({ expect: 'response' }).encode(7, Buffer.from('03020007', 'hex'))
  await dead.b.write(frame)
  await waitFor(async () => (await chart('bus:dead', 'problems'))!.series.find((s) => s.name === 'stray')!.sum >= 1, 'a stray frame in the dead bus’s chart', 20000)
  assert.is(await page.textContent('#buses tr[data-bus="dead"] td.stray'), '1')
  assert.is((await chart('bus:plant', 'problems'))!.series.find((s) => s.name === 'stray')!.sum, 0, 'none on the plant bus')
})

test('a bus whose device never answers is red with its timeouts, not a black "up"', async () => {
  await page.waitForSelector('#buses tr[data-bus="dead"][data-health="error"]', { timeout: 10000 })
  const row = page.locator('#buses tr[data-bus="dead"]')
  assert.is(await row.locator('.pill').textContent(), 'up')
  assert.match((await row.locator('.why').textContent()) ?? '', /^(\d+) of \1 timed out in the last 60 s$/)
  assert.is(await computed('#buses tr[data-bus="dead"] .pill', 'color'), ERROR_RED)
  assert.is(await page.locator('.trend-card[data-key="bus:dead"]').getAttribute('data-health'), 'error')
  assert.is(await computed('.trend-card[data-key="bus:dead"]', 'borderTopColor'), ERROR_RED)
  assert.is(await page.locator('#buses tr[data-bus="plant"]').getAttribute('data-health'), 'ok')
})

test('a unit that never answered is marked, and its latency is "–", never 0.00', async () => {
  await page.waitForSelector('#units tr[data-unit="9"].never-answered', { timeout: 10000 })
  const row = page.locator('#units tr[data-unit="9"]')
  assert.is(await row.locator('.pill').textContent(), 'never answered')
  assert.is(await row.locator('td.p50').textContent(), '–')
  assert.is(await row.locator('td.p99').textContent(), '–')
  assert.is(await row.locator('td.answered').textContent(), '0')
  assert.match((await page.locator('#units tr[data-unit="1"] td.p50').textContent()) ?? '', /^\d+\.\d\d$/)
  assert.is(await page.locator('#units tr[data-unit="1"]').getAttribute('data-health'), 'ok')
})

/** Hex cells whose bytes are broken across lines, and whether any cell wraps at all (details unfolded). */
function hexLayout(p: Page): Promise<{ split: string[]; wrapped: number; cells: number }> {
  return p.evaluate(() => {
    for (const d of document.querySelectorAll('#frames td.hex details')) d.open = true
    const split: string[] = []
    let wrapped = 0
    const cells = document.querySelectorAll('#frames td.hex')
    for (const td of cells) {
      const walker = document.createTreeWalker(td, NodeFilter.SHOW_TEXT)
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const whole = document.createRange()
        whole.selectNodeContents(n)
        const tops = new Set([...whole.getClientRects()].map((r: any) => Math.round(r.top)))
        if (tops.size > 1) wrapped++
        for (const m of n.textContent.matchAll(/[0-9a-f]{2}(?= |$)/g)) {
          const r = document.createRange()
          r.setStart(n, m.index)
          r.setEnd(n, m.index + 2)
          const lines = new Set([...r.getClientRects()].filter((x: any) => x.width > 0).map((x: any) => Math.round(x.top)))
          if (lines.size > 1) split.push(n.textContent)
        }
      }
    }
    return { split, wrapped, cells: cells.length }
  })
}

test('frames: hex spaced by byte and never broken inside one, 24-hour times with milliseconds', async () => {
  await page.waitForSelector('#frames tbody tr', { timeout: 10000 })
  const times = await page.locator('#frames tbody td.time').allTextContents()
  assert.ok(times.length > 0)
  for (const t of times) assert.match(t, /^([01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}$/)
  const hex = await page.locator('#frames tbody td.hex.request').allTextContents()
  for (const h of hex) assert.match(h, /^[0-9a-f]{2}( [0-9a-f]{2})+$/)
  const layout = await hexLayout(page)
  assert.equal(layout.split, [], 'no byte split across lines')
})

test('filters: unit, bus, function code and exceptions only', async () => {
  const rows = (attr: string) => page.locator('#frames tbody tr').evaluateAll((trs, a) => trs.map((tr) => tr.getAttribute(a)), attr)
  const only = async (attr: string, value: string, what: string) => {
    await waitFor(async () => {
      const values = await rows(attr)
      return values.length > 0 && values.every((v) => v === value)
    }, what, 10000)
  }
  await page.waitForSelector('#filters select[name="unit"] option[value="2"]', { state: 'attached', timeout: 10000 })
  await page.selectOption('#filters select[name="unit"]', '2')
  await only('data-unit', '2', 'only unit 2 frames')
  await page.selectOption('#filters select[name="unit"]', '')
  await page.selectOption('#filters select[name="bus"]', 'dead')
  await only('data-bus', 'dead', 'only frames of the dead bus')
  await page.selectOption('#filters select[name="bus"]', '')
  await page.waitForSelector('#filters select[name="fc"] option[value="4"]', { state: 'attached', timeout: 10000 })
  await page.selectOption('#filters select[name="fc"]', '4')
  await only('data-fc', '4', 'only function 0x04 frames')
  assert.is(await page.locator('#frames tbody tr:first-child td.hex.request').textContent(), '04 00 0a 00 02')
  assert.match((await page.locator('#frames tbody tr:first-child td.fc').textContent()) ?? '', '0x04 readInputRegisters')
  await page.selectOption('#filters select[name="fc"]', '')
  await page.check('#filters input[name="exceptions"]')
  await only('class', 'exception', 'only frames with an exception')
  await page.uncheck('#filters input[name="exceptions"]')
  await waitFor(async () => (await rows('class')).some((c) => c !== 'exception'), 'all frames again', 10000)
})

test('pause freezes the frame list and the charts while the page keeps collecting; resume catches up', async () => {
  const firstSeq = () => page.locator('#frames tbody tr:first-child').getAttribute('data-seq')
  await page.click('#pause')
  assert.is(await page.getAttribute('#pause', 'aria-pressed'), 'true')
  const seq = await firstSeq()
  const rowCount = await page.locator('#frames tbody tr').count()
  const tps = (await chart('bus:plant', 'tps'))!
  const total = await requestTotal()
  const held = async () => {
    const m = /(\d+) new frames and (\d+) s of trend held/.exec((await page.textContent('#held')) ?? '')
    return m ? { frames: Number(m[1]), seconds: Number(m[2]) } : { frames: 0, seconds: 0 }
  }
  await waitFor(async () => (await held()).seconds >= 2 && (await held()).frames >= 10, 'two seconds and ten frames held while paused', 20000)
  assert.ok((await requestTotal()) > total, 'the totals still update')
  assert.is(await firstSeq(), seq, 'the frame list did not move')
  assert.is(await page.locator('#frames tbody tr').count(), rowCount)
  const frozen = (await chart('bus:plant', 'tps'))!
  assert.is(frozen.points, tps.points, 'the chart did not move')
  assert.is(frozen.lastTime, tps.lastTime)
  await page.click('#pause')
  assert.is(await page.getAttribute('#pause', 'aria-pressed'), 'false')
  assert.ok(Number(await firstSeq()) > Number(seq), 'the list caught up at once')
  const resumed = (await chart('bus:plant', 'tps'))!
  assert.ok(resumed.lastTime! >= tps.lastTime! + 2, 'the chart caught up with the seconds held')
  assert.ok(await page.locator('#held').isHidden())
})

test('at 400 px wide nothing scrolls the page sideways, frames reflow, bytes stay whole; screenshots under traffic', async () => {
  mkdirSync(new URL('.', SCREENSHOT), { recursive: true })
  await page.screenshot({ path: SCREENSHOT.pathname, fullPage: true })
  await page.setViewportSize({ width: 400, height: 900 })
  const before = await requestTotal()
  await waitFor(async () => (await requestTotal()) > before + 5, 'the page to update at 400 px', 10000)
  const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }))
  assert.ok(widths.scroll <= 400, `document.scrollWidth ${widths.scroll} at a 400 px viewport`)
  assert.is(await page.locator('#frames thead').isHidden(), true, 'the frame table reflows into blocks')
  const chartWidth = await page.locator('.trend-card[data-key="bus:plant"] .uplot').first().evaluate((e) => e.getBoundingClientRect().right)
  assert.ok(chartWidth <= 400, `charts fit: right edge at ${chartWidth}`)
  const layout = await hexLayout(page)
  assert.ok(layout.wrapped > 0, 'some long frame wraps at this width')
  assert.equal(layout.split, [], 'and still never inside a byte')
  await page.screenshot({ path: SCREENSHOT.pathname.replace(/\.png$/, '-400px.png'), fullPage: true })
  await page.setViewportSize({ width: 1280, height: 900 })
})

test('the page raised no errors and no CSP violations', () => {
  assert.equal(problems, [])
  assert.equal(foreignRequests, [])
})

test.run()
