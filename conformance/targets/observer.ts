/**
 * The receive side shared by every target: frames replies with the target's framer, keeps the
 * first reply of an exchange, and times it.
 */
import { createFramer, SilenceWatch, type Framer, type FramerKind, type FrameSink, type RtuFramer } from '../../core/index.ts'
import type { ReplyFrame } from './target.ts'

/** Collects the reply to the exchange under way. */
export class ReplyObserver {
  readonly framer: Framer
  private waiting: ((f: ReplyFrame | null) => void) | undefined
  private lastChunkAt = 0
  private firstChunkAt = 0
  readonly gaps: number[] = []
  /** Framing errors seen during the exchange under way (a corrupted reply is not silence). */
  readonly errors: string[] = []
  private readonly sink: FrameSink
  private readonly watch: SilenceWatch | undefined

  /** `silenceMs`: serial RTU lines, where frames of unknown length end at silence. */
  constructor(kind: FramerKind, probe: boolean, silenceMs?: number) {
    this.framer = createFramer(kind, { expect: 'response', probe })
    this.sink = {
      frame: (adu) => {
        const w = this.waiting
        this.waiting = undefined
        w?.({ unit: adu.unit, tid: adu.tid, pdu: Buffer.from(adu.pdu), raw: Buffer.from(adu.raw) })
      },
      error: (err) => {
        if (this.waiting) this.errors.push(`${err.code}: ${err.message}`)
      },
    }
    this.watch = kind === 'rtu' && silenceMs !== undefined ? new SilenceWatch(this.framer as RtuFramer, this.sink, silenceMs) : undefined
  }

  /** Feeds received bytes. */
  push(chunk: Buffer): void {
    const now = performance.now()
    if (this.waiting && this.firstChunkAt === 0) this.firstChunkAt = now
    else if (this.waiting) this.gaps.push(now - this.lastChunkAt)
    this.lastChunkAt = now
    this.framer.push(chunk, this.sink)
    this.watch?.activity()
  }

  /** Stops the silence timers. */
  stop(): void {
    this.watch?.stop()
  }

  /** Starts a new exchange: forgets stray bytes; resolves with the first reply, or null after waitMs. */
  expect(waitMs: number, expectPduLength?: number): { reply: Promise<ReplyFrame | null>; lastByteAt: () => number } {
    this.framer.reset()
    if (this.framer.kind === 'rtu') (this.framer as RtuFramer).expectPduLength(expectPduLength)
    this.gaps.length = 0
    this.errors.length = 0
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
    w?.(null)
  }
}
