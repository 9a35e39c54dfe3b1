/**
 * Runs the conformance cases against a target and assembles the report. Before each case the
 * target is drained and, if need be, reconnected; what arrived meanwhile is attributed: a late or
 * duplicate reply amends the case that caused it, stray bytes are noted in the case that was
 * running. When the device cannot be reached again the remaining cases are 'not-run'.
 */
import { readFileSync } from 'node:fs'
import { defaultRegistry, TransportError, type Registry } from '../core/index.ts'
import { type ByteLink } from '../core/transport/link.ts'
import { loadPduVectors, type PduVector } from '../vectors/loader.ts'
import { framingCases } from './cases/framing-cases.ts'
import type { CaseContext, CaseDefinition, CaseOutcome } from './cases/case.ts'
import { scenarioCases } from './cases/scenario-cases.ts'
import { unassignedCases } from './cases/unassigned-cases.ts'
import { vectorCases } from './cases/vector-cases.ts'
import { wireCases, type WireLog } from './cases/wire-cases.ts'
import { probeProfile } from './probe.ts'
import type { DeviceProfile } from './profile.ts'
import { REPORT_SCHEMA, type CaseReport, type ConformanceReport, type Counts, type FailOn, type Level, type Severity, type WireNote } from './report.ts'
import { amend, noteSkips } from './amend.ts'
import { openTarget } from './targets/open.ts'
import type { WireEvent } from './targets/attribution.ts'
import type { RawTarget } from './targets/target.ts'
import { summarizeTimes } from './timing.ts'
import type { TargetCapture } from './targets/capture.ts'

/** Options of a run. */
export interface RunOptions {
  /** Device address (any of the grammar). */
  target: string
  unit: number
  /** The device's claims; probed when absent. */
  profile?: DeviceProfile
  level: Level
  /** Only cases for these function codes. */
  only?: number[]
  /** Reply window per request, ms (default 1000). */
  waitMs?: number
  /**
   * How long a case that must draw no reply listens, ms, and how long the runner listens for a late
   * reply after a request that drew none (default 300 on networks, 500 on serial lines).
   */
  silenceMs?: number
  /** Which failures fail the run (default 'must': SHOULD and MAY failures are warnings). */
  failOn?: FailOn
  /** Network: how long re-opening a dropped connection may take, back-off included, ms (default 5000). */
  reconnectMs?: number
  /** Serial: an open link instead of the port (virtual lines, tests). */
  link?: ByteLink
  /** Records every frame sent and received into this capture (`conformance run --capture`). */
  capture?: TargetCapture
  /**
   * What every function code means (default: the built-in registry). A registry with user function
   * codes makes the runner judge their requests and replies as it judges the built-in ones.
   */
  registry?: Registry
  /** The PDU vectors to replay (default: every vector in vectors/), e.g. with vectors for user function codes. */
  vectors?: PduVector[]
  /** Called after each case. */
  onProgress?(done: number, total: number, c: CaseReport): void
}

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version

/** Every case that applies to a target, in a stable order; `log` feeds the run-level wire cases. */
export function selectCases(target: RawTarget, only?: number[], vectors: PduVector[] = loadPduVectors(), registry: Registry = defaultRegistry, log: WireLog = { strays: () => [] }): CaseDefinition[] {
  const framing = target.framer === 'tcp' ? framingCases('mbap') : target.serial ? framingCases('serial') : framingCases('rtu-stream')
  const all = [...vectorCases(vectors, registry), ...unassignedCases(registry), ...framing, ...scenarioCases()]
  return [...(only ? all.filter((c) => c.functionCode !== null && only.includes(c.functionCode)) : all), ...wireCases(log)]
}

function counts(cases: CaseReport[]): Counts {
  const n = (v: CaseReport['verdict']) => cases.filter((c) => c.verdict === v).length
  return { total: cases.length, passed: n('pass'), failed: n('fail'), skipped: n('skip'), errors: n('error'), notRun: n('not-run') }
}

async function runCase(def: CaseDefinition, ctx: CaseContext): Promise<CaseOutcome> {
  try {
    return await def.run(ctx)
  } catch (err) {
    return { verdict: 'error', message: (err as Error).message, request: null, expected: { hex: null, description: '' }, actual: { hex: null, description: 'the run failed' }, responseMs: null, ids: [] }
  }
}

/** True when a case's verdict fails the run at `failOn`. */
export function failsRun(c: Pick<CaseReport, 'verdict' | 'severity'>, failOn: FailOn): boolean {
  return c.verdict === 'error' || (c.verdict === 'fail' && (c.severity === 'must' || (failOn === 'should' && c.severity === 'should')))
}

function reportOf(def: CaseDefinition, r: CaseOutcome, level: Level): CaseReport {
  let verdict = r.verdict
  let message = r.message
  if (verdict === 'fail' && def.level === 'strict' && level === 'interop') {
    verdict = 'skip'
    message = `tolerated at interop level: ${message ?? ''}`
  }
  return {
    id: def.id,
    title: def.title,
    spec: def.spec,
    severity: def.severity,
    level: def.level,
    category: def.category,
    functionCode: def.functionCode,
    verdict,
    message,
    request: r.request,
    expected: r.expected,
    actual: r.actual,
    responseMs: r.responseMs === null ? null : Math.round(r.responseMs * 1000) / 1000,
    wire: [],
    ids: r.ids,
  }
}

function notRun(def: CaseDefinition, why: string): CaseReport {
  return reportOf(def, { verdict: 'not-run', message: `not run: ${why}`, request: null, expected: { hex: null, description: '' }, actual: { hex: null, description: 'not sent' }, responseMs: null, ids: [] }, 'strict')
}

/** Characters on the wire: every request sent and every reply shown. */
function wireChars(cases: CaseReport[]): number {
  return cases.reduce((n, c) => n + ((c.request?.replace(/ /g, '').length ?? 0) + (c.actual.hex?.replace(/ /g, '').length ?? 0)) / 2, 0)
}

/** Runs the cases; throws TransportError when the target cannot be reached at all. */
export async function runConformance(o: RunOptions): Promise<ConformanceReport> {
  const started = new Date()
  const t0 = performance.now()
  const registry = o.registry ?? defaultRegistry
  let target: RawTarget
  try {
    target = await openTarget(o.target, { link: o.link, registry, reconnectMs: o.reconnectMs, capture: o.capture })
  } catch (err) {
    throw new TransportError(`cannot reach ${o.target}: ${(err as Error).message}`, { cause: err })
  }
  try {
    const waitMs = o.waitMs ?? 1000
    const silenceMs = o.silenceMs ?? (target.serial ? 500 : 300)
    const failOn = o.failOn ?? 'must'
    let tid = 0
    // Transaction ids 1..255: the MBAP case sends ids above 255 itself, so a device that echoes only
    // the low byte fails that case and no other.
    const base = { target, unit: o.unit, level: o.level, waitMs, silenceMs, nextTid: () => (tid = (tid % 0xff) + 1), registry }
    const notes: string[] = []
    const cases: CaseReport[] = []
    const strays: (WireNote & { caseId: string })[] = []
    const silentCases = new Set<number>()
    const apply = (events: WireEvent[]) => {
      for (const e of events) {
        const c = cases[e.caseIndex]
        const note: WireNote = { kind: e.kind, hex: e.hex, afterMs: e.afterMs, why: e.why, frame: e.frame }
        const during = e.arrivedDuring === undefined ? undefined : cases[e.arrivedDuring]
        if (c && during && during !== c) note.arrivedIn = during.id
        if (!c) {
          notes.push(`before the first case (probe): ${e.kind} ${e.hex}: ${e.why}`)
          continue
        }
        amend(c, note, waitMs, silenceMs, silentCases.has(e.caseIndex))
        if (e.kind === 'stray') strays.push({ ...note, caseId: c.id })
      }
    }
    let profile = o.profile
    if (!profile) {
      const probed = await probeProfile(base)
      profile = probed.profile
      notes.push(...probed.notes)
      apply((await target.settle(silenceMs)).events)
    }
    const ctx: CaseContext = { ...base, profile }
    const defs = selectCases(target, o.only, o.vectors, registry, { strays: () => strays })
    let stopped: string | null = null
    let reconnects = 0
    const gaps: number[] = []
    for (const [i, def] of defs.entries()) {
      let report: CaseReport
      if (stopped) report = notRun(def, stopped)
      else {
        const settled = await target.settle(silenceMs)
        apply(settled.events)
        if (settled.reconnected) reconnects++
        if (settled.lost) {
          stopped = settled.lost
          notes.push(`the run stopped before ${def.id}: ${settled.lost}`)
          report = notRun(def, stopped)
        } else {
          target.beginCase(i)
          const r = await runCase(def, ctx)
          if (r.gapsMs) gaps.push(...r.gapsMs)
          if (r.silent) silentCases.add(i)
          report = reportOf(def, r, o.level)
        }
      }
      cases.push(report)
      o.onProgress?.(cases.length, defs.length, report)
    }
    if (!stopped) apply((await target.settle(silenceMs)).events)
    if (reconnects > 0) notes.push(`the connection was re-opened ${reconnects} times between cases (after the device closed it, or after an exchange that left it unclean)`)
    notes.push(...noteSkips(cases))
    const all = counts(cases)
    const of = (s: Severity) => counts(cases.filter((c) => c.severity === s))
    const bySeverity: Record<Severity, Counts> = { must: of('must'), should: of('should'), may: of('may') }
    const failing = cases.filter((c) => failsRun(c, failOn)).length
    const warnings = cases.filter((c) => c.verdict === 'fail' && !failsRun(c, failOn)).length
    return {
      schema: REPORT_SCHEMA,
      tool: { name: 'modbridge', version: VERSION },
      startedAt: started.toISOString(),
      finishedAt: new Date().toISOString(),
      durationMs: Math.round(performance.now() - t0),
      target: { address: target.label, unit: o.unit, framer: target.framer },
      level: o.level,
      options: { timeoutMs: waitMs, silenceMs, failOn },
      profile,
      notes,
      summary: { ...all, bySeverity, warnings, verdict: failing === 0 && stopped === null ? 'pass' : 'fail', stopped },
      timing: {
        response: summarizeTimes(cases.flatMap((c) => (c.responseMs === null ? [] : [c.responseMs]))),
        wireMs: target.characterMs === null ? null : Math.round(wireChars(cases) * target.characterMs),
        gapsInsideFrames: target.serial ? summarizeTimes(gaps) : null,
      },
      cases,
    }
  } finally {
    await target.close()
  }
}
