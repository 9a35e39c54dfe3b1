/**
 * `conformance diff old.json new.json`: what changed between two runs, case by case (cases are
 * matched by id, which is stable across runs and versions).
 */
import type { CaseReport, ConformanceReport, Counts, Level, Severity, Verdict } from './report.ts'
import { oneLine } from './reporters/escape.ts'

/** One case in a diff, with its verdict in each run (null: not in that run). */
export interface CaseChange {
  id: string
  /** Title, spec and severity from the newer run when the case is in it, else from the older. */
  title: string
  spec: string
  severity: Severity
  before: Verdict | null
  after: Verdict | null
  /** The message of the failing side (the newer one when both fail or neither does). */
  message: string | null
}

/** What identifies a run in a diff's header. */
export interface RunInfo {
  startedAt: string
  toolVersion: string
  target: string
  level: Level
  verdict: 'pass' | 'fail'
  counts: Counts
}

/** Two runs compared. Every list is in the newer run's case order (removed: the older run's). */
export interface ReportDiff {
  before: RunInfo
  after: RunInfo
  /** Why the runs may not be comparable: a different target, level or tool version. */
  notes: string[]
  /** pass → fail or error. Any of these makes `conformance diff` exit 1. */
  regressions: CaseChange[]
  /** fail or error → pass. */
  fixes: CaseChange[]
  /** Only in the newer run. */
  added: CaseChange[]
  /** Only in the older run. */
  removed: CaseChange[]
  /** fail or error in both (fail ↔ error included). */
  unchangedFailures: CaseChange[]
  /** Every other verdict change: to or from skip (e.g. pass → skip after a profile change). */
  otherChanges: CaseChange[]
  /** Cases with the same passing or skipped verdict in both runs. */
  unchangedCount: number
}

const failing = (v: Verdict | null) => v === 'fail' || v === 'error'

/** Compares two runs case by case. Case ids are assumed unique within each run (parseReport checks that). */
export function diffReports(before: ConformanceReport, after: ConformanceReport): ReportDiff {
  const old = new Map(before.cases.map((c) => [c.id, c]))
  const now = new Set(after.cases.map((c) => c.id))
  const diff: ReportDiff = {
    before: runInfo(before),
    after: runInfo(after),
    notes: notes(before, after),
    regressions: [],
    fixes: [],
    added: [],
    removed: [],
    unchangedFailures: [],
    otherChanges: [],
    unchangedCount: 0,
  }
  for (const c of after.cases) {
    const was = old.get(c.id)
    if (!was) {
      diff.added.push(change(c, null, c.verdict, c.message))
      continue
    }
    const a = was.verdict
    const b = c.verdict
    const message = failing(a) && !failing(b) ? was.message : c.message
    const entry = change(c, a, b, message)
    if (a === 'pass' && failing(b)) diff.regressions.push(entry)
    else if (failing(a) && b === 'pass') diff.fixes.push(entry)
    else if (failing(a) && failing(b)) diff.unchangedFailures.push(entry)
    else if (a !== b) diff.otherChanges.push(entry)
    else diff.unchangedCount++
  }
  for (const c of before.cases) if (!now.has(c.id)) diff.removed.push(change(c, c.verdict, null, c.message))
  return diff
}

function change(c: CaseReport, before: Verdict | null, after: Verdict | null, message: string | null): CaseChange {
  return { id: c.id, title: c.title, spec: c.spec, severity: c.severity, before, after, message }
}

function runInfo(r: ConformanceReport): RunInfo {
  const { total, passed, failed, skipped, errors, notRun } = r.summary
  return {
    startedAt: r.startedAt,
    toolVersion: r.tool.version,
    target: `${r.target.address} unit ${r.target.unit} (${r.target.framer})`,
    level: r.level,
    verdict: r.summary.verdict,
    counts: { total, passed, failed, skipped, errors, notRun },
  }
}

function notes(before: ConformanceReport, after: ConformanceReport): string[] {
  const out: string[] = []
  const a = runInfo(before)
  const b = runInfo(after)
  if (a.target !== b.target) out.push(`different targets: ${a.target} → ${b.target}`)
  if (a.level !== b.level) out.push(`different levels: ${a.level} → ${b.level} (cases judged only at strict skip at interop)`)
  if (a.toolVersion !== b.toolVersion) out.push(`different modbridge versions: ${a.toolVersion} → ${b.toolVersion}`)
  return out
}

/** How many, with the noun in the right number: `1 regression`, `2 regressions`. */
function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`
}

/**
 * The diff as text for a terminal: both runs, any comparability notes, one line of totals, then
 * each non-empty group with one line per case (`id  before → after  [spec severity]  title`) and
 * its message indented below. Device-supplied text is reduced to one line with control
 * characters made visible, so a hostile message cannot move the cursor or recolour the terminal.
 */
export function renderDiff(diff: ReportDiff): string {
  const lines = [
    `before: ${describeRun(diff.before)}`,
    `after:  ${describeRun(diff.after)}`,
    ...diff.notes.map((n) => `note: ${n}`),
    '',
    [
      count(diff.regressions.length, 'regression', 'regressions'),
      count(diff.fixes.length, 'fix', 'fixes'),
      `${diff.added.length} new`,
      `${diff.removed.length} removed`,
      count(diff.unchangedFailures.length, 'unchanged failure', 'unchanged failures'),
      count(diff.otherChanges.length, 'other change', 'other changes'),
      `${diff.unchangedCount} unchanged`,
    ].join(', '),
  ]
  const groups: [string, CaseChange[]][] = [
    ['Regressions (pass → fail/error)', diff.regressions],
    ['Fixes (fail/error → pass)', diff.fixes],
    ['New cases', diff.added],
    ['Removed cases', diff.removed],
    ['Unchanged failures', diff.unchangedFailures],
    ['Other verdict changes', diff.otherChanges],
  ]
  for (const [heading, list] of groups) {
    if (list.length === 0) continue
    const width = Math.max(...list.map((c) => oneLine(c.id).length))
    lines.push('', `${heading}:`)
    for (const c of list) {
      const verdicts = `${c.before ?? '—'} → ${c.after ?? '—'}`
      lines.push(`  ${oneLine(c.id).padEnd(width)}  ${verdicts.padEnd(15)}  [${oneLine(c.spec)} ${c.severity}]  ${oneLine(c.title)}`)
      if (c.message !== null && (failing(c.before) || failing(c.after))) lines.push(`      ${oneLine(c.message)}`)
    }
  }
  lines.push('', diff.regressions.length === 0 ? 'No regressions.' : `${count(diff.regressions.length, 'regression', 'regressions')}.`)
  return lines.join('\n') + '\n'
}

function describeRun(r: RunInfo): string {
  const c = r.counts
  return (
    `${oneLine(r.startedAt)}  modbridge ${oneLine(r.toolVersion)}  ${oneLine(r.target)}  level ${r.level}  ` +
    `${r.verdict.toUpperCase()}: ${c.passed}/${c.total} passed, ${c.failed} failed, ${count(c.errors, 'error', 'errors')}, ${c.skipped} skipped`
  )
}
