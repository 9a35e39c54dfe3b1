import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { markedHex, matrixCell, renderHtml } from '../../../conformance/reporters/html.ts'
import { diffHex } from '../../../conformance/reporters/hex-diff.ts'
import { fixtureReport } from './fixture-report.ts'

const test = suite('index.html')
const report = fixtureReport()
const page = renderHtml(report)

/** The text of the element with this id attribute up to its matching close (no nesting of the same tag assumed). */
function section(id: string, tag: string): string {
  const start = page.indexOf(`id="${id}"`)
  assert.ok(start >= 0, `no element with id ${id}`)
  return page.slice(start, page.indexOf(`</${tag}>`, start))
}

test('is one HTML document with inline CSS and the verdict up front', () => {
  assert.ok(page.startsWith('<!doctype html>\n<html lang="en">'))
  assert.ok(page.trimEnd().endsWith('</html>'))
  assert.match(page, /<style>[^<]*\.verdict/)
  assert.match(page, '<p id="verdict" class="verdict fail">FAIL</p>')
  assert.match(page, '<title>modbridge conformance: FAIL — rtu:///dev/ttyUSB0?baud=19200&amp;parity=even</title>')
})
test('loads nothing from outside: no src or href to another origin, no @import or url()', () => {
  assert.not.match(page, /\b(src|href)\s*=\s*["']?\s*(https?:|\/\/|file:|data:)/i)
  assert.not.match(page, /@import|url\(/i)
  assert.not.match(page, /<(script|link|img|iframe|object|embed)\b/i)
  assert.is((page.match(/\bhref="/g) ?? []).length, 3, 'only the in-page links of the three failing cases')
  for (const href of page.matchAll(/\bhref="([^"]*)"/g)) assert.match(href[1], /^#case-\d+$/)
})
test('summary: counts by severity, the duration and the wire-time share of a serial run', () => {
  const counts = section('counts', 'table')
  assert.match(counts, '<tr><th>All</th><td>7</td><td>3</td><td>2</td><td>1</td><td>1</td></tr>')
  assert.match(counts, '<tr><th class="sev-must">must</th><td>3</td><td>1</td><td>1</td><td>1</td><td>0</td></tr>')
  assert.match(page, '<dt>Duration</dt><dd>2.1 s</dd>')
  assert.match(page, '<dt>Wire time</dt><dd>420 ms (20.0% of the run)</dd>')
  assert.not.match(renderHtml({ ...report, timing: { ...report.timing, wireMs: null } }), 'Wire time')
})
test('matrix: a passed/judged cell per (function, category) with cases, coloured by outcome', () => {
  const matrix = section('matrix', 'table')
  assert.match(matrix, '<th>0x03 readHoldingRegisters</th>')
  assert.match(matrix, /<td class="cell cell-pass" data-cell="0x03\/positive" title="1 passed, 0 failed, 0 errors, 0 skipped">1\/1<\/td>/)
  assert.match(matrix, /<td class="cell cell-must" data-cell="0x03\/negative"[^>]*>0\/1<\/td>/)
  assert.match(matrix, /<td class="cell cell-skip" data-cell="0x06\/positive"[^>]*>skipped<\/td>/)
  assert.match(matrix, /<td class="cell cell-should" data-cell="—\/framing"[^>]*>0\/1<\/td>/)
  assert.match(matrix, '<td class="cell" data-cell="0x03/exception"></td>')
  assert.is((matrix.match(/<tr>/g) ?? []).length, 1 + 5, 'a header row and one row per function code (and one for none)')
})
test('a mixed cell counts only judged cases and notes the skips', () => {
  const cell = matrixCell('0x03', 'positive', { total: 4, passed: 2, failed: 1, errors: 0, skipped: 1, notRun: 0, worst: 'may' })
  assert.match(cell, /class="cell cell-may"[^>]*>2\/3<small>\+1 skipped<\/small><\/td>$/)
})
test('each failure and error gets one block, must first; failures and errors are told apart', () => {
  const blocks = [...page.matchAll(/<article class="(failure|case-error) sev-(\w+)"/g)].map((m) => `${m[1]}:${m[2]}`)
  assert.equal(blocks, ['failure:must', 'case-error:must', 'failure:should'])
})
test('differing bytes are wrapped in <mark>, byte-aligned, on both sides of a different-length reply', () => {
  assert.match(page, '<h4>Expected</h4><code class="hex">01 03 <mark>02</mark> 00 0a</code>')
  assert.match(page, '<h4>Actual</h4><code class="hex">01 03 <mark>04</mark> 00 0a <mark>00 0b</mark></code>')
  assert.match(page, 'First difference at byte 2 (counting from 0). Actual is 2 bytes longer than expected.')
  assert.is(markedHex(diffHex('01 02 03', '01').expected), '<code class="hex">01 <mark>02 03</mark></code>')
})
test('a side without bytes says so and the other side is not marked', () => {
  assert.match(page, '<h4>Expected</h4><code class="hex nobytes">no bytes</code><p class="desc">silence</p>')
  const block = section('case-5', 'article')
  assert.not.match(block, '<mark>')
})
test('the response-time histogram is an inline <svg> with one bar per non-empty bucket', () => {
  const svg = section('response-histogram', 'svg')
  const nonEmpty = report.timing.response.histogram.filter((b) => b.count > 0).length
  assert.is((svg.match(/<rect class="bar"/g) ?? []).length, nonEmpty)
  assert.match(page, '5 replies timed: min 0.8 ms · p50 4.2 ms · p90 12 ms · p99 12 ms · max 12 ms')
  assert.not.match(page, 'gap-histogram')
})
test('gaps inside frames get their own histogram when measured', () => {
  const gaps = { ...report.timing.response, count: 2, histogram: [{ upToMs: 0.5, count: 2 }] }
  const withGaps = renderHtml({ ...report, timing: { ...report.timing, gapsInsideFrames: gaps } })
  assert.match(withGaps, /<svg id="gap-histogram"[^>]*><rect class="bar"/)
})
test('the case table has a row per case with its verdict, linking failures to their blocks', () => {
  const table = section('cases', 'table')
  assert.is((table.match(/<tr class="v-/g) ?? []).length, report.cases.length)
  assert.match(table, '<tr class="v-fail"><td><a href="#case-2"><code>fc03-byte-count</code></a></td>')
  assert.match(table, '<tr class="v-skip"><td><code>fc06-write</code></td>')
})
test('text from devices and vectors is escaped everywhere', () => {
  assert.not.match(page, '<script>')
  assert.match(page, 'Poll &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; repeat')
  assert.match(page, 'bad &quot;quantity&quot; &lt;0&gt; &amp; &#39;zero&#39; \\x01\\x1b[31m ]]&gt; done')
  assert.not.match(page, /[\x00-\x08\x0b\x0c\x0e-\x1f]/)
})
test('a passing run with no failures says so', () => {
  const passing = renderHtml(fixtureReport(report.cases.filter((c) => c.verdict === 'pass')))
  assert.match(passing, '<p>No failures and no errors.</p>')
  assert.not.match(passing, '<article')
})

test.run()
