import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { CATEGORIES, buildMatrix, countCases, groupByFunction } from '../../../conformance/reporters/matrix.ts'
import { caseReport, fixtureCases } from './fixture-report.ts'

const test = suite('case matrix')

test('categories come in report order', () => {
  assert.equal(CATEGORIES, ['positive', 'negative', 'exception', 'framing', 'scenario'])
})
test('counts by verdict, and the worst severity among failures and errors', () => {
  const c = countCases([
    caseReport({ id: 'a' }),
    caseReport({ id: 'b', verdict: 'fail', severity: 'may' }),
    caseReport({ id: 'c', verdict: 'error', severity: 'should' }),
    caseReport({ id: 'd', verdict: 'skip', severity: 'must' }),
  ])
  assert.equal(c, { total: 4, passed: 1, failed: 1, skipped: 1, errors: 1, notRun: 0, worst: 'should' })
})
test('function codes are grouped ascending with cases about no function last', () => {
  const groups = groupByFunction([caseReport({ id: 'x', functionCode: null }), caseReport({ id: 'y', functionCode: 0x10 }), caseReport({ id: 'z', functionCode: 1 })])
  assert.equal([...groups.keys()], [1, 0x10, null])
})
test('the fixture matrix has a cell for each (function, category) with cases and none elsewhere', () => {
  const m = buildMatrix(fixtureCases())
  assert.equal(m.functionCodes, [0x03, 0x06, 0x10, 0x2b, null])
  assert.equal(m.cell(0x03, 'positive'), { total: 1, passed: 1, failed: 0, skipped: 0, errors: 0, notRun: 0, worst: null })
  assert.equal(m.cell(0x03, 'negative'), { total: 1, passed: 0, failed: 1, skipped: 0, errors: 0, notRun: 0, worst: 'must' })
  assert.is(m.cell(null, 'framing')?.worst, 'should')
  assert.is(m.cell(null, 'scenario')?.passed, 1)
  assert.is(m.cell(0x03, 'exception'), undefined)
  assert.is(m.cell(0x06, 'negative'), undefined)
})

test.run()
