/**
 * The case model: every conformance case has an id, a spec section, a severity, a level and a
 * category, and a run() that sends bytes to the target and judges what comes back.
 */
import { decodeResponse, EXCEPTION_FLAG, exceptionName, hex, type Message, type Registry } from '../../core/index.ts'
import type { DeviceProfile } from '../profile.ts'
import type { CaseReport, Level, Observation, Verdict } from '../report.ts'
import type { Exchange, RawTarget, ReplyFrame } from '../targets/target.ts'

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
export type CaseOutcome = Pick<CaseReport, 'verdict' | 'message' | 'request' | 'expected' | 'actual' | 'responseMs'> & { gapsMs?: number[] }

/** One conformance case: the descriptive part of a CaseReport, and how to run it. */
export type CaseDefinition = Pick<CaseReport, 'id' | 'title' | 'spec' | 'severity' | 'level' | 'category' | 'functionCode'> & {
  run(ctx: CaseContext): Promise<CaseOutcome>
}

/** Spaced lower-case hex. */
export function spacedHex(buf: Buffer | null | undefined): string | null {
  return buf ? buf.toString('hex').replace(/(..)(?!$)/g, '$1 ') : null
}

/** A reply as an observation: its hex and what it decodes to. */
export function observe(reply: ReplyFrame | null, closed = false, framingErrors: string[] = [], registry?: Registry): Observation {
  if (!reply && framingErrors.length) return { hex: null, description: `no valid reply: ${framingErrors[0]}` }
  if (!reply) return { hex: null, description: closed ? 'no reply; the device closed the connection' : 'no reply (silence)' }
  return { hex: spacedHex(reply.raw), description: describePdu(reply.pdu, registry) }
}

/** A short text for a reply PDU, decoded with `registry` (user codes included) when given. */
export function describePdu(pdu: Buffer, registry?: Registry): string {
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

/** Sends a PDU to the context's unit (or `unit`) and waits for the reply. */
export async function send(ctx: Pick<CaseContext, 'target' | 'unit' | 'waitMs' | 'nextTid'>, pdu: Buffer, options: { unit?: number; waitMs?: number } = {}): Promise<{ adu: Buffer; exchange: Exchange }> {
  const adu = ctx.target.frame(options.unit ?? ctx.unit, pdu, ctx.nextTid())
  const exchange = await ctx.target.exchange(adu, { waitMs: options.waitMs ?? ctx.waitMs, requestPdu: pdu })
  return { adu, exchange }
}

/** An outcome from parts; `registry` describes the reply when it may be a user function's. */
export function outcome(verdict: Verdict, adu: Buffer | null, expected: string, exchange: Exchange | null, message: string | null, registry?: Registry): CaseOutcome {
  return {
    verdict,
    message,
    request: spacedHex(adu),
    expected: { hex: null, description: expected },
    actual: exchange ? observe(exchange.reply, exchange.closed, exchange.framingErrors, registry) : { hex: null, description: 'not sent' },
    responseMs: exchange?.responseMs ?? null,
    gapsMs: exchange?.gapsMs,
  }
}

/** Judges a reply that must be one of the exception `codes`; `registry` as for outcome(). */
export function expectException(adu: Buffer, ex: Exchange, fc: number, codes: number[], why: string, registry?: Registry): CaseOutcome {
  const want = codes.map((c) => `${hex(c)} (${exceptionName(c)})`).join(' or ')
  const expected = `exception ${want}: ${why}`
  const fail = (message: string) => outcome('fail', adu, expected, ex, message, registry)
  const r = ex.reply
  if (!r) return fail(ex.framingErrors.length ? `no valid reply (${ex.framingErrors[0]})` : 'no reply')
  if (r.pdu[0] !== (fc | EXCEPTION_FLAG)) return fail(r.pdu[0] === fc ? 'answered normally instead of with an exception' : `reply function ${hex(r.pdu[0])}`)
  if (r.pdu.length !== 2) return fail(`exception PDU of ${r.pdu.length} bytes (§7: 2)`)
  if (!codes.includes(r.pdu[1])) return fail(`exception ${hex(r.pdu[1])} instead of ${want}`)
  return outcome('pass', adu, expected, ex, null, registry)
}

/** Judges silence as the right answer. */
export function expectSilence(adu: Buffer, ex: Exchange, why: string): CaseOutcome {
  return ex.reply ? outcome('fail', adu, `no reply: ${why}`, ex, 'the device answered') : outcome('pass', adu, `no reply: ${why}`, ex, null)
}
