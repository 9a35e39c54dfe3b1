/**
 * The case model: every conformance case has an id, a spec section, a severity, a level and a
 * category, and a run() that sends bytes to the target and judges what comes back.
 */
import { decodeRequest, decodeResponse, EXCEPTION_FLAG, exceptionName, hex, type Message, type Registry } from '../../core/index.ts'
import type { DeviceProfile } from '../profile.ts'
import type { CaseReport, IdMismatch, Level, Observation, Verdict } from '../report.ts'
import { spacedHex as hexOf } from '../targets/attribution.ts'
import { describeServerId, isServerIdReply } from './server-id.ts'
import type { Exchange, ExchangeOptions, RawTarget } from '../targets/target.ts'

/** What a case gets to work with. */
export interface CaseContext {
  target: RawTarget
  unit: number
  profile: DeviceProfile
  level: Level
  /** How long to wait for a reply, ms. */
  waitMs: number
  /** How long to listen when silence is the right answer, ms. */
  silenceMs: number
  /** A fresh MBAP transaction id for each request. */
  nextTid(): number
  /** What every function code means: how requests are judged and replies checked (user codes included). */
  registry: Registry
}

/** What a case found: the judged part of a CaseReport, plus the gaps seen inside the reply. */
export type CaseOutcome = Pick<CaseReport, 'verdict' | 'message' | 'request' | 'expected' | 'actual' | 'responseMs' | 'ids'> & {
  gapsMs?: number[]
  /** The case passed on silence alone: a late reply to it fails it. */
  silent?: boolean
}

/** One conformance case: the descriptive part of a CaseReport, and how to run it. */
export type CaseDefinition = Pick<CaseReport, 'id' | 'title' | 'spec' | 'severity' | 'level' | 'category' | 'functionCode'> & {
  run(ctx: CaseContext): Promise<CaseOutcome>
}

/** What a case expected: words, or bytes and words. */
export type Expected = string | Observation

/** Spaced lower-case hex. */
export function spacedHex(buf: Buffer | null | undefined): string | null {
  return buf ? hexOf(buf) : null
}

/** What came back in an exchange, as the report shows it. */
export function observe(ex: Exchange, registry?: Registry): Observation {
  const r = ex.reply
  if (r) return { hex: spacedHex(r.raw), description: describePdu(r.pdu, registry) + (r.protocolId !== 0 ? ` (MBAP protocol id ${hex(r.protocolId, 4)})` : '') }
  const other = ex.mismatched[0]
  if (other) return { hex: spacedHex(other.raw), description: `no reply with transaction id ${hex(ex.sent.tid ?? 0, 4)}; a frame with transaction id ${hex(other.tid, 4)} came instead: ${describePdu(other.pdu, registry)}` }
  const closed = ex.closed ? '; the device closed the connection' : ''
  if (ex.bytesReceived > 0) {
    const why = ex.framingErrors[0] ?? ex.events.find((e) => e.kind === 'stray')?.why ?? 'no frame'
    return { hex: null, description: `no valid reply: ${ex.bytesReceived} bytes (${why})${closed}` }
  }
  return { hex: null, description: ex.closed ? 'no reply; the device closed the connection' : 'no reply (silence)' }
}

/** A short text for a reply PDU, decoded with `registry` (user codes included) when given. */
export function describePdu(pdu: Buffer, registry?: Registry): string {
  if (isServerIdReply(pdu)) return describeServerId(pdu)
  if (pdu[0] & EXCEPTION_FLAG) return `exception ${hex(pdu[1] ?? 0)} (${exceptionName(pdu[1] ?? 0)}) to function ${hex(pdu[0] & ~EXCEPTION_FLAG)}`
  try {
    return summarize(registry ? decodeResponse(pdu, 0, pdu.length, registry) : decodeResponse(pdu))
  } catch (err) {
    return `malformed ${hex(pdu[0])} reply: ${(err as Error).message}`
  }
}

/** A compact description of a decoded message. */
export function summarize(m: Message): string {
  const { function: fn, ...rest } = m
  const text = JSON.stringify(rest, (_k, v) => (Array.isArray(v) && v.length > 12 ? `[${v.length} items]` : v))
  return `${String(fn)} ${text.length > 160 ? text.slice(0, 157) + '…' : text}`
}

type SendContext = Pick<CaseContext, 'target' | 'unit' | 'waitMs' | 'silenceMs' | 'nextTid' | 'registry'>

/** True when `pdu` is not a well-formed request: a device may frame it otherwise than it was sent. */
function malformed(pdu: Buffer, registry: Registry): boolean {
  try {
    decodeRequest(pdu, 0, pdu.length, registry)
    return false
  } catch {
    return true
  }
}

/**
 * Sends a PDU to the context's unit (or `unit`) and waits for its reply; with `silence`, listens
 * the whole silence window instead (the right answer is none).
 */
export async function send(ctx: SendContext, pdu: Buffer, options: { unit?: number; waitMs?: number; silence?: boolean } = {}): Promise<{ adu: Buffer; exchange: Exchange }> {
  const unit = options.unit ?? ctx.unit
  const tid = ctx.target.framer === 'tcp' ? ctx.nextTid() : undefined
  const adu = ctx.target.frame(unit, pdu, tid)
  const waitMs = options.waitMs ?? (options.silence ? ctx.silenceMs : ctx.waitMs)
  const exchange = await ctx.target.exchange(adu, { waitMs, expect: { unit, pdu, tid }, listen: options.silence ? 'silence' : 'reply', malformed: malformed(pdu, ctx.registry) })
  return { adu, exchange }
}

/** Sends bytes built by the case (bad checksums, odd MBAP headers, pieces) that still name a request. */
export function sendRaw(ctx: SendContext, request: Buffer | Buffer[], expect: ExchangeOptions['expect'], options: { silence?: boolean; chunkGapMs?: number } = {}): Promise<Exchange> {
  return ctx.target.exchange(request, { waitMs: options.silence ? ctx.silenceMs : ctx.waitMs, expect, listen: options.silence ? 'silence' : 'reply', chunkGapMs: options.chunkGapMs })
}

/** The expected reply as bytes: `pdu` framed as the reply to what `ex` sent (its unit, its transaction id). */
export function expectBytes(ctx: Pick<CaseContext, 'target'>, ex: Exchange, pdu: Buffer, description: string): Observation {
  return { hex: spacedHex(ctx.target.frame(ex.sent.unit, pdu, ex.sent.tid)), description }
}

/** Ids of the frame shown for `ex` that differ from the request's. */
export function idMismatches(ex: Exchange | null): IdMismatch[] {
  const f = ex?.reply ?? ex?.mismatched[0]
  if (!ex || !f) return []
  const out: IdMismatch[] = []
  if (ex.sent.tid !== undefined && f.tid !== ex.sent.tid) out.push({ field: 'transaction id', sent: ex.sent.tid, received: f.tid })
  if (f.protocolId !== 0) out.push({ field: 'protocol id', sent: 0, received: f.protocolId })
  if (f.unit !== ex.sent.unit) out.push({ field: 'unit id', sent: ex.sent.unit, received: f.unit })
  return out
}

/** An outcome from parts; `registry` describes the reply when it may be a user function's. */
export function outcome(verdict: Verdict, adu: Buffer | null, expected: Expected, exchange: Exchange | null, message: string | null, registry?: Registry): CaseOutcome {
  return {
    verdict,
    message,
    request: spacedHex(adu),
    expected: typeof expected === 'string' ? { hex: null, description: expected } : expected,
    actual: exchange ? observe(exchange, registry) : { hex: null, description: 'not sent' },
    responseMs: exchange?.responseMs ?? null,
    gapsMs: exchange?.gapsMs,
    ids: idMismatches(exchange),
  }
}

/** Why an exchange has no usable reply, or null when it has one. */
export function missingReply(ex: Exchange): string | null {
  if (ex.reply) return ex.reply.protocolId !== 0 ? `a reply with MBAP protocol id ${hex(ex.reply.protocolId, 4)} (MB TCP guide §3.1.3: 0)` : null
  const other = ex.mismatched[0]
  if (other) return `no reply with transaction id ${hex(ex.sent.tid ?? 0, 4)} (a frame with transaction id ${hex(other.tid, 4)} came instead)`
  if (ex.closed) return 'no reply; the device closed the connection'
  if (ex.bytesReceived > 0) return `no valid reply (${ex.framingErrors[0] ?? ex.events.find((e) => e.kind === 'stray')?.why ?? `${ex.bytesReceived} bytes`})`
  return 'no reply'
}

/** Judges a reply that must be one of the exception `codes`; `registry` as for outcome(). */
export function expectException(ctx: Pick<CaseContext, 'target'>, adu: Buffer, ex: Exchange, fc: number, codes: number[], why: string, registry?: Registry): CaseOutcome {
  const want = codes.map((c) => `${hex(c)} (${exceptionName(c)})`).join(' or ')
  const words = `exception ${want}: ${why}`
  const expected: Expected = codes.length === 1 ? expectBytes(ctx, ex, Buffer.from([fc | EXCEPTION_FLAG, codes[0]]), words) : words
  const fail = (message: string) => outcome('fail', adu, expected, ex, message, registry)
  const missing = missingReply(ex)
  if (missing) return fail(missing)
  const r = ex.reply!
  if (r.pdu[0] !== (fc | EXCEPTION_FLAG)) return fail(r.pdu[0] === fc ? 'answered normally instead of with an exception' : `reply function ${hex(r.pdu[0])}`)
  if (r.pdu.length !== 2) return fail(`exception PDU of ${r.pdu.length} bytes (§7: 2)`)
  if (!codes.includes(r.pdu[1])) return fail(`exception ${hex(r.pdu[1])} instead of ${want}`)
  return outcome('pass', adu, expected, ex, null, registry)
}

/** Judges silence as the right answer: any byte the device sent in the window fails it, frame or not. */
export function expectSilence(adu: Buffer, ex: Exchange, why: string): CaseOutcome {
  const expected = `no reply: ${why}`
  if (ex.bytesReceived === 0) return { ...outcome('pass', adu, expected, ex, null), silent: true }
  const what = ex.reply ?? ex.mismatched[0] ? '' : `: ${ex.bytesReceived} bytes that form no valid frame`
  return outcome('fail', adu, expected, ex, `the device answered${what}`)
}
