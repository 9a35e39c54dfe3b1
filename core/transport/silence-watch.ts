/**
 * Line silence for RTU framing, judged by software timers. After `silenceMs` (>= t3.5) without a
 * byte, a frame whose length only silence tells is settled, but a partial frame of known length is
 * kept — a timer can fire inside a frame when the OS or a USB adapter delivers it in bursts. After
 * `staleMs` without a byte the line is surely idle: whatever is still incomplete is discarded
 * (SL §2.5.1.1: an incomplete frame is dropped), so it cannot swallow the next request.
 */
import type { RtuFramer } from '../framers/rtu.ts'
import type { FrameSink } from '../framers/types.ts'

/** Watches a line for silence on behalf of an RTU framer. */
export class SilenceWatch {
  private short: NodeJS.Timeout | undefined
  private long: NodeJS.Timeout | undefined

  constructor(
    private readonly framer: RtuFramer,
    private readonly sink: FrameSink,
    private readonly silenceMs: number,
    private readonly staleMs = Math.max(20, 10 * silenceMs),
  ) {}

  /** Call after every chunk received. */
  activity(): void {
    if (this.short) this.short.refresh()
    else this.short = setTimeout(() => this.framer.silence(this.sink), this.silenceMs)
    if (this.long) this.long.refresh()
    else this.long = setTimeout(() => this.framer.end(this.sink), this.staleMs)
  }

  /** Stops both timers. */
  stop(): void {
    if (this.short) clearTimeout(this.short)
    if (this.long) clearTimeout(this.long)
  }
}
