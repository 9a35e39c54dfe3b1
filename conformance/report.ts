/**
 * The conformance report: what a run writes as report.json (versioned), and what every other
 * reporter (JUnit XML, HTML, Markdown) and `conformance diff` read.
 */

/** The schema id written into every report. Bump the number on an incompatible change. */
export const REPORT_SCHEMA = 'modbridge-conformance-report/2'

/** How much a case matters (RFC 2119 words, as the spec uses them). */
export type Severity = 'must' | 'should' | 'may'
/** `strict` judges everything; `interop` does not fail a device on what the field tolerates. */
export type Level = 'strict' | 'interop'
/** What kind of check a case is. */
export type Category = 'positive' | 'negative' | 'exception' | 'framing' | 'scenario'
/**
 * A case's outcome. `skip`: not applicable to this target, profile or level; `error`: the run could
 * not judge it; `not-run`: the run stopped before it (the device could not be reached again).
 */
export type Verdict = 'pass' | 'fail' | 'skip' | 'error' | 'not-run'

/** Which failures fail the run: MUST failures only (SHOULD and MAY failures are warnings), or SHOULD ones too. */
export type FailOn = 'must' | 'should'

/** Something the device sent that was not the reply of the request under way (see conformance/targets/attribution.ts). */
export interface WireNote {
  /** late: an earlier request's reply after its window; duplicate: a second reply; stray: answers nothing sent. */
  kind: 'late' | 'duplicate' | 'stray'
  /** Spaced hex. */
  hex: string
  /** Late and duplicate: ms from the request that caused it. */
  afterMs: number | null
  why: string
  /** True for a whole frame, false for bytes that form none. */
  frame: boolean
  /** Late and duplicate replies: the id of the case that was running when it arrived, when that is another case. */
  arrivedIn?: string
}

/** An id in the reply that differs from the request's. */
export interface IdMismatch {
  field: 'transaction id' | 'unit id' | 'protocol id'
  sent: number
  received: number
}

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
  /**
   * What else the device sent: stray bytes that arrived while this case ran, and late or duplicate
   * replies this case's requests caused (wherever they arrived).
   */
  wire: WireNote[]
  /** Ids of the reply shown that differ from the request's. */
  ids: IdMismatch[]
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
  notRun: number
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
  /** How the run listened and what fails it. */
  options: {
    /** Reply window per request, ms (--timeout). */
    timeoutMs: number
    /** How long a case that must draw no reply listens, ms (--silence); also how long the runner listens for a late reply. */
    silenceMs: number
    failOn: FailOn
  }
  /** The device profile the run judged against (as given or as probed). */
  profile: unknown
  /** What the probe could not determine, why cases were skipped, reconnects: one sentence each. */
  notes: string[]
  summary: Counts & {
    bySeverity: Record<Severity, Counts>
    /** Failed cases that do not fail the run at this --fail-on (SHOULD and MAY failures by default). */
    warnings: number
    /**
     * 'fail' when a case failed that fails the run (a MUST failure at this level, a SHOULD one with
     * --fail-on should) or could not be judged (error).
     */
    verdict: 'pass' | 'fail'
    /** Why the run stopped before its last case, or null when it ran to the end. */
    stopped: string | null
  }
  timing: {
    response: TimingSummary
    /** Serial lines: the share of the run the wire itself needed, from frame sizes and the baud rate. */
    wireMs: number | null
    /** Serial lines: gaps seen between bytes inside reply frames, measured, not judged. */
    gapsInsideFrames: TimingSummary | null
  }
  cases: CaseReport[]
  /** The pcapng capture of the run (`conformance run --capture`), as a path relative to the report's folder; absent when none was written. */
  capture?: string
}
