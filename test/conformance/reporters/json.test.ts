import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ArgumentError } from '../../../core/index.ts'
import { parseReport, renderJson } from '../../../conformance/reporters/json.ts'
import { fixtureReport, NASTY } from './fixture-report.ts'

const test = suite('report.json')

/** The ArgumentError message parseReport throws for `text`, or a failure when it accepts it. */
function rejection(text: string, source = 'runs/old/report.json'): string {
  try {
    parseReport(text, source)
  } catch (err) {
    assert.instance(err, ArgumentError)
    return (err as ArgumentError).message
  }
  return assert.unreachable('parseReport accepted it') as never
}

test('renders 2-space JSON with a final newline', () => {
  const text = renderJson(fixtureReport())
  assert.ok(text.startsWith('{\n  "schema": "modbridge-conformance-report/2",\n'))
  assert.ok(text.endsWith('}\n'))
})
test('round-trips through parseReport unchanged, control characters included', () => {
  const report = fixtureReport()
  const back = parseReport(renderJson(report), 'report.json')
  assert.equal(back, report)
  assert.is(back.cases[1].message, NASTY)
})
test('a wrong schema is rejected with a message naming the file and the schema found', () => {
  const text = renderJson({ ...fixtureReport(), schema: 'modbridge-conformance-report/1' as never })
  assert.is(rejection(text), 'runs/old/report.json: not a modbridge-conformance-report/2 file: it has schema "modbridge-conformance-report/1"')
})
test('a JSON file without a schema field, or not an object, is rejected naming the file', () => {
  assert.match(rejection('{"cases": []}', 'x.json'), /^x\.json: not a modbridge-conformance-report\/2 file: it has no "schema" field$/)
  assert.match(rejection('[1, 2]', 'x.json'), /^x\.json: .*the top level is an array/)
})
test('text that is not JSON is rejected naming the file', () => {
  const message = rejection('<testsuites/>', 'junit.xml')
  assert.match(message, /^junit\.xml: not JSON \(/)
  assert.match(message, 'modbridge-conformance-report/2')
})
test('a case with an unknown verdict names the file, the field path and the value', () => {
  const report = JSON.parse(renderJson(fixtureReport()))
  report.cases[2].verdict = 'passed'
  assert.is(rejection(JSON.stringify(report), 'new.json'), 'new.json: cases[2].verdict must be one of pass, fail, skip, error, not-run; got "passed"')
})
test('a missing case id and a duplicated case id are both rejected', () => {
  const report = JSON.parse(renderJson(fixtureReport()))
  delete report.cases[0].id
  assert.is(rejection(JSON.stringify(report), 'a.json'), 'a.json: cases[0].id must be a string; it is missing')
  const dup = JSON.parse(renderJson(fixtureReport()))
  dup.cases[3].id = dup.cases[1].id
  assert.is(rejection(JSON.stringify(dup), 'b.json'), 'b.json: cases[3].id must be unique (cases[1] has the same id); got "fc03-byte-count"')
})
test('run fields the diff prints are checked too', () => {
  const report = JSON.parse(renderJson(fixtureReport()))
  report.summary.verdict = 'maybe'
  assert.match(rejection(JSON.stringify(report), 'c.json'), 'c.json: summary.verdict must be one of pass, fail')
  const noTarget = JSON.parse(renderJson(fixtureReport()))
  delete noTarget.target
  assert.is(rejection(JSON.stringify(noTarget), 'd.json'), 'd.json: target must be an object; it is missing')
})

test.run()
