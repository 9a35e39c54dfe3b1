import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { diffReports, renderDiff, type CaseChange } from '../../conformance/diff.ts'
import { caseReport, fixtureReport } from './reporters/fixture-report.ts'

const test = suite('conformance diff')
const ids = (list: CaseChange[]) => list.map((c) => `${c.id} ${c.before ?? '-'}>${c.after ?? '-'}`)

const before = fixtureReport([
  caseReport({ id: 'stays-pass' }),
  caseReport({ id: 'breaks', title: 'Read two registers' }),
  caseReport({ id: 'breaks-hard' }),
  caseReport({ id: 'gets-fixed', verdict: 'fail', message: 'old failure' }),
  caseReport({ id: 'still-bad', verdict: 'fail', message: 'was wrong' }),
  caseReport({ id: 'now-errors', verdict: 'fail' }),
  caseReport({ id: 'now-skipped' }),
  caseReport({ id: 'stays-skip', verdict: 'skip' }),
  caseReport({ id: 'dropped', verdict: 'fail' }),
])
const after = fixtureReport([
  caseReport({ id: 'added-fail', verdict: 'fail' }),
  caseReport({ id: 'stays-pass' }),
  caseReport({ id: 'breaks', title: 'Read two registers', verdict: 'fail', message: 'byte count \x1b[31mwrong\nagain' }),
  caseReport({ id: 'breaks-hard', verdict: 'error', message: 'no reply' }),
  caseReport({ id: 'gets-fixed' }),
  caseReport({ id: 'still-bad', verdict: 'fail', message: 'still wrong' }),
  caseReport({ id: 'now-errors', verdict: 'error' }),
  caseReport({ id: 'now-skipped', verdict: 'skip' }),
  caseReport({ id: 'stays-skip', verdict: 'skip' }),
  caseReport({ id: 'added-pass' }),
])
const diff = diffReports(before, after)

test('pass → fail and pass → error are regressions', () => {
  assert.equal(ids(diff.regressions), ['breaks pass>fail', 'breaks-hard pass>error'])
})
test('fail → pass is a fix and keeps the old failure message', () => {
  assert.equal(ids(diff.fixes), ['gets-fixed fail>pass'])
  assert.is(diff.fixes[0].message, 'old failure')
})
test('cases only in the newer run are new, only in the older are removed', () => {
  assert.equal(ids(diff.added), ['added-fail ->fail', 'added-pass ->pass'])
  assert.equal(ids(diff.removed), ['dropped fail>-'])
})
test('failing in both runs (fail ↔ error included) is an unchanged failure with the newer message', () => {
  assert.equal(ids(diff.unchangedFailures), ['still-bad fail>fail', 'now-errors fail>error'])
  assert.is(diff.unchangedFailures[0].message, 'still wrong')
})
test('changes to or from skip are other changes, not regressions; the rest count as unchanged', () => {
  assert.equal(ids(diff.otherChanges), ['now-skipped pass>skip'])
  assert.is(diff.unchangedCount, 2)
})
test('identical runs have nothing to report', () => {
  const same = diffReports(before, before)
  assert.equal([same.regressions, same.fixes, same.added, same.removed, same.otherChanges].flat(), [])
  assert.is(same.unchangedFailures.length, 4)
  assert.match(renderDiff(same), /No regressions\.\n$/)
})
test('notes when the runs differ in target, level or tool version', () => {
  assert.equal(diff.notes, [])
  const other = { ...after, level: 'interop' as const, target: { ...after.target, unit: 2 }, tool: { name: 'modbridge' as const, version: '0.2.0' } }
  const notes = diffReports(before, other).notes
  assert.is(notes.length, 3)
  assert.match(notes[0], 'unit 17 (rtu) → rtu:///dev/ttyUSB0?baud=19200&parity=even unit 2 (rtu)')
  assert.match(notes[1], 'strict → interop')
  assert.match(notes[2], '0.1.0 → 0.2.0')
})
test('the text names both runs, totals every group and lists each case with its verdicts and message', () => {
  const text = renderDiff(diff)
  assert.match(text, /^before: 2026-03-01T10:00:00\.000Z  modbridge 0\.1\.0  rtu:\/\/\/dev\/ttyUSB0\?baud=19200&parity=even unit 17 \(rtu\)  level strict  FAIL: /)
  assert.match(text, '2 regressions, 1 fix, 2 new, 1 removed, 2 unchanged failures, 1 other change, 2 unchanged')
  assert.match(text, '\nRegressions (pass → fail/error):\n  breaks       pass → fail      [§6.3 must]  Read two registers\n')
  assert.match(text, '\nRemoved cases:\n  dropped  fail → —')
  assert.ok(text.endsWith('\n2 regressions.\n'))
})
test('device text is one line with control characters visible, so it cannot drive the terminal', () => {
  const text = renderDiff(diff)
  assert.match(text, '      byte count \\x1b[31mwrong again\n')
  assert.not.match(text, /\x1b/)
})

test.run()
