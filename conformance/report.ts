/**
 * The conformance report: what a run writes as report.json (versioned), and what every other
 * reporter (JUnit XML, HTML, Markdown) and `conformance diff` read.
 */

/** The schema id written into every report. Bump the number on an incompatible change. */
export const REPORT_SCHEMA = 'modbridge-conformance-report/1'

/** How much a case matters (RFC 2119 words, as the spec uses them). */
export type Severity = 'must' | 'should' | 'may'
/** `strict` judges everything; `interop` does not fail a device on what the field tolerates. */
export type Level = 'strict' | 'interop'
/** What kind of check a case is. */
export type Category = 'positive' | 'negative' | 'exception' | 'framing' | 'scenario'
/** A case's outcome. `skip`: not applicable to this target or level; `error`: the run could not judge it. */
export type Verdict = 'pass' | 'fail' | 'skip' | 'error'

/** One side of a comparison: bytes (hex, spaced) and/or a description. */
export interface Observation {
  hex: string | null
  description: string
}

/** One case's result. */
export interface CaseReport {
  /** Stable across runs and versions: `conformance diff` matches cases by id. */
  id: string
  title: string
  /** Spec section, e.g. "§6.3" or "SL §2.5.1.1". */
  spec: string
  severity: Severity
  /** The lowest level at which the case is judged: 'interop' cases count at both levels; 'strict' ones only at strict. */
  level: Level
  category: Category
  functionCode: number | null
  verdict: Verdict
  message: string | null
  /** The request ADU sent, hex. */
  request: string | null
  expected: Observation
  actual: Observation
  /** Time from the last request byte to the last reply byte, ms; null when nothing came back. */
  responseMs: number | null
}

/** Response-time statistics over the cases that got a reply. */
export interface TimingSummary {
  count: number
  minMs: number
  p50Ms: number
  p90Ms: number
  p99Ms: number
  maxMs: number
  /** Buckets with an upper bound (inclusive) and a count; the last bound is Infinity written as null. */
  histogram: { upToMs: number | null; count: number }[]
}

/** Counts by verdict. */
export interface Counts {
  total: number
  passed: number
  failed: number
  skipped: number
  errors: number
}

/** A whole run. */
export interface ConformanceReport {
  schema: typeof REPORT_SCHEMA
  tool: { name: 'modbridge'; version: string }
  startedAt: string
  finishedAt: string
  durationMs: number
  target: { address: string; unit: number; framer: string }
  level: Level
  /** The device profile the run judged against (as given or as probed). */
  profile: unknown
  summary: Counts & {
    bySeverity: Record<Severity, Counts>
    /** 'pass' when every case judged at this level passed. */
    verdict: 'pass' | 'fail'
  }
  timing: {
    response: TimingSummary
    /** Serial lines: the share of the run the wire itself needed, from frame sizes and the baud rate. */
    wireMs: number | null
    /** Serial lines: gaps seen between bytes inside reply frames, measured, not judged. */
    gapsInsideFrames: TimingSummary | null
  }
  cases: CaseReport[]
}
