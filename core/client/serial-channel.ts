/**
 * Serial-line transactions (SL §2.4): one request at a time on the line; before each, t3.5 of
 * silence is kept and stray bytes are flushed; the reply must come from the addressed unit with
 * the request's function (or its exception); anything else — a late reply to an earlier request,
 * another device's frame — is discarded and counted. A timeout is retried; a broadcast (unit 0)
 * awaits no reply and is followed by a turnaround delay. The link (serial port, or a TCP socket
 * for RTU over TCP) is opened lazily and reopened with back-off after it fails.
 */
import { TimeoutError, TransportError } from '../errors.ts'
import type { FramerKind } from '../framers/types.ts'
import { createAsciiFramer } from '../framers/ascii.ts'
import { createBinaryFramer } from '../framers/binary.ts'
import { createRtuFramer, type RtuFramer } from '../framers/rtu.ts'
import type { Adu, Framer, FrameSink } from '../framers/types.ts'
import type { PduWriter } from '../pdu/codec.ts'
import type { Registry } from '../pdu/registry.ts'
import type { ByteLink } from '../transport/link.ts'
import { answers, newChannelStats, type Channel, type TransactionOptions } from './channel.ts'
import { Backoff, type BackoffOptions } from './reconnect.ts'
import { waitFor } from '../transport/wait-until.ts'
import { SilenceWatch } from '../transport/silence-watch.ts'

/** Options of a serial-line channel. */
export interface SerialChannelOptions {
  /** Opens (or reopens) the link. */
  open: () => Promise<ByteLink>
  framing: Exclude<FramerKind, 'tcp'>
  /** How long without bytes counts as silence, ms: frames of unknown length end after it (>= t3.5, and no finer than timers are reliable). */
  silenceMs: number
  /** The inter-frame gap kept before each request, ms: t3.5 exactly. Defaults to silenceMs. */
  gapMs?: number
  /** Pause after a broadcast before the next request (SL §2.4.1 turnaround delay). Default 100 ms. */
  broadcastDelayMs?: number
  /** RTU over TCP: end unknown-length replies at the first valid CRC. */
  probe?: boolean
  registry?: Registry
  backoff?: BackoffOptions
  label: string
}

interface Waiting {
  unit: number
  fc: number
  resolve(pdu: Buffer): void
}

/** A one-at-a-time serial-line channel. */
export class SerialChannel implements Channel {
  readonly stats = newChannelStats()
  private readonly framer: Framer
  private readonly backoff: Backoff
  private link: ByteLink | undefined
  private opening: Promise<ByteLink> | undefined
  private lastError: Error | undefined
  private queue: Promise<unknown> = Promise.resolve()
  private waiting: Waiting | undefined
  private failCurrent: ((err: Error) => void) | undefined
  private lastActivity = 0
  private readonly watch: SilenceWatch | undefined
  private closed = false

  constructor(private readonly options: SerialChannelOptions) {
    this.backoff = new Backoff(options.backoff)
    this.framer =
      options.framing === 'rtu'
        ? createRtuFramer({ expect: 'response', registry: options.registry, probe: options.probe })
        : options.framing === 'ascii'
          ? createAsciiFramer()
          : createBinaryFramer()
    this.watch = this.framer.kind === 'rtu' ? new SilenceWatch(this.framer as RtuFramer, this.sink, options.silenceMs) : undefined
  }

  private readonly sink: FrameSink = {
    frame: (adu: Adu) => {
      const w = this.waiting
      if (!w || adu.unit !== w.unit || !answers(adu.pdu[0], w.fc)) {
        this.stats.discarded++
        return
      }
      this.waiting = undefined
      this.stats.responses++
      w.resolve(Buffer.from(adu.pdu))
    },
    error: () => {},
  }

  private async ensureOpen(deadline: number): Promise<ByteLink> {
    if (this.closed) throw new TransportError(`${this.options.label}: client is closed`)
    if (this.link?.isOpen) return this.link
    this.opening ??= (async () => {
      await this.backoff.wait(deadline, this.options.label, this.lastError)
      let link: ByteLink
      try {
        link = await this.options.open()
      } catch (err) {
        this.lastError = err as Error
        this.backoff.failed()
        this.stats.transportErrors++
        throw err
      }
      this.backoff.succeeded()
      link.onData((chunk) => this.receive(chunk))
      link.onClose((err) => {
        if (this.link === link) this.link = undefined
        this.lastError = err
        this.failCurrent?.(new TransportError(`${this.options.label}: link lost${err ? ` (${err.message})` : ''}`))
      })
      this.link = link
      return link
    })().finally(() => (this.opening = undefined))
    return this.opening
  }

  async connect(timeoutMs = 3000): Promise<void> {
    await this.ensureOpen(Date.now() + timeoutMs)
  }

  /** True while the link is open. */
  get connected(): boolean {
    return this.link?.isOpen === true
  }

  private receive(chunk: Buffer): void {
    this.lastActivity = performance.now()
    this.framer.push(chunk, this.sink)
    // Only RTU frames end at silence; ASCII and Binary frames carry their own delimiters.
    this.watch?.activity()
  }

  transact(unit: number, request: PduWriter, fc: number, options: TransactionOptions): Promise<Buffer | null> {
    const run = this.queue.then(() => this.run(unit, request, fc, options))
    this.queue = run.catch(() => {})
    return run
  }

  private async run(unit: number, request: PduWriter, fc: number, options: TransactionOptions): Promise<Buffer | null> {
    const adu = this.framer.encodeWith(unit, request)
    for (let attempt = 0; ; attempt++) {
      const link = await this.ensureOpen(Date.now() + options.timeout)
      const quiet = (this.options.gapMs ?? this.options.silenceMs) - (performance.now() - this.lastActivity)
      if (quiet > 0) await waitFor(quiet)
      this.framer.reset()
      if (this.framer.kind === 'rtu') (this.framer as RtuFramer).expectPduLength(options.expectPduLength)
      this.stats.requests++
      if (unit === 0) {
        await link.write(adu)
        this.lastActivity = performance.now()
        await waitFor(this.options.broadcastDelayMs ?? 100)
        return null
      }
      try {
        return await this.exchange(link, adu, unit, fc, options.timeout)
      } catch (err) {
        if (!(err instanceof TimeoutError) || attempt >= options.retries) throw err
        this.stats.retries++
      }
    }
  }

  private exchange(link: ByteLink, adu: Buffer, unit: number, fc: number, timeout: number): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      const finish = (fn: () => void) => {
        clearTimeout(timer)
        this.waiting = undefined
        this.failCurrent = undefined
        fn()
      }
      const timer = setTimeout(
        () =>
          finish(() => {
            this.stats.timeouts++
            reject(new TimeoutError(`${this.options.label}: no reply from unit ${unit} to function ${fc} within ${timeout} ms`))
          }),
        timeout,
      )
      this.waiting = { unit, fc, resolve: (pdu) => finish(() => resolve(pdu)) }
      this.failCurrent = (err) =>
        finish(() => {
          this.stats.transportErrors++
          reject(err)
        })
      link.write(adu).then(
        () => (this.lastActivity = performance.now()),
        (err) => this.failCurrent?.(err),
      )
    })
  }

  async close(): Promise<void> {
    this.closed = true
    this.watch?.stop()
    this.failCurrent?.(new TransportError(`${this.options.label}: client closed`))
    await this.link?.close()
    this.link = undefined
  }
}
