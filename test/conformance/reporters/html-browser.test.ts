import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { chromium, type Browser } from 'playwright-core'
import { renderHtml } from '../../../conformance/reporters/html.ts'
import { fixtureReport } from './fixture-report.ts'

const CHROMIUM = '/usr/bin/chromium'
const test = suite('index.html in a real browser (Debian chromium via playwright-core)')
const report = fixtureReport()
let browser: Browser
let dir: string

test.before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'modbridge-report-'))
  writeFileSync(join(dir, 'index.html'), renderHtml(report))
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
})
test.after(async () => {
  await browser?.close()
  rmSync(dir, { recursive: true, force: true })
})

test('the page opened from a file shows the verdict and one block per failure, requesting nothing else', async () => {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } })
  const requested: string[] = []
  page.on('request', (r) => requested.push(r.url()))
  const url = pathToFileURL(join(dir, 'index.html')).href
  await page.goto(url)
  assert.is(await page.textContent('#verdict'), 'FAIL')
  assert.is(await page.locator('article.failure').count(), report.summary.failed)
  assert.is(await page.locator('article.case-error').count(), report.summary.errors)
  assert.is(await page.locator('#response-histogram rect.bar').count(), 4)
  assert.is(await page.locator('#matrix td.cell-must').count(), 2)
  assert.equal(requested, [url], 'no request besides the page itself')
  await page.screenshot({ path: '/tmp/conformance-report.png', fullPage: true })
  await page.close()
})
test('"show only failures and errors" hides passing and skipped rows without any script', async () => {
  const page = await browser.newPage()
  await page.goto(pathToFileURL(join(dir, 'index.html')).href)
  assert.is(await page.locator('#cases tbody tr:visible').count(), report.cases.length)
  await page.check('#only-failing')
  assert.is(await page.locator('#cases tbody tr:visible').count(), report.summary.failed + report.summary.errors)
  await page.close()
})

test.run()
