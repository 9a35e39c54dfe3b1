/**
 * junit.xml: the report as JUnit XML for CI test views (GitLab, Jenkins, GitHub test reporters).
 *
 * One `<testsuite>` per function code, named like its cases' classname
 * (`modbridge.conformance.fc03`): CI tools build their tree from the classname, so suite and
 * classname agree and a device's problems show up where they cluster, by function (a missing or
 * half-done function fails all of its categories at once). Cases about no one function code
 * (framing, scenarios) get one suite per category, `modbridge.conformance.framing`. The category
 * is still visible in every failure body.
 */
import type { CaseReport, ConformanceReport } from '../report.ts'
import { xmlAttr, xmlText } from './escape.ts'
import { functionLabel, functionTag, levelScope, seconds } from './format.ts'
import { caretLines, diffHex } from './hex-diff.ts'
import { CATEGORIES, countCases, groupByFunction } from './matrix.ts'

const PREFIX = 'modbridge.conformance'

/** The classname (and suite name) of a case: `modbridge.conformance.fc03`, or `.framing` etc. without a function code. */
export function junitClassname(c: CaseReport): string {
  return `${PREFIX}.${c.functionCode === null ? c.category : functionTag(c.functionCode)}`
}

/**
 * Renders the report as JUnit XML. `<testsuites>` carries the run's totals and its wall-clock
 * time; each `<testsuite>` the sum of its cases' response times; each `<testcase>` its response
 * time (0 when nothing came back). Failures carry `type` = severity and a body with spec,
 * request, expected and actual hex and a caret line under the differing bytes; errors the same as
 * `<error>`; skips a `<skipped>` with the reason.
 */
export function renderJunit(report: ConformanceReport): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>']
  const s = report.summary
  out.push(
    `<testsuites name="${PREFIX}" tests="${s.total}" failures="${s.failed}" errors="${s.errors}" skipped="${s.skipped + s.notRun}" ` +
      `time="${seconds(report.durationMs)}" timestamp="${xmlAttr(report.startedAt)}">`,
  )
  for (const [name, cases] of suites(report.cases)) out.push(...renderSuite(report, name, cases))
  out.push('</testsuites>', '')
  return out.join('\n')
}

/** Cases in suite order: function codes ascending, then the function-less ones by category. */
function suites(cases: readonly CaseReport[]): [string, CaseReport[]][] {
  const result: [string, CaseReport[]][] = []
  for (const [fc, list] of groupByFunction(cases)) {
    if (fc !== null) result.push([`${PREFIX}.${functionTag(fc)}`, list])
    else for (const category of CATEGORIES) {
      const inCategory = list.filter((c) => c.category === category)
      if (inCategory.length > 0) result.push([`${PREFIX}.${category}`, inCategory])
    }
  }
  return result
}

function renderSuite(report: ConformanceReport, name: string, cases: CaseReport[]): string[] {
  const n = countCases(cases)
  const time = cases.reduce((sum, c) => sum + (c.responseMs ?? 0), 0)
  const fc = cases[0].functionCode
  const properties: [string, string][] = [
    ['target', report.target.address],
    ['unit', String(report.target.unit)],
    ['framer', report.target.framer],
    ['level', report.level],
    ['function', functionLabel(fc)],
    ['tool', `${report.tool.name} ${report.tool.version}`],
  ]
  const out = [
    `  <testsuite name="${xmlAttr(name)}" tests="${n.total}" failures="${n.failed}" errors="${n.errors}" skipped="${n.skipped + n.notRun}" ` +
      `time="${seconds(time)}" timestamp="${xmlAttr(report.startedAt)}">`,
    '    <properties>',
    ...properties.map(([k, v]) => `      <property name="${xmlAttr(k)}" value="${xmlAttr(v)}"/>`),
    '    </properties>',
  ]
  for (const c of cases) out.push(...renderCase(c))
  out.push('  </testsuite>')
  return out
}

function renderCase(c: CaseReport): string[] {
  const open = `    <testcase classname="${xmlAttr(junitClassname(c))}" name="${xmlAttr(`${c.id}: ${c.title}`)}" time="${seconds(c.responseMs)}"`
  if (c.verdict === 'pass') return [open + '/>']
  if (c.verdict === 'skip' || c.verdict === 'not-run') {
    const reason = c.message === null ? '' : ` message="${xmlAttr(c.message)}"`
    return [open + '>', `      <skipped${reason}/>`, '    </testcase>']
  }
  const element = c.verdict === 'fail' ? 'failure' : 'error'
  const message = c.message ?? `expected ${c.expected.description}, got ${c.actual.description}`
  return [
    open + '>',
    `      <${element} message="${xmlAttr(message)}" type="${c.severity}">${xmlText(failureBody(c))}</${element}>`,
    '    </testcase>',
  ]
}

/** The plain-text body of a failure or error: where in the spec, what was sent, what differed. */
export function failureBody(c: CaseReport): string {
  const lines = [
    `${c.verdict === 'fail' ? 'Failed' : 'Could not judge'}: ${c.id} (${c.spec}, ${c.severity}, ${c.category}, ${levelScope(c.level)})`,
  ]
  if (c.message !== null) lines.push(c.message)
  if (c.request !== null) lines.push(`request:  ${c.request}`)
  lines.push(...caretLines(diffHex(c.expected.hex, c.actual.hex), c.expected.description, c.actual.description))
  return lines.join('\n')
}
