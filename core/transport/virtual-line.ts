/**
 * An in-process serial line: two ByteLinks joined as a half-duplex pair that takes the real wire
 * time of its baud rate. Bytes written at one end arrive at the other after they would have been
 * clocked out character by character (11 bits each by default); writes queue behind each other as
 * on a real UART. Chunks are delivered every `chunkUs` of wire time, as a UART FIFO or USB adapter would.
 */
import { TransportError } from '../errors.ts'
import type { ByteLink } from './link.ts'
import { characterTimeUs } from './line-timing.ts'
import { onTime, waitUntil } from './wait-until.ts'

/** Options of a virtual line. */
export interface VirtualLineOptions {
  baud: number
  bitsPerCharacter?: number
  /** Deliver received bytes in chunks of at most this much wire time (µs), as a UART FIFO would. Default 2000. */
  chunkUs?: number
  label?: string
}

/** The two ends of a virtual line, and a way to cut it (a port that disappears). */
export interface VirtualLine {
  a: ByteLink
  b: ByteLink
  /** Closes both ends with a failure, as an unplugged adapter would. */
  cut(reason?: string): void
}

class End implements ByteLink {
  peer!: End
  private dataListeners: ((chunk: Buffer) => void)[] = []
  private closeListeners: ((err?: Error) => void)[] = []
  private open = true
  /** When this end's transmitter is free again (performance.now() ms). */
  private txFreeAt = 0
  /** Pieces on their way to the peer, in order, each with the time its last character lands. */
  private readonly inTransit: { at: number; piece: Buffer }[] = []
  private cancel: (() => void) | undefined

  constructor(
    readonly label: string,
    private readonly charUs: number,
    private readonly chunkUs: number,
  ) {}

  get isOpen(): boolean {
    return this.open
  }

  onData(listener: (chunk: Buffer) => void): void {
    this.dataListeners.push(listener)
  }

  onClose(listener: (err?: Error) => void): void {
    this.closeListeners.push(listener)
  }

  write(data: Buffer): Promise<void> {
    if (!this.open) return Promise.reject(new TransportError(`${this.label} is closed`))
    const copy = Buffer.from(data)
    let at = Math.max(performance.now(), this.txFreeAt)
    const perChunk = Math.max(1, Math.floor(this.chunkUs / this.charUs))
    for (let i = 0; i < copy.length; i += perChunk) {
      const piece = copy.subarray(i, i + perChunk)
      at += (piece.length * this.charUs) / 1000
      this.inTransit.push({ at, piece })
    }
    this.txFreeAt = at
    this.schedule()
    return waitUntil(at)
  }

  /** One precise wake-up for the head of the queue; pieces land in order and never before their time. */
  private schedule(): void {
    if (this.cancel || this.inTransit.length === 0) return
    this.cancel = onTime(this.inTransit[0].at, () => {
      this.cancel = undefined
      const now = performance.now()
      while (this.inTransit.length > 0 && this.inTransit[0].at <= now) this.peer.receive(this.inTransit.shift()!.piece)
      this.schedule()
    })
  }

  receive(chunk: Buffer): void {
    if (!this.open) return
    for (const l of this.dataListeners) l(chunk)
  }

  shut(err?: Error): void {
    if (!this.open) return
    this.open = false
    this.cancel?.()
    this.cancel = undefined
    this.inTransit.length = 0
    for (const l of this.closeListeners) l(err)
  }

  close(): Promise<void> {
    this.shut()
    return Promise.resolve()
  }
}

/** Creates a virtual line at `baud`. */
export function createVirtualLine(options: VirtualLineOptions): VirtualLine {
  const charUs = characterTimeUs(options.baud, options.bitsPerCharacter ?? 11)
  const chunkUs = options.chunkUs ?? 2000
  const label = options.label ?? `virtual line @${options.baud}`
  const a = new End(`${label} (a)`, charUs, chunkUs)
  const b = new End(`${label} (b)`, charUs, chunkUs)
  a.peer = b
  b.peer = a
  return {
    a,
    b,
    cut(reason = 'line cut') {
      const err = new TransportError(`${label}: ${reason}`)
      a.shut(err)
      b.shut(err)
    },
  }
}
