/**
 * The receive side shared by every target: frames replies with the target's framer, keeps the
 * first reply of an exchange, and times it.
 */
import { createFramer, type Framer, type FramerKind, type FrameSink } from '../../core/index.ts'
import { LineReceiver } from '../../core/transport/line-receiver.ts'
import type { ReplyFrame } from './target.ts'

/** Collects the reply to the exchange under way. */
export class ReplyObserver {
  private readonly framer: Framer | undefined
  private readonly line: LineReceiver | undefined
  private waiting: ((f: ReplyFrame | null) => void) | undefined
  private lastChunkAt = 0
  private firstChunkAt = 0
  readonly gaps: number[] = []
  /** Framing errors seen during the exchange under way (a corrupted reply is not silence). */
  readonly errors: string[] = []
  private readonly sink: FrameSink

  /** `silenceMs`: serial RTU lines, where frames of unknown length end at silence. */
  constructor(kind: FramerKind, probe: boolean, silenceMs?: number) {
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
    if (kind === 'tcp') this.framer = createFramer(kind)
    else this.line = new LineReceiver({ framing: kind, expect: 'response', probe, silenceMs, sink: this.sink })
  }

  /** Feeds received bytes. */
  push(chunk: Buffer): void {
    const now = performance.now()
    if (this.waiting && this.firstChunkAt === 0) this.firstChunkAt = now
    else if (this.waiting) this.gaps.push(now - this.lastChunkAt)
    this.lastChunkAt = now
    if (this.line) this.line.push(chunk)
    else this.framer?.push(chunk, this.sink)
  }

  /** Stops the silence timers. */
  stop(): void {
    this.line?.stop()
  }

  /**
   * Starts a new exchange: forgets stray bytes; resolves with the first reply, or null after waitMs.
   * `request`: the PDU sent, which sizes a reply whose length only the request tells.
   */
  expect(waitMs: number, request?: Buffer): { reply: Promise<ReplyFrame | null>; lastByteAt: () => number } {
    this.framer?.reset()
    this.line?.reset()
    this.line?.expectReplyTo(request)
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
