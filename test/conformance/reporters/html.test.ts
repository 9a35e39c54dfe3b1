import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { captureNote, matrixCell, renderHtml } from '../../../conformance/reporters/html.ts'
import type { ConformanceReport } from '../../../conformance/report.ts'
import { HOSTILE, failingDeviceReport } from './failing-device-report.ts'
import { caseReport, fixtureReport } from './fixture-report.ts'

const test = suite('index.html')
const report = fixtureReport()
const page = renderHtml(report)
const device = failingDeviceReport()
const devicePage = renderHtml(device)

/** The text from the element with this id attribute up to the first close of `tag` (no nesting of the same tag assumed). */
function element(html: string, id: string, tag: string): string {
  const start = html.indexOf(`id="${id}"`)
  assert.ok(start >= 0, `no element with id ${id}`)
  return html.slice(start, html.indexOf(`</${tag}>`, start))
}
/** The block of the case with this id. */
function block(html: string, caseId: string): string {
  const at = html.indexOf(`<code class="id">${caseId}</code>`)
  assert.ok(at >= 0, `no block for ${caseId}`)
  const start = html.lastIndexOf('<article', at)
  return html.slice(start, html.indexOf('</article>', at))
}
const caseIdOf = (html: string, anchor: string) => html.slice(html.indexOf(`id="${anchor}"`)).match(/<code class="id">([^<]+)<\/code>/)?.[1]

test('is one HTML document with inline CSS and the verdict up front', () => {
  assert.ok(page.startsWith('<!doctype html>\n<html lang="en">'))
  assert.ok(page.trimEnd().endsWith('</html>'))
  assert.match(page, /<style>[^<]*\.verdict/)
  assert.match(page, '<p id="verdict" class="verdict fail">FAIL</p>')
  assert.match(page, '<title>modbridge conformance: FAIL — rtu:///dev/ttyUSB0?baud=19200&amp;parity=even</title>')
})
test('loads nothing; links only within the page, to the spec PDFs on modbus.org, and to the capture', () => {
  for (const html of [page, devicePage]) {
    assert.not.match(html, /<[^>]+\bsrc\s*=/i)
    assert.not.match(html, /@import|url\(/i)
    assert.not.match(html, /<(script|link|img|iframe|object|embed|form|meta http-equiv)\b/i)
    for (const [, href] of html.matchAll(/\bhref="([^"]*)"/g)) {
      assert.ok(/^#[\w-]+$/.test(href) || /^https:\/\/modbus\.org\/docs\/[\w.]+\.pdf(#page=\d+)?$/.test(href) || href === 'capture.pcapng', href)
    }
  }
  assert.match(devicePage, 'href="capture.pcapng"')
})
test('summary: counts by severity, the duration and the wire-time share of a serial run', () => {
  const counts = element(page, 'counts', 'table')
  assert.match(counts, '<tr><th>All</th><td>7</td><td>3</td><td>2</td><td>1</td><td>1</td></tr>')
  assert.match(counts, '<tr><th class="sev-must">must</th><td>3</td><td>1</td><td>1</td><td>1</td><td>0</td></tr>')
  assert.match(page, '<dt>Duration</dt><dd>2.1 s</dd>')
  assert.match(page, '<dt>Wire time</dt><dd>420 ms (20.0% of the run)</dd>')
  assert.not.match(renderHtml({ ...report, timing: { ...report.timing, wireMs: null } }), 'Wire time')
})
test('the summary comes first, then failures, warnings, stray frames, passed, skipped, matrix, timing', () => {
  const order = ['id="summary"', 'id="failures"', 'id="warnings"', 'id="wire-events"', 'id="passed"', 'id="skipped"', 'id="matrix-section"', 'id="timing"', 'id="profile"']
  const at = order.map((s) => devicePage.indexOf(s))
  assert.ok(at.every((i) => i >= 0), `missing: ${order.filter((_, i) => at[i] < 0)}`)
  assert.equal(at, [...at].sort((a, b) => a - b))
})
test('failures are grouped by function code with its name, ascending, cases about no one function last', () => {
  const groups = [...devicePage.slice(devicePage.indexOf('id="failures"'), devicePage.indexOf('id="warnings"')).matchAll(/<section class="fn-group" data-function="([^"]+)">\n<h3>([^<]+)/g)].map((m) => `${m[1]} ${m[2].trim()}`)
  assert.equal(groups, [
    '0x01 0x01 readCoils',
    '0x03 0x03 readHoldingRegisters',
    '0x05 0x05 writeSingleCoil',
    '0x0F 0x0F writeMultipleCoils',
    '0x10 0x10 writeMultipleRegisters',
    '0x17 0x17 readWriteMultipleRegisters',
    '— No single function code (framing, scenarios, the run as a whole)',
  ])
})
test('every case that fails the run has a block in the failures section, errors told apart; warnings have their own', () => {
  const failing = devicePage.slice(devicePage.indexOf('id="failures"'), devicePage.indexOf('id="warnings"'))
  const warnings = devicePage.slice(devicePage.indexOf('id="warnings"'), devicePage.indexOf('id="wire-events"'))
  const kinds = (html: string) => [...html.matchAll(/<article class="(failure|case-error) sev-(\w+)"/g)].map((m) => `${m[1]}:${m[2]}`)
  assert.equal(kinds(failing).filter((k) => k === 'case-error:must').length, device.summary.errors)
  assert.is(kinds(failing).length, device.summary.failed - device.summary.warnings + device.summary.errors)
  assert.equal(kinds(warnings), ['failure:should', 'failure:should'])
  assert.match(devicePage, '<span class="badge error">error: not judged</span>')
})
test('inside a group, must comes before should whatever the run order', () => {
  const r = fixtureReport([
    caseReport({ id: 'should-first', severity: 'should', verdict: 'fail' }),
    caseReport({ id: 'frame', functionCode: null, verdict: 'fail' }),
    caseReport({ id: 'must-second', verdict: 'fail' }),
    caseReport({ id: 'error-third', severity: 'should', verdict: 'error' }),
  ])
  const html = renderHtml({ ...r, options: { ...r.options, failOn: 'should' } })
  const blocks = [...html.matchAll(/<article class="(?:failure|case-error) sev-(\w+)" id="(case-\d+)"/g)].map((m) => `${caseIdOf(html, m[2])}:${m[1]}`)
  assert.equal(blocks, ['must-second:must', 'should-first:should', 'error-third:should', 'frame:must'])
})
test('passed and skipped cases are one line each, inside closed <details> per function code', () => {
  const passed = devicePage.slice(devicePage.indexOf('id="passed"'), devicePage.indexOf('id="skipped"'))
  const skipped = devicePage.slice(devicePage.indexOf('id="skipped"'), devicePage.indexOf('id="matrix-section"'))
  assert.not.match(passed + skipped, '<article')
  assert.not.match(passed + skipped, /<details[^>]* open/)
  assert.is((passed.match(/<li id="case-\d+" class="v-pass">/g) ?? []).length, device.summary.passed)
  assert.is((skipped.match(/<li id="case-\d+" class="v-skip">/g) ?? []).length, device.summary.skipped)
  assert.match(passed, /<details class="fn-group" data-function="0x03"><summary>0x03 readHoldingRegisters <span class="count">\d+<\/span><\/summary>/)
  assert.match(skipped, '<span class="why">serial line only: not claimed by a Modbus/TCP profile</span>')
})
test('the byte legend is shown once, above the failures', () => {
  assert.is((page.match(/id="legend"/g) ?? []).length, 1)
  assert.match(element(page, 'legend', 'p'), 'missing here')
  assert.ok(page.indexOf('id="legend"') < page.indexOf('<article'))
})
test('a side without bytes says so and the other side is not marked', () => {
  const b = block(page, 'rtu-bad-crc')
  assert.match(b, '<h5>Expected</h5><code class="hex nobytes">no bytes</code><p class="desc">silence</p>')
  assert.not.match(b, '<mark')
})
test('both sides and the request are decoded through the registry, or say why not', () => {
  const b = block(devicePage, device.cases.find((c) => c.message === 'the reply has 2 registers; 1 was asked for')!.id)
  assert.match(b, '<h5>Request sent</h5>')
  assert.match(b, /decodes as <span class="msg">readHoldingRegisters · address 0 · quantity 1<\/span> <span class="muted">\(unit 1, transaction \d+\)<\/span>/)
  assert.match(b, /<h5>Expected<\/h5>.*decodes as <span class="msg">readHoldingRegisters · values \[10\]<\/span>/s)
  assert.match(b, /<h5>Actual<\/h5>.*decodes as <span class="msg">readHoldingRegisters · values \[10, 11\]<\/span>/s)
  const short = block(devicePage, device.cases.find((c) => c.message === 'the reply is one byte short of its byte count')!.id)
  assert.match(short, /<h5>Actual<\/h5>.*<p class="decoded bad">does not decode: the 0x01 response PDU: [^<]*byte count/s)
  const crc = block(page, 'rtu-bad-crc')
  assert.match(crc, 'decodes as <span class="msg">readHoldingRegisters · values [10]</span> <span class="muted">(unit 1)</span>')
  assert.match(block(page, 'fc03-byte-count'), /<h5>Expected<\/h5>.*does not decode: /s)
})
test('the message, the response time and the first difference are in each block', () => {
  const b = block(page, 'fc03-byte-count')
  assert.match(b, '<p class="meta">negative · all levels · response 4.2 ms</p>')
  assert.match(b, 'First difference at byte 2 (counting from 0). Actual is 2 bytes longer than expected.')
  assert.match(block(page, 'fc10-timeout'), 'response not timed (no reply)')
})
test('the spec sections are linked to their page and summarised inline', () => {
  const b = block(page, 'fc03-byte-count')
  assert.match(b, '<h5>Spec: §6.3</h5>')
  assert.match(b, '<a href="https://modbus.org/docs/Modbus_Application_Protocol_V1_1b3.pdf#page=15" rel="noreferrer">Application Protocol §6.3 03 (0x03) Read Holding Registers</a> <span class="muted">p. 15</span>')
  assert.match(b, /<span class="spec-summary">The request gives a start address and a quantity of 1–125/)
  assert.match(block(page, 'rtu-bad-crc'), 'href="https://modbus.org/docs/Modbus_over_serial_line_V1_02.pdf#page=14"')
  const unit = block(devicePage, 'frame.mbap.unknown-unit-refused')
  assert.match(unit, 'Modbus_Messaging_Implementation_Guide_V1_0b.pdf#page=20')
  assert.match(unit, 'Modbus_Application_Protocol_V1_1b3.pdf#page=47')
})
test('stray and late frames are shown in their case: kind, ms after the request, the bytes decoded, why', () => {
  const b = block(devicePage, device.cases.find((c) => c.ids.length > 0)!.id)
  assert.match(b, '<h5>Frames outside the exchange (2)</h5>')
  assert.match(b, /<span class="badge wire">late<\/span> <span class="muted">the reply to this case’s request, after its window · 1250 ms after the request<\/span>/)
  assert.match(b, /<span class="badge wire">stray<\/span>.*transaction 30583\).*transaction id 0x7777 was never sent/s)
  assert.match(b, '<li>transaction id: sent <code>0x31</code>, received <mark>0x30</mark></li>')
  const run = block(devicePage, 'wire.no-unsolicited-frames')
  assert.match(run, '<p class="decoded bad">not a frame: bytes that form none</p>')
})
test('a passing case with a stray frame is listed with the frame, and its line links there', () => {
  const wire = devicePage.slice(devicePage.indexOf('id="wire-events"'), devicePage.indexOf('id="passed"'))
  const c = device.cases.find((x) => x.verdict === 'pass' && x.wire.length > 0)!
  const anchor = `case-${device.cases.indexOf(c) + 1}`
  assert.match(wire, `<article class="wire-case" id="${anchor}-wire">`)
  assert.match(wire, 'transaction id 0x0900 was never sent')
  assert.match(devicePage, `<a class="badge wire" href="#${anchor}-wire">1 stray/late</a>`)
  assert.not.match(page, 'id="wire-events"')
})
test('a late reply is shown in the case that caused it and again in the case during which it arrived, each linking the other', () => {
  const late = { kind: 'late' as const, hex: '01 03 02 00 0a 38 43', afterMs: 1250, why: 'a late reply, 1250 ms after the request', frame: true, arrivedIn: 'fc03.next' }
  const cases = [
    caseReport({ id: 'fc03.slow', verdict: 'fail', message: 'no reply', actual: { hex: null, description: 'nothing' }, wire: [late] }),
    caseReport({ id: 'fc03.next' }),
  ]
  const out = renderHtml(fixtureReport(cases))
  const failure = block(out, 'fc03.slow')
  assert.match(failure, 'arrived while <code>fc03.next</code> ran')
  const wire = out.slice(out.indexOf('id="wire-events"'), out.indexOf('id="passed"'))
  assert.match(wire, '<article class="wire-case" id="case-2-wire">')
  assert.match(wire, 'arrived while this case ran: the late reply to the request of <a href="#case-1"><code>fc03.slow</code></a>, 1250 ms after it')
  assert.match(out, '<a class="badge wire" href="#case-2-wire">1 stray/late</a>')
})
test('the capture is linked relative to the report, with how to open it', () => {
  const note = element(devicePage, 'capture', 'p')
  assert.match(note, '<a id="capture-link" href="capture.pcapng"><code>capture.pcapng</code></a>')
  assert.match(note, '<code>wireshark capture.pcapng</code>')
  assert.match(note, '<code>tshark -r capture.pcapng -Y modbus</code>')
  assert.not.match(page, 'id="capture"')
  const odd = captureNote("runs/it's here.pcapng")
  assert.match(odd, 'href="runs/it&#39;s%20here.pcapng"')
  assert.match(odd, '<code>wireshark &#39;runs/it&#39;\\&#39;&#39;s here.pcapng&#39;</code>', 'one shell word, quoted')
})
test('hostile: a capture path that is not relative is shown but never linked', () => {
  for (const path of ['javascript:alert(1)', 'https://evil.example/x.pcapng', '/etc/passwd', '//evil.example/x', '\\\\server\\share\\x.pcapng']) {
    const note = captureNote(path)
    assert.not.match(note, 'href=', path)
    assert.match(note, 'not linked')
  }
  assert.is(captureNote(''), '')
})
test('hostile: markup in messages, descriptions, titles, ids, specs, hex and wire notes stays text', () => {
  const evil = '</script><img src=x onerror=alert(1)>'
  const hostile: ConformanceReport = fixtureReport([
    caseReport({
      id: `id${evil}`,
      title: `title${evil}`,
      spec: `§6.3 ${evil}`,
      verdict: 'fail',
      message: `message${evil}`,
      request: `01 03 ${evil}`,
      expected: { hex: `01 <b>`, description: `expected${evil}` },
      actual: { hex: '01 03 02 00 0a 38 43', description: `actual${evil}` },
      wire: [{ kind: 'stray', hex: `ff ${evil}`, afterMs: 3, why: `why${evil}`, frame: true }],
    }),
  ])
  hostile.notes = [`note${evil}`]
  hostile.target = { ...hostile.target, address: `tcp://${evil}` }
  hostile.profile = { evil }
  const html = renderHtml(hostile)
  assert.not.match(html, /<img|<script|<b>/i)
  assert.is((html.match(/<article/g) ?? []).length, 1)
  assert.match(html, 'message&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;')
  assert.match(devicePage, 'exception 0x03 (illegalDataValue): &lt;/script&gt;&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &lt;!-- done')
  assert.not.match(devicePage, HOSTILE)
})
test('text from devices and vectors is escaped everywhere, control characters made visible', () => {
  assert.not.match(page, '<script>')
  assert.match(page, 'Poll &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; repeat')
  assert.match(page, 'bad &quot;quantity&quot; &lt;0&gt; &amp; &#39;zero&#39; \\x01\\x1b[31m ]]&gt; done')
  assert.not.match(page, /[\x00-\x08\x0b\x0c\x0e-\x1f]/)
})
test('matrix: a passed/judged cell per (function, category) with cases, coloured by outcome', () => {
  const matrix = element(page, 'matrix', 'table')
  assert.match(matrix, '<th>0x03 readHoldingRegisters</th>')
  assert.match(matrix, /<td class="cell cell-pass" data-cell="0x03\/positive" title="1 passed, 0 failed, 0 errors, 0 skipped">1\/1<\/td>/)
  assert.match(matrix, /<td class="cell cell-must" data-cell="0x03\/negative"[^>]*>0\/1<\/td>/)
  assert.match(matrix, /<td class="cell cell-skip" data-cell="0x06\/positive"[^>]*>skipped<\/td>/)
  assert.match(matrix, /<td class="cell cell-should" data-cell="—\/framing"[^>]*>0\/1<\/td>/)
  assert.is((matrix.match(/<tr>/g) ?? []).length, 1 + 5, 'a header row and one row per function code (and one for none)')
  const cell = matrixCell('0x03', 'positive', { total: 4, passed: 2, failed: 1, errors: 0, skipped: 1, notRun: 0, worst: 'may' })
  assert.match(cell, /class="cell cell-may"[^>]*>2\/3<small>\+1 skipped<\/small><\/td>$/)
})
test('the response-time histogram is an inline <svg> with one bar per non-empty bucket', () => {
  const svg = element(page, 'response-histogram', 'svg')
  const nonEmpty = report.timing.response.histogram.filter((b) => b.count > 0).length
  assert.is((svg.match(/<rect class="bar"/g) ?? []).length, nonEmpty)
  assert.match(page, '5 replies timed: min 0.8 ms · p50 4.2 ms · p90 12 ms · p99 12 ms · max 12 ms')
})
test('a passing run says so, without blocks or a legend', () => {
  const passing = renderHtml(fixtureReport(report.cases.filter((c) => c.verdict === 'pass')))
  assert.match(passing, '<p>No failures and no errors.</p>')
  assert.not.match(passing, '<article')
  assert.not.match(passing, 'id="legend"')
})

test.run()
