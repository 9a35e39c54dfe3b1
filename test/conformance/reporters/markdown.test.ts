import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { codeSpan, renderMarkdown } from '../../../conformance/reporters/markdown.ts'
import { fixtureReport } from './fixture-report.ts'

const test = suite('summary.md')
const report = fixtureReport()
const md = renderMarkdown(report)

test('starts with the verdict, target, level and run size', () => {
  assert.ok(md.startsWith('# modbridge conformance: FAIL\n'))
  assert.match(md, '**Verdict: FAIL** at level strict — `rtu:///dev/ttyUSB0?baud=19200&parity=even` unit 17, rtu framer; 7 cases in 2.1 s')
})
test('has a counts table with a row for all cases and one per severity', () => {
  assert.match(md, '| **all** | 7 | 3 | 2 | 1 | 1 |')
  assert.match(md, '| must | 3 | 1 | 1 | 1 | 0 |')
  assert.match(md, '| should | 3 | 1 | 1 | 0 | 1 |')
  assert.match(md, '| may | 1 | 1 | 0 | 0 | 0 |')
})
test('lists each failure and error once with id, spec and severity, must first', () => {
  const items = [...md.matchAll(/^- `([^`]+)` .* — ([^,]+), \*\*(\w+)\*\*, (failed|error)/gm)].map((m) => m.slice(1).join(' '))
  assert.equal(items, ['fc03-byte-count §6.3 must failed', 'fc10-timeout §6.3 must error', 'rtu-bad-crc SL §2.5.1.2 should failed'])
  assert.match(md, '## Failures and errors (3)')
  assert.not.match(md, 'fc03-read-one')
})
test('shows expected vs actual hex in a fenced block with carets under the differing bytes', () => {
  assert.match(
    md,
    '  ```text\n  request:  01 03 00 00 00 01 84 0a\n  expected: 01 03 02 00 0a  (byte count 2)\n' +
      '  actual:   01 03 04 00 0a 00 0b  (byte count 4 & two registers)\n                  ^^       ^^ ^^\n  ```',
  )
  assert.match(md, '  expected: (no bytes) silence\n  actual:   01 03 02 00 0a 38 43  (a reply)\n  ```')
})
test('each failure links the spec sections it cites to their page', () => {
  assert.match(md, '  Spec: [Application Protocol §6.3 03 (0x03) Read Holding Registers](https://modbus.org/docs/Modbus_Application_Protocol_V1_1b3.pdf#page=15)')
  assert.match(md, '  Spec: [Serial Line guide §2.5.1.2 CRC Checking](https://modbus.org/docs/Modbus_over_serial_line_V1_02.pdf#page=14)')
})
test('messages are escaped for Markdown and HTML, with control characters visible', () => {
  assert.match(md, '  bad "quantity" &lt;0&gt; &amp; \'zero\' \\\\x01\\\\x1b\\[31m \\]\\]&gt; done')
  assert.not.match(md, /[\x00-\x08\x0b\x0c\x0e-\x1f]/)
})
test('ends with a timing line including the wire-time share', () => {
  assert.match(md, 'Response time over 5 replies: min 0.8 ms, p50 4.2 ms, p90 12 ms, p99 12 ms, max 12 ms. Wire time 420 ms (20.0% of the run).')
})
test('a run without failures says none', () => {
  const passing = renderMarkdown(fixtureReport(report.cases.filter((c) => c.verdict === 'pass')))
  assert.match(passing, '## Failures and errors (0)\n\nNone.')
})
test('code spans survive backticks in the text', () => {
  assert.is(codeSpan('a`b'), '``a`b``')
  assert.is(codeSpan('`x'), '`` `x ``')
})

test.run()
