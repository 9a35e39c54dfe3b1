import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { chromium, type Browser, type Page } from 'playwright-core'
import { renderHtml } from '../../../conformance/reporters/html.ts'
import { failingDeviceReport } from './failing-device-report.ts'
import { fixtureReport } from './fixture-report.ts'

// The functions given to page.evaluate run in the page; this project's tsconfig has no DOM lib.
declare const document: any, window: any, getComputedStyle: any

const CHROMIUM = '/usr/bin/chromium'
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
/**
 * The height of this same 274-case report as the renderer before issue 14 drew it (every case in
 * one table, each failure inline), in Debian chromium at 1280 × 900: 26,621 px. The new page must
 * stay far below it.
 */
const OLD_HEIGHT_PX = 26_621

const test = suite('the report of a failing device in a real browser (Debian chromium via playwright-core)')
const device = failingDeviceReport()
let browser: Browser
let dir: string
let url: string

test.before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'modbridge-report-'))
  writeFileSync(join(dir, 'index.html'), renderHtml(device))
  writeFileSync(join(dir, 'small.html'), renderHtml(fixtureReport()))
  url = pathToFileURL(join(dir, 'index.html')).href
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS })
})
test.after(async () => {
  await browser?.close()
  rmSync(dir, { recursive: true, force: true })
})

async function open(width: number, href = url): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: 900 } })
  await page.goto(href)
  return page
}

/** Document width and the viewport's, and the elements that stick out past the right edge. */
function overflow(page: Page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth
    const wide = [...document.querySelectorAll('body *')]
      .filter((e) => e.getClientRects().length > 0 && e.getBoundingClientRect().right > width + 0.5)
      .slice(0, 5)
      .map((e) => `${e.tagName.toLowerCase()}.${e.className}`)
    return { scrollWidth: document.documentElement.scrollWidth, width, wide }
  })
}

test('opened from a file: verdict, one block per failing case, nothing requested besides the page', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  const requested: string[] = []
  page.on('request', (r) => requested.push(r.url()))
  await page.goto(url)
  assert.is(await page.textContent('#verdict'), 'FAIL')
  assert.is(await page.locator('#failures article').count(), device.summary.failed - device.summary.warnings + device.summary.errors)
  assert.is(await page.locator('#warnings article').count(), device.summary.warnings)
  assert.equal(requested, [url], 'no request besides the page itself')
  await page.close()
})
test('failures come first: every failure block is above the passed and skipped cases', async () => {
  const page = await open(1280)
  // (No named functions inside evaluate: tsx would wrap them in a helper the page does not have.)
  const marks = await page.evaluate(() =>
    [...document.querySelectorAll('#summary, #failures article, #passed')].map((e) => ({ id: e.id, y: e.getBoundingClientRect().top + window.scrollY })),
  )
  const failures = marks.filter((m) => m.id.startsWith('case-')).map((m) => m.y)
  const tops = { summary: marks.find((m) => m.id === 'summary')!.y, passed: marks.find((m) => m.id === 'passed')!.y, firstFailure: failures[0] }
  assert.ok(tops.summary < tops.firstFailure)
  assert.ok(failures.length > 0 && failures.every((y) => y < tops.passed), 'a failure below the passed cases')
  assert.ok(tops.firstFailure < 1600, `the first failure starts ${tops.firstFailure} px down`)
  await page.close()
})
test('passed and skipped cases are collapsed: their lines are not shown until a group is opened', async () => {
  const page = await open(1280)
  const groups = page.locator('#passed details.fn-group')
  assert.ok((await groups.count()) > 10)
  assert.is(await page.locator('#passed details[open], #skipped details[open]').count(), 0)
  assert.is(await page.locator('#passed li:visible, #skipped li:visible').count(), 0)
  await page.locator('#passed details.fn-group[data-function="0x03"] > summary').click()
  const shown = await page.locator('#passed details.fn-group[data-function="0x03"] li:visible').count()
  assert.is(shown, device.cases.filter((c) => c.functionCode === 0x03 && c.verdict === 'pass').length)
  await page.close()
})
test('the page is far shorter than the old report of the same run', async () => {
  const page = await open(1280)
  const height = await page.evaluate(() => document.documentElement.scrollHeight)
  assert.ok(height < OLD_HEIGHT_PX / 2, `${height} px; the old report was ${OLD_HEIGHT_PX} px`)
  const expanded = await page.evaluate(() => {
    for (const d of document.querySelectorAll('details')) d.open = true
    return document.documentElement.scrollHeight
  })
  assert.ok(expanded > height * 1.5, `opening every group should add the ${device.summary.passed + device.summary.skipped} collapsed lines (${height} → ${expanded} px)`)
  await page.close()
})
test('at 400 px wide nothing scrolls sideways, expected and actual stack, long hex wraps between bytes', async () => {
  for (const file of ['index.html', 'small.html']) {
    const page = await open(400, pathToFileURL(join(dir, file)).href)
    await page.evaluate(() => {
      for (const d of document.querySelectorAll('details')) d.open = true
    })
    const o = await overflow(page)
    assert.ok(o.scrollWidth <= o.width, `${file}: scrollWidth ${o.scrollWidth} > ${o.width}: ${o.wide.join(', ')}`)
    const stacked = await page.evaluate(() => {
      const [e, a] = [...document.querySelectorAll('#failures article .compare > .side')].map((s) => s.getBoundingClientRect())
      return a.top >= e.bottom
    })
    assert.ok(stacked, `${file}: expected and actual side by side at 400 px`)
    await page.close()
  }
  const page = await open(400)
  const broken = await page.evaluate(() => [...document.querySelectorAll('.hex .b')].filter((b) => b.getClientRects().length > 1).length)
  assert.is(broken, 0, 'a byte split across lines')
  await page.close()
})
test('on a wide screen expected and actual stand side by side', async () => {
  const page = await open(1280)
  const sideBySide = await page.evaluate(() => {
    const [e, a] = [...document.querySelectorAll('#failures article .compare > .side')].map((s) => s.getBoundingClientRect())
    return Math.abs(a.top - e.top) < 1 && a.left > e.right
  })
  assert.ok(sideBySide)
  await page.close()
})
test('print: no horizontal scroll at 400 px, sides stacked, no failure block split across pages', async () => {
  const page = await open(400)
  await page.emulateMedia({ media: 'print' })
  const o = await overflow(page)
  assert.ok(o.scrollWidth <= o.width, `print: scrollWidth ${o.scrollWidth} > ${o.width}: ${o.wide.join(', ')}`)
  const style = await page.evaluate(() => {
    const articles = [...document.querySelectorAll('#failures article, #warnings article')]
    return {
      avoid: articles.every((a) => getComputedStyle(a).breakInside === 'avoid'),
      columns: getComputedStyle(document.querySelector('.compare')!).gridTemplateColumns.split(' ').length,
      nav: getComputedStyle(document.querySelector('nav.jump')!).display,
    }
  })
  assert.equal(style, { avoid: true, columns: 1, nav: 'none' })
  await page.emulateMedia({ media: 'screen' })
  const wide = await open(1280)
  await wide.emulateMedia({ media: 'print' })
  const pdf = await wide.pdf({ format: 'A4', printBackground: true })
  assert.ok(pdf.length > 10_000 && pdf.subarray(0, 5).toString() === '%PDF-', 'prints to PDF')
  await wide.close()
  await page.close()
})
test('the spec links and the capture link go where they say', async () => {
  const page = await open(1280)
  const first = page.locator('#failures article .spec a').first()
  assert.match((await first.getAttribute('href')) ?? '', /^https:\/\/modbus\.org\/docs\/Modbus_Application_Protocol_V1_1b3\.pdf#page=\d+$/)
  const capture = await page.evaluate(() => document.querySelector('#capture-link').href as string)
  assert.is(capture, new URL('capture.pcapng', url).href)
  await page.close()
})

test.run()
