import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { NO_FUNCTION_LABEL, bySeverity, countIn, sectionCases, type FunctionGroup } from '../../../conformance/reporters/case-groups.ts'
import { caseReport } from './fixture-report.ts'

const test = suite('case sections and groups')
const ids = (groups: FunctionGroup[]) => groups.map((g) => `${g.label}: ${g.cases.map((c) => c.id).join(' ')}`)

const cases = [
  caseReport({ id: 'a-pass-03' }),
  caseReport({ id: 'b-may-10', functionCode: 0x10, severity: 'may', verdict: 'fail' }),
  caseReport({ id: 'c-should-03', severity: 'should', verdict: 'fail' }),
  caseReport({ id: 'd-must-03', verdict: 'fail' }),
  caseReport({ id: 'e-frame', functionCode: null, severity: 'should', verdict: 'error' }),
  caseReport({ id: 'f-must-01', functionCode: 0x01, verdict: 'fail' }),
  caseReport({ id: 'g-must-03', verdict: 'fail' }),
  caseReport({ id: 'h-skip-08', functionCode: 0x08, verdict: 'skip' }),
  caseReport({ id: 'i-notrun-01', functionCode: 0x01, verdict: 'not-run' }),
  caseReport({ id: 'j-pass-frame', functionCode: null }),
  caseReport({ id: 'k-may-03', severity: 'may', verdict: 'fail' }),
]

test('fail-on must: errors and MUST failures fail the run, grouped by function ascending, no function last', () => {
  const s = sectionCases(cases, 'must')
  assert.equal(ids(s.failing), ['0x01 readCoils: f-must-01', '0x03 readHoldingRegisters: d-must-03 g-must-03', `${NO_FUNCTION_LABEL}: e-frame`])
})
test('SHOULD and MAY failures are warnings at fail-on must, ordered should before may inside a group', () => {
  const s = sectionCases(cases, 'must')
  assert.equal(ids(s.warnings), ['0x03 readHoldingRegisters: c-should-03 k-may-03', '0x10 writeMultipleRegisters: b-may-10'])
})
test('fail-on should moves SHOULD failures up, must before should inside the group, report order kept otherwise', () => {
  const s = sectionCases(cases, 'should')
  assert.equal(ids(s.failing), ['0x01 readCoils: f-must-01', '0x03 readHoldingRegisters: d-must-03 g-must-03 c-should-03', `${NO_FUNCTION_LABEL}: e-frame`])
  assert.equal(ids(s.warnings), ['0x03 readHoldingRegisters: k-may-03', '0x10 writeMultipleRegisters: b-may-10'])
})
test('passed and skipped (with not run) are grouped the same way', () => {
  const s = sectionCases(cases, 'must')
  assert.equal(ids(s.passed), ['0x03 readHoldingRegisters: a-pass-03', `${NO_FUNCTION_LABEL}: j-pass-frame`])
  assert.equal(ids(s.skipped), ['0x01 readCoils: i-notrun-01', '0x08 diagnostics: h-skip-08'])
})
test('every case lands in exactly one section', () => {
  const s = sectionCases(cases, 'must')
  const all = [s.failing, s.warnings, s.passed, s.skipped].flatMap((g) => g.flatMap((x) => x.cases.map((c) => c.id)))
  assert.is(all.length, cases.length)
  assert.is(new Set(all).size, cases.length)
  assert.is(countIn(s.failing) + countIn(s.warnings) + countIn(s.passed) + countIn(s.skipped), cases.length)
})
test('the severity sort is stable', () => {
  const list = [caseReport({ id: '1', severity: 'may' }), caseReport({ id: '2' }), caseReport({ id: '3', severity: 'may' }), caseReport({ id: '4' })]
  assert.equal(bySeverity(list).map((c) => c.id), ['2', '4', '1', '3'])
})
test('an empty report has empty sections', () => {
  assert.equal(sectionCases([], 'must'), { failing: [], warnings: [], passed: [], skipped: [] })
})

test.run()
