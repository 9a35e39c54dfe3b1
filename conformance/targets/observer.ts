/**
 * The receive side shared by every target: frames replies with the target's framer, keeps the
 * first reply of an exchange, and times it.
 */
import { createFramer, type Framer, type FramerKind, type FrameSink, type RtuFramer } from '../../core/index.ts'
import type { ReplyFrame } from './target.ts'

/** Collects the reply to the exchange under way. */
export class ReplyObserver {
  readonly framer: Framer
  private waiting: ((f: ReplyFrame) => void) | undefined
  private lastChunkAt = 0
  private firstChunkAt = 0
  readonly gaps: number[] = []
  private readonly sink: FrameSink

  constructor(kind: FramerKind, probe: boolean) {
    this.framer = createFramer(kind, { expect: 'response', probe })
    this.sink = {
      frame: (adu) => {
        const w = this.waiting
        this.waiting = undefined
        w?.({ unit: adu.unit, tid: adu.tid, pdu: Buffer.from(adu.pdu), raw: Buffer.from(adu.raw) })
      },
      error: () => {},
    }
  }

  /** Feeds received bytes. */
  push(chunk: Buffer): void {
    const now = performance.now()
    if (this.waiting && this.firstChunkAt === 0) this.firstChunkAt = now
    else if (this.waiting) this.gaps.push(now - this.lastChunkAt)
    this.lastChunkAt = now
    this.framer.push(chunk, this.sink)
  }

  /** Line silence: settles an RTU frame whose length only silence tells. */
  silence(): void {
    if (this.framer.kind === 'rtu') (this.framer as RtuFramer).silence(this.sink)
  }

  /** Starts a new exchange: forgets stray bytes; resolves with the first reply, or null after waitMs. */
  expect(waitMs: number, expectPduLength?: number): { reply: Promise<ReplyFrame | null>; lastByteAt: () => number } {
    this.framer.reset()
    if (this.framer.kind === 'rtu') (this.framer as RtuFramer).expectPduLength(expectPduLength)
    this.gaps.length = 0
    this.firstChunkAt = 0
    const reply = new Promise<ReplyFrame | null>((resolve) => {
      const timer = setTimeout(() => {
        this.waiting = undefined
        resolve(null)
      }, waitMs)
      this.waiting = (f) => {
        clearTimeout(timer)
        resolve(f)
      }
    })
    return { reply, lastByteAt: () => this.lastChunkAt }
  }

  /** Abandons the exchange under way (connection closed). */
  abandon(): void {
    const w = this.waiting
    this.waiting = undefined
    if (w) w(null as unknown as ReplyFrame)
  }
}
