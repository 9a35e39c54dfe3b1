/**
 * Grouping cases for the reporters: verdict counts, and the function code × category matrix.
 */
import type { CaseReport, Category, Counts, Severity } from '../report.ts'

// A Record, not an array, so adding a Category to report.ts fails the typecheck here until it has a place.
const CATEGORY_ORDER: Record<Category, number> = { positive: 0, negative: 1, exception: 2, framing: 3, scenario: 4 }

/** Every category, in the order the reports show them. */
export const CATEGORIES = (Object.keys(CATEGORY_ORDER) as Category[]).sort((a, b) => CATEGORY_ORDER[a] - CATEGORY_ORDER[b])

/** Every severity, most important first. */
export const SEVERITIES = ['must', 'should', 'may'] as const satisfies readonly Severity[]

/** Verdict counts plus the most important severity among the failed or errored cases. */
export interface CellCounts extends Counts {
  /** null when nothing failed or errored. */
  worst: Severity | null
}

/** A function code × category table of counts. */
export interface Matrix {
  /** Row keys: function codes ascending, then null (cases about no one function) when present. */
  functionCodes: (number | null)[]
  categories: readonly Category[]
  /** The counts of one cell, or undefined when no case falls in it. */
  cell(fc: number | null, category: Category): CellCounts | undefined
}

/** Counts by verdict, with the worst failing severity. */
export function countCases(cases: readonly CaseReport[]): CellCounts {
  const c: CellCounts = { total: 0, passed: 0, failed: 0, skipped: 0, errors: 0, notRun: 0, worst: null }
  for (const k of cases) {
    c.total++
    if (k.verdict === 'pass') c.passed++
    else if (k.verdict === 'skip') c.skipped++
    else if (k.verdict === 'not-run') c.notRun++
    else {
      if (k.verdict === 'fail') c.failed++
      else c.errors++
      if (c.worst === null || SEVERITIES.indexOf(k.severity) < SEVERITIES.indexOf(c.worst)) c.worst = k.severity
    }
  }
  return c
}

/** Cases grouped by function code (ascending, null last), keeping report order inside each group. */
export function groupByFunction(cases: readonly CaseReport[]): Map<number | null, CaseReport[]> {
  const groups = new Map<number | null, CaseReport[]>()
  for (const k of cases) {
    const list = groups.get(k.functionCode)
    if (list) list.push(k)
    else groups.set(k.functionCode, [k])
  }
  const keys = [...groups.keys()].sort((a, b) => (a === null ? 1 : b === null ? -1 : a - b))
  return new Map(keys.map((k) => [k, groups.get(k) ?? []]))
}

/** Builds the function code × category matrix. */
export function buildMatrix(cases: readonly CaseReport[]): Matrix {
  const byFunction = groupByFunction(cases)
  const cells = new Map<string, CellCounts>()
  const key = (fc: number | null, category: Category) => `${fc}/${category}`
  for (const [fc, list] of byFunction) {
    for (const category of CATEGORIES) {
      const inCell = list.filter((k) => k.category === category)
      if (inCell.length > 0) cells.set(key(fc, category), countCases(inCell))
    }
  }
  return {
    functionCodes: [...byFunction.keys()],
    categories: CATEGORIES,
    cell: (fc, category) => cells.get(key(fc, category)),
  }
}
