/**
 * The receive side of a serial line, or of RTU over a TCP stream: a framer, the silence that ends
 * RTU frames of unknown length, and the registry's reply rule for the request under way. The client
 * channel, the serial server and the conformance observer all receive through one of these, so
 * frames end the same way everywhere and every framing error is counted.
 */
import type { FrameError } from '../errors.ts'
import { createAsciiFramer, type AsciiFramer } from '../framers/ascii.ts'
import { createBinaryFramer } from '../framers/binary.ts'
import { createRtuFramer, type RtuFramer } from '../framers/rtu.ts'
import type { Adu, Framer, FramerKind, FrameSink } from '../framers/types.ts'
import type { Registry } from '../pdu/registry.ts'
import { SilenceWatch } from './silence-watch.ts'

/** Options of a line receiver. */
export interface LineReceiverOptions {
  framing: Exclude<FramerKind, 'tcp'>
  /** Which side arrives: a server receives requests, a client responses. */
  expect: 'request' | 'response'
  registry?: Registry
  /**
   * RTU: milliseconds without a byte that end a frame of unknown length and, after ten times as
   * long, discard an incomplete one. On a serial line at least t3.5; on a TCP stream, the pause
   * that counts as the end of what the peer sent. Undefined: no timers (the caller ends input).
   */
  silenceMs?: number
  /** RTU over TCP: a frame of unknown length also ends where its CRC first checks. */
  probe?: boolean
  /** Where frames and framing errors go. */
  sink: FrameSink
}

/** Counters of a line receiver: the framer's, plus every framing error reported. */
export interface LineStats {
  frames: number
  droppedBytes: number
  checksumErrors: number
  framingErrors: number
}

/** Frames one line's incoming bytes. */
export class LineReceiver {
  readonly framer: Framer
  private readonly rtu: RtuFramer | undefined
  private readonly ascii: AsciiFramer | undefined
  private readonly watch: SilenceWatch | undefined
  private errors = 0
  /** performance.now() of the last byte received (0 before any). */
  lastActivity = 0

  constructor(private readonly options: LineReceiverOptions) {
    if (options.framing === 'rtu') {
      this.rtu = createRtuFramer({ expect: options.expect, registry: options.registry, probe: options.probe })
      this.framer = this.rtu
    } else if (options.framing === 'ascii') {
      this.ascii = createAsciiFramer()
      this.framer = this.ascii
    } else this.framer = createBinaryFramer()
    // Only RTU frames end at silence; ASCII and Binary frames carry their own delimiters.
    this.watch = this.rtu && options.silenceMs !== undefined ? new SilenceWatch(this.rtu, this.sink, options.silenceMs) : undefined
  }

  private readonly sink: FrameSink = {
    frame: (adu: Adu) => this.options.sink.frame(adu),
    error: (err: FrameError) => {
      this.errors++
      this.options.sink.error(err)
    },
  }

  /** Counters so far. */
  get stats(): LineStats {
    const s = this.framer.stats
    return { frames: s.frames, droppedBytes: s.droppedBytes, checksumErrors: s.checksumErrors, framingErrors: this.errors }
  }

  /** Feeds received bytes. */
  push(chunk: Buffer): void {
    this.lastActivity = performance.now()
    this.framer.push(chunk, this.sink)
    this.watch?.activity()
  }

  /** The request the next reply answers: sizes replies whose length only the request tells. */
  expectReplyTo(request: Buffer | undefined): void {
    this.rtu?.expectReplyTo(request)
  }

  /** ASCII: the character that ends frames after CR (08/03 changes it; SL §2.5.2.1). */
  setAsciiDelimiter(char: number): void {
    this.ascii?.setDelimiter(char)
  }

  /** Forgets buffered bytes (counters are kept). */
  reset(): void {
    this.framer.reset()
  }

  /** Settles what is buffered now, as at the end of input. */
  end(): void {
    this.framer.end(this.sink)
  }

  /** Stops the silence timers. */
  stop(): void {
    this.watch?.stop()
  }
}
