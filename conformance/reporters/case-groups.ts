/**
 * The order the HTML report shows cases in: what fails the run first, then warnings, then what
 * passed and what was skipped, each grouped by function code.
 */
import type { CaseReport, FailOn } from '../report.ts'
import { failsRun } from '../runner.ts'
import { functionLabel } from './format.ts'
import { SEVERITIES, groupByFunction } from './matrix.ts'

/** The cases of one function code (null: cases about no one function), in the order shown. */
export interface FunctionGroup {
  functionCode: number | null
  /** `0x03 readHoldingRegisters`, or what the cases without a function code are. */
  label: string
  cases: CaseReport[]
}

/** A report's cases sorted into the report's sections. */
export interface CaseSections {
  /** Cases that fail the run: errors, MUST failures (and SHOULD failures with --fail-on should). */
  failing: FunctionGroup[]
  /** Failed cases that do not fail the run at this --fail-on. */
  warnings: FunctionGroup[]
  passed: FunctionGroup[]
  /** Skipped cases and cases the run did not get to. */
  skipped: FunctionGroup[]
}

/** The label of the group of cases without a function code. */
export const NO_FUNCTION_LABEL = 'No single function code (framing, scenarios, the run as a whole)'

/**
 * Sorts cases into the four sections; inside each, groups by function code ascending (cases about
 * no one function last) and orders each group must → should → may, keeping report order otherwise.
 */
export function sectionCases(cases: readonly CaseReport[], failOn: FailOn): CaseSections {
  const failing: CaseReport[] = []
  const warnings: CaseReport[] = []
  const passed: CaseReport[] = []
  const skipped: CaseReport[] = []
  for (const c of cases) {
    if (failsRun(c, failOn)) failing.push(c)
    else if (c.verdict === 'fail') warnings.push(c)
    else if (c.verdict === 'pass') passed.push(c)
    else skipped.push(c)
  }
  return { failing: groups(failing), warnings: groups(warnings), passed: groups(passed), skipped: groups(skipped) }
}

function groups(cases: CaseReport[]): FunctionGroup[] {
  return [...groupByFunction(cases)].map(([functionCode, list]) => ({
    functionCode,
    label: functionCode === null ? NO_FUNCTION_LABEL : functionLabel(functionCode),
    cases: bySeverity(list),
  }))
}

/** A stable sort, most important severity first. */
export function bySeverity(cases: readonly CaseReport[]): CaseReport[] {
  return cases
    .map((c, i) => ({ c, i }))
    .sort((a, b) => SEVERITIES.indexOf(a.c.severity) - SEVERITIES.indexOf(b.c.severity) || a.i - b.i)
    .map(({ c }) => c)
}

/** The number of cases in some groups. */
export function countIn(groups: readonly FunctionGroup[]): number {
  return groups.reduce((n, g) => n + g.cases.length, 0)
}
