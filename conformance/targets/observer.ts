/**
 * The receive side shared by every target: frames what the device sends (the runner's MBAP
 * splitter on Modbus/TCP, core's line receiver elsewhere), has each frame attributed, counts every
 * byte of a window, and times the reply.
 */
import { type FrameError, type FramerKind, type FrameSink, type Registry } from '../../core/index.ts'
import { LineReceiver } from '../../core/transport/line-receiver.ts'
import { Attribution, type Sent, type WireEvent } from './attribution.ts'
import type { TargetTap } from './capture.ts'
import { MbapSplitter, type SplitSink } from './mbap-splitter.ts'
import type { ExpectedReply, ReplyFrame } from './target.ts'

/** What one window saw. */
export interface WindowResult {
  reply: ReplyFrame | null
  closed: boolean
  framingErrors: string[]
  /** Bytes received during the window, less those of frames attributed to earlier requests. */
  bytesReceived: number
  mismatched: ReplyFrame[]
  events: WireEvent[]
  /** Gaps between chunks before the reply completed, ms. */
  gapsMs: number[]
}

interface Window {
  sent: Sent
  silence: boolean
  bytes: number
  foreign: number
  reply: ReplyFrame | null
  errors: string[]
  mismatched: ReplyFrame[]
  events: WireEvent[]
  gaps: number[]
  lastChunkAt: number
  closed: boolean
  finish: () => void
}

/** Observes one connection or line. */
export class ReplyObserver {
  readonly attribution: Attribution
  private readonly line: LineReceiver | undefined
  private readonly mbap: MbapSplitter | undefined
  private window: Window | undefined
  /** performance.now() of the last byte received (0 before any). */
  lastByteAt = 0
  /** Where every frame and every unreadable byte received goes too (`--capture`). */
  tap: TargetTap | undefined
  private chunkAt = 0

  private readonly split: SplitSink = {
    frame: (f) => this.onFrame(f),
    junk: (bytes, why) => this.onJunk(bytes, why),
  }

  private readonly sink: FrameSink = {
    frame: (adu) => this.onFrame({ unit: adu.unit, tid: adu.tid, protocolId: 0, pdu: Buffer.from(adu.pdu), raw: Buffer.from(adu.raw), at: this.chunkAt }),
    error: (err: FrameError) => this.onJunk(err.bytes, `${err.code}: ${err.message}`),
  }

  /**
   * `probe`: RTU over a TCP stream, where a frame of unknown length ends where its CRC checks.
   * `silenceMs`: serial RTU lines, where frames of unknown length end at silence.
   */
  constructor(kind: FramerKind, registry: Registry, probe: boolean, silenceMs?: number) {
    this.attribution = new Attribution(registry, kind === 'tcp')
    if (kind === 'tcp') this.mbap = new MbapSplitter()
    else this.line = new LineReceiver({ framing: kind, expect: 'response', registry, probe, silenceMs, sink: this.sink })
  }

  /** Feeds received bytes. */
  push(chunk: Buffer): void {
    const now = performance.now()
    this.chunkAt = now
    const w = this.window
    if (w) {
      w.bytes += chunk.length
      if (!w.reply && w.lastChunkAt > 0) w.gaps.push(now - w.lastChunkAt)
      w.lastChunkAt = now
    }
    this.lastByteAt = now
    if (this.mbap) this.mbap.push(chunk, now, this.split)
    else this.line?.push(chunk)
  }

  /**
   * Opens a window for a request about to be sent: resolves with what it saw at the first reply
   * (or, listening for silence, when `waitMs` is over), or when abandon() is called.
   */
  begin(expect: ExpectedReply, waitMs: number, silence: boolean, sentAt: number): Promise<WindowResult> {
    this.line?.expectReplyTo(expect.pdu)
    const sent = this.attribution.open(expect, sentAt)
    return new Promise((resolve) => {
      const w: Window = {
        sent,
        silence,
        bytes: 0,
        foreign: 0,
        reply: null,
        errors: [],
        mismatched: [],
        events: [],
        gaps: [],
        lastChunkAt: 0,
        closed: false,
        finish: () => {
          clearTimeout(timer)
          sent.open = false
          if (this.window === w) this.window = undefined
          resolve({ reply: w.reply, closed: w.closed, framingErrors: w.errors, bytesReceived: w.bytes - w.foreign, mismatched: w.mismatched, events: w.events, gapsMs: w.reply ? w.gaps : [] })
        },
      }
      const timer = setTimeout(w.finish, waitMs)
      this.window = w
    })
  }

  /** Sets the send time of the window under way (after the last request byte was written). */
  sentAt(at: number): void {
    if (this.window) this.window.sent.sentAt = at
  }

  /** The connection closed: the window under way ends now. */
  abandon(): void {
    const w = this.window
    if (!w) return
    w.closed = true
    w.finish()
  }

  /** The line or connection went quiet: a partial frame will not be completed. */
  end(): void {
    if (this.mbap) this.mbap.end(this.split)
    else this.line?.end()
  }

  /** Stops the silence timers. */
  stop(): void {
    this.line?.stop()
  }

  private onFrame(f: ReplyFrame): void {
    const a = this.attribution.frame(f)
    const w = this.window
    if (this.tap) {
      const note =
        a.kind === 'event' ? `${a.event.kind}: ${a.event.why}`
        : a.kind === 'mismatched' ? `answers the function of case ${a.sent.caseIndex} under another transaction id`
        : w && a.sent === w.sent ? undefined
        : `reply to case ${a.sent.caseIndex}`
      this.tap.received(f.raw, { unit: f.unit, pdu: f.pdu }, note, f.at)
    }
    if (!w) return
    if (a.kind === 'reply' && a.sent === w.sent) {
      w.reply = f
      if (!w.silence) w.finish()
    } else if (a.kind === 'mismatched') w.mismatched.push(f)
    else if (a.kind === 'event') {
      w.events.push(a.event)
      if (a.foreign) w.foreign += f.raw.length
    }
  }

  private onJunk(bytes: Buffer, why: string): void {
    this.tap?.received(bytes, undefined, `framing error: ${why}`)
    const event = this.attribution.junk(bytes, why)
    const w = this.window
    if (!w) return
    w.errors.push(why)
    w.events.push(event)
  }
}
