import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { parseReport } from '../../../conformance/reporters/json.ts'
import { REPORT_FILES, writeReports } from '../../../conformance/reporters/write.ts'
import { fixtureReport } from './fixture-report.ts'

const test = suite('writeReports')
let dir: string

test.before(() => {
  dir = mkdtempSync(join(tmpdir(), 'modbridge-reports-'))
})
test.after(() => {
  rmSync(dir, { recursive: true, force: true })
})

test('creates missing folders and writes the four files, returning their paths in order', async () => {
  const out = join(dir, 'runs', '2026-03-01')
  const paths = await writeReports(fixtureReport(), out)
  assert.equal(paths, ['report.json', 'junit.xml', 'index.html', 'summary.md'].map((f) => join(out, f)))
  assert.equal(readdirSync(out).sort(), ['index.html', 'junit.xml', 'report.json', 'summary.md'])
  assert.equal(Object.values(REPORT_FILES), ['report.json', 'junit.xml', 'index.html', 'summary.md'])
})
test('the files hold each format: JSON that parses back, JUnit XML, HTML, Markdown', async () => {
  const report = fixtureReport()
  const [json, junit, html, md] = (await writeReports(report, dir)).map((p) => readFileSync(p, 'utf8'))
  assert.equal(parseReport(json, 'report.json'), report)
  assert.ok(junit.startsWith('<?xml'))
  assert.ok(html.startsWith('<!doctype html>'))
  assert.ok(md.startsWith('# modbridge conformance: FAIL'))
})
test('writing again overwrites the earlier run', async () => {
  const report = fixtureReport()
  await writeReports(report, dir)
  await writeReports({ ...report, summary: { ...report.summary, verdict: 'pass' } }, dir)
  assert.match(readFileSync(join(dir, 'summary.md'), 'utf8'), '**Verdict: PASS**')
})

test.run()
