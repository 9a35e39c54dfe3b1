/**
 * Which request a frame from the device answers. Modbus/TCP: the transaction id says it (MB TCP
 * guide §3.1.3), and a frame whose id no request carried is stray, or — when it answers the
 * function under way — a reply with a mismatched id. Serial lines have no ids (SL §2.1: one
 * request at a time): a frame answers the request under way when its unit and function match and
 * it came after the request; a frame that fits the registry's reply rule of an earlier request
 * that is still unanswered, and not the current one, is that request's late reply. A second frame
 * for an answered request is a duplicate. Nothing else is a reply: it is stray, and the runner
 * reports it in the case that was running.
 */
import { EXCEPTION_FLAG, hex, type Registry } from '../../core/index.ts'
import type { ExpectedReply, ReplyFrame } from './target.ts'

/** Something the device sent that is not the reply of the request under way. */
export interface WireEvent {
  /** late: the reply of an earlier request, after its window; duplicate: a second reply; stray: answers nothing sent. */
  kind: 'late' | 'duplicate' | 'stray'
  /** The case that caused it (late, duplicate) or that was running when it arrived (stray). */
  caseIndex: number
  /** The case that was running when it arrived (set when recorded). */
  arrivedDuring?: number
  /** The bytes, spaced hex. */
  hex: string
  /** Late and duplicate: ms from the request that caused it to its last byte. */
  afterMs: number | null
  /** What it is, in words. */
  why: string
  /** True for a whole frame (its checksum or MBAP length held), false for bytes that form none. */
  frame: boolean
}

/** One request sent, as the attribution remembers it. */
export interface Sent {
  caseIndex: number
  expect: ExpectedReply
  sentAt: number
  /** True while its window is open. */
  open: boolean
  reply: ReplyFrame | undefined
}

/** What a frame turned out to be. */
export type Attributed = { kind: 'reply'; sent: Sent } | { kind: 'mismatched'; sent: Sent } | { kind: 'event'; event: WireEvent; foreign: boolean }

/** Requests remembered for late and duplicate replies. */
const HISTORY = 16

/** Spaced lower-case hex. */
export function spacedHex(buf: Buffer): string {
  return buf.toString('hex').replace(/(..)(?!$)/g, '$1 ')
}

/** Attributes the frames of one connection or line. */
export class Attribution {
  /** The case that is running. */
  caseIndex = -1
  private readonly history: Sent[] = []
  /** Every late, duplicate and stray event since the last take(). */
  private events: WireEvent[] = []

  constructor(
    private readonly registry: Registry,
    private readonly byTransactionId: boolean,
  ) {}

  /** Records a request about to be sent; its window is open until close(). */
  open(expect: ExpectedReply, sentAt: number): Sent {
    const sent: Sent = { caseIndex: this.caseIndex, expect, sentAt, open: true, reply: undefined }
    this.history.push(sent)
    if (this.history.length > HISTORY) this.history.shift()
    return sent
  }

  /** Forgets every request: a new connection carries no replies of the old one. */
  forget(): void {
    this.history.length = 0
  }

  /** The events since the last call. */
  take(): WireEvent[] {
    const out = this.events
    this.events = []
    return out
  }

  /** Bytes that form no frame: stray, in the running case. */
  junk(bytes: Buffer, why: string): WireEvent {
    return this.record({ kind: 'stray', caseIndex: this.caseIndex, hex: spacedHex(bytes), afterMs: null, why, frame: false })
  }

  /** Attributes one frame. */
  frame(f: ReplyFrame): Attributed {
    return this.byTransactionId ? this.byTid(f) : this.byRule(f)
  }

  private byTid(f: ReplyFrame): Attributed {
    for (let i = this.history.length - 1; i >= 0; i--) {
      const s = this.history[i]
      if (s.expect.tid === f.tid) return this.claim(s, f)
    }
    const current = lastOf(this.history, (s) => s.open)
    if (current && f.unit === current.expect.unit && answersFunction(current.expect.pdu, f.pdu)) return { kind: 'mismatched', sent: current }
    return { kind: 'event', foreign: false, event: this.record({ kind: 'stray', caseIndex: this.caseIndex, hex: spacedHex(f.raw), afterMs: null, why: `a frame with transaction id ${hex(f.tid, 4)}, which no request carried`, frame: true }) }
  }

  private byRule(f: ReplyFrame): Attributed {
    const current = lastOf(this.history, (s) => s.open && f.at >= s.sentAt)
    const fits = (s: Sent) => f.unit === s.expect.unit && (s.expect.pdu === undefined || answersFunction(s.expect.pdu, f.pdu))
    const shaped = (s: Sent) => s.expect.pdu === undefined || this.registry.checkReply(s.expect.pdu, f.pdu) === null
    const earlier = this.history.filter((s) => s !== current && !s.open)
    const lateCandidate = lastOf(earlier, (s) => !s.reply && fits(s) && shaped(s))
    if (current && fits(current)) {
      if (lateCandidate && !shaped(current)) return this.claim(lateCandidate, f)
      return this.claim(current, f)
    }
    const owner = lateCandidate ?? lastOf(earlier, (s) => fits(s) && shaped(s)) ?? lastOf(earlier, (s) => !s.reply && fits(s))
    if (owner) return this.claim(owner, f)
    const whose = f.unit === 0 ? 'unit 0' : `unit ${f.unit}`
    return { kind: 'event', foreign: false, event: this.record({ kind: 'stray', caseIndex: this.caseIndex, hex: spacedHex(f.raw), afterMs: null, why: `a frame from ${whose} that answers no request sent`, frame: true }) }
  }

  /** `f` belongs to `s`: its reply, a late reply or a duplicate. */
  private claim(s: Sent, f: ReplyFrame): Attributed {
    const afterMs = Math.round((f.at - s.sentAt) * 1000) / 1000
    if (!s.reply) {
      s.reply = f
      if (s.open) return { kind: 'reply', sent: s }
      return { kind: 'event', foreign: true, event: this.record({ kind: 'late', caseIndex: s.caseIndex, hex: spacedHex(f.raw), afterMs, why: `a late reply, ${afterMs} ms after the request`, frame: true }) }
    }
    return { kind: 'event', foreign: !s.open, event: this.record({ kind: 'duplicate', caseIndex: s.caseIndex, hex: spacedHex(f.raw), afterMs, why: `a second reply to one request, ${afterMs} ms after it`, frame: true }) }
  }

  private record(e: WireEvent): WireEvent {
    e.arrivedDuring = this.caseIndex
    this.events.push(e)
    return e
  }
}

/** True when `reply` is the normal or the exception reply of `request`'s function. */
export function answersFunction(request: Buffer | undefined, reply: Buffer): boolean {
  if (!request || request.length === 0 || reply.length === 0) return false
  return reply[0] === request[0] || reply[0] === (request[0] | EXCEPTION_FLAG)
}

/** The last element of `list` that satisfies `test` (Array#findLast is ES2023; the project targets ES2022). */
function lastOf<T>(list: readonly T[], test: (x: T) => boolean): T | undefined {
  for (let i = list.length - 1; i >= 0; i--) if (test(list[i])) return list[i]
  return undefined
}
