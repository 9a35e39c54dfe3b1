/**
 * Runs the conformance cases against a target and assembles the report.
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
import { probeProfile } from './probe.ts'
import type { DeviceProfile } from './profile.ts'
import { REPORT_SCHEMA, type CaseReport, type ConformanceReport, type Counts, type Level, type Severity } from './report.ts'
import { openTarget } from './targets/open.ts'
import type { RawTarget } from './targets/target.ts'
import { summarizeTimes } from './timing.ts'

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
  /** Reply timeout per request, ms (default 1000). */
  waitMs?: number
  /** How long to listen when silence is expected, ms (default 300 on networks, 500 on serial lines). */
  silenceMs?: number
  /** Serial: an open link instead of the port (virtual lines, tests). */
  link?: ByteLink
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

/** Every case that applies to a target, in a stable order. */
export function selectCases(target: RawTarget, only?: number[], vectors: PduVector[] = loadPduVectors(), registry: Registry = defaultRegistry): CaseDefinition[] {
  const framing = target.framer === 'tcp' ? framingCases('mbap') : target.serial ? framingCases('serial') : framingCases('rtu-stream')
  const all = [...vectorCases(vectors, registry), ...unassignedCases(registry), ...framing, ...scenarioCases()]
  return only ? all.filter((c) => c.functionCode !== null && only.includes(c.functionCode)) : all
}

function counts(cases: CaseReport[]): Counts {
  return {
    total: cases.length,
    passed: cases.filter((c) => c.verdict === 'pass').length,
    failed: cases.filter((c) => c.verdict === 'fail').length,
    skipped: cases.filter((c) => c.verdict === 'skip').length,
    errors: cases.filter((c) => c.verdict === 'error').length,
  }
}

async function runCase(def: CaseDefinition, ctx: CaseContext): Promise<CaseOutcome> {
  try {
    return await def.run(ctx)
  } catch (err) {
    return { verdict: 'error', message: (err as Error).message, request: null, expected: { hex: null, description: '' }, actual: { hex: null, description: 'the run failed' }, responseMs: null }
  }
}

/** Runs the cases; throws TransportError when the target cannot be reached at all. */
export async function runConformance(o: RunOptions): Promise<ConformanceReport> {
  const started = new Date()
  const t0 = performance.now()
  let target: RawTarget
  try {
    target = await openTarget(o.target, o.link)
  } catch (err) {
    throw new TransportError(`cannot reach ${o.target}: ${(err as Error).message}`, { cause: err })
  }
  try {
    const waitMs = o.waitMs ?? 1000
    let tid = 0
    const registry = o.registry ?? defaultRegistry
    const base = { target, unit: o.unit, level: o.level, waitMs, silenceMs: o.silenceMs ?? (target.serial ? 500 : 300), nextTid: () => (tid = (tid + 1) & 0xffff), registry }
    const profile = o.profile ?? (await probeProfile(base))
    const ctx: CaseContext = { ...base, profile }
    const defs = selectCases(target, o.only, o.vectors, registry)
    const cases: CaseReport[] = []
    const gaps: number[] = []
    let wireChars = 0
    for (const def of defs) {
      const r = await runCase(def, ctx)
      let verdict = r.verdict
      let message = r.message
      if (verdict === 'fail' && def.level === 'strict' && o.level === 'interop') {
        verdict = 'skip'
        message = `tolerated at interop level: ${message ?? ''}`
      }
      if (r.gapsMs) gaps.push(...r.gapsMs)
      wireChars += ((r.request?.replace(/ /g, '').length ?? 0) + (r.actual.hex?.replace(/ /g, '').length ?? 0)) / 2
      const report: CaseReport = {
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
      }
      cases.push(report)
      o.onProgress?.(cases.length, defs.length, report)
    }
    const all = counts(cases)
    const of = (s: Severity) => counts(cases.filter((c) => c.severity === s))
    const bySeverity: Record<Severity, Counts> = { must: of('must'), should: of('should'), may: of('may') }
    return {
      schema: REPORT_SCHEMA,
      tool: { name: 'modbridge', version: VERSION },
      startedAt: started.toISOString(),
      finishedAt: new Date().toISOString(),
      durationMs: Math.round(performance.now() - t0),
      target: { address: target.label, unit: o.unit, framer: target.framer },
      level: o.level,
      profile,
      summary: { ...all, bySeverity, verdict: all.failed === 0 && all.errors === 0 ? 'pass' : 'fail' },
      timing: {
        response: summarizeTimes(cases.flatMap((c) => (c.responseMs === null ? [] : [c.responseMs]))),
        wireMs: target.characterMs === null ? null : Math.round(wireChars * target.characterMs),
        gapsInsideFrames: target.serial ? summarizeTimes(gaps) : null,
      },
      cases,
    }
  } finally {
    await target.close()
  }
}
