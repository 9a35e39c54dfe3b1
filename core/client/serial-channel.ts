/**
 * Serial-line transactions (SL §2.4): one request at a time on the line; before each, t3.5 of
 * silence is kept and stray bytes are flushed; the reply must come from the addressed unit with
 * the request's function (or its exception); anything else — a late reply to an earlier request,
 * another device's frame — is discarded and counted. A timeout is retried; a broadcast (unit 0)
 * awaits no reply and is followed by a turnaround delay. The link (serial port, or a TCP socket
 * for RTU over TCP) is opened lazily and reopened with back-off after it fails.
 */
import { PduError, TimeoutError, TransportError, type FrameError } from '../errors.ts'
import type { FramerKind } from '../framers/types.ts'
import { createFramer } from '../framers/create.ts'
import type { Adu, Framer, FrameSink } from '../framers/types.ts'
import { defaultRegistry } from '../pdu/default-registry.ts'
import type { Registry } from '../pdu/registry.ts'
import type { ByteLink } from '../transport/link.ts'
import { LineReceiver } from '../transport/line-receiver.ts'
import { newChannelStats, type Channel, type StrayHandler, type TransactionOptions, type WireTap } from './channel.ts'
import { Backoff, type BackoffOptions } from './reconnect.ts'
import { waitFor } from '../transport/wait-until.ts'

/** Options of a serial-line channel. */
export interface SerialChannelOptions {
  /** Opens (or reopens) the link. */
  open: () => Promise<ByteLink>
  framing: Exclude<FramerKind, 'tcp'>
  /** How long without bytes counts as silence, ms: frames of unknown length end after it (>= t3.5, and no finer than timers are reliable). */
  silenceMs: number
  /** The inter-frame gap kept before each request, ms: t3.5 exactly. Defaults to silenceMs. */
  gapMs?: number
  /**
   * After a timeout, how much longer than the gap the line must stay quiet before the next request,
   * ms (a late reply then arrives, and is discarded, before the next request goes out). Default 20.
   */
  guardMs?: number
  /** Pause after a broadcast before the next request (SL §2.4.1 turnaround delay). Default 100 ms. */
  broadcastDelayMs?: number
  /** RTU over TCP: end unknown-length replies at the first valid CRC. */
  probe?: boolean
  registry?: Registry
  backoff?: BackoffOptions
  label: string
  /** Frames that were not the awaited reply (already counted in stats.discarded). */
  onStray?: StrayHandler
  /** Framing errors on the line (already counted in stats.framingErrors). */
  onFrameError?: (err: FrameError) => void
}

interface Waiting {
  unit: number
  request: Buffer
  /** The last frame from the addressed unit with the request's function that answered it wrongly. */
  wrong?: PduError
  resolve(pdu: Buffer): void
}

/** A one-at-a-time serial-line channel. */
export class SerialChannel implements Channel {
  readonly stats = newChannelStats()
  /** Wire tap (captures): every frame sent and received while set. */
  tap: WireTap | undefined = undefined
  private readonly line: LineReceiver
  private readonly encoder: Framer
  private readonly registry: Registry
  private readonly backoff: Backoff
  private link: ByteLink | undefined
  private opening: Promise<ByteLink> | undefined
  private lastError: Error | undefined
  private queue: Promise<unknown> = Promise.resolve()
  private waiting: Waiting | undefined
  private failCurrent: ((err: Error) => void) | undefined
  private lastActivity = 0
  private timedOut = false
  private closed = false

  constructor(private readonly options: SerialChannelOptions) {
    this.backoff = new Backoff(options.backoff)
    this.registry = options.registry ?? defaultRegistry
    this.line = new LineReceiver({
      framing: options.framing,
      expect: 'response',
      registry: this.registry,
      probe: options.probe,
      silenceMs: options.silenceMs,
      sink: this.sink,
    })
    this.encoder = createFramer(options.framing, { expect: 'request', registry: this.registry })
  }

  /**
   * A frame is the reply only when it comes from the addressed unit and has the shape the
   * registry's reply rule gives for the request: same function (or its exception), the length the
   * request calls for, its echoed fields. Anything else — late, duplicated, another unit's — is
   * a stray frame: counted, reported, never delivered.
   */
  private readonly sink: FrameSink = {
    frame: (adu: Adu) => {
      const w = this.waiting
      const error = w && adu.unit === w.unit ? this.registry.replyError(w.request, adu.pdu) : null
      const why = !w ? 'no request is waiting' : adu.unit !== w.unit ? `unit ${adu.unit} answered while unit ${w.unit} was asked` : (error?.message ?? null)
      if (this.tap) this.tap('rx', adu.raw, adu.unit, adu.pdu, why ?? undefined)
      if (why !== null || !w) {
        if (w && error && (adu.pdu[0] & 0x7f) === w.request[0]) w.wrong = error
        this.stats.discarded++
        this.options.onStray?.(adu, why ?? 'no request is waiting')
        return
      }
      this.waiting = undefined
      this.stats.responses++
      w.resolve(Buffer.from(adu.pdu))
    },
    error: (err: FrameError) => {
      this.stats.framingErrors++
      if (this.tap) this.tap('rx', err.bytes, -1, undefined, err.message)
      this.options.onFrameError?.(err)
    },
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
    this.line.push(chunk)
  }


  transact(unit: number, request: Buffer, options: TransactionOptions): Promise<Buffer | null> {
    const run = this.queue.then(() => this.run(unit, request, options))
    this.queue = run.catch(() => {})
    return run
  }

  /** Waits until the line has been quiet for the gap (plus the guard time after a timeout). */
  private async quiet(): Promise<void> {
    for (;;) {
      const need = (this.options.gapMs ?? this.options.silenceMs) + (this.timedOut ? (this.options.guardMs ?? 20) : 0)
      const wait = need - (performance.now() - this.lastActivity)
      if (wait <= 0) break
      await waitFor(wait)
    }
    this.timedOut = false
  }

  private async run(unit: number, request: Buffer, options: TransactionOptions): Promise<Buffer | null> {
    const adu = this.encoder.encode(unit, request)
    const silent = unit === 0 || this.registry.facts(request).reply.none === true
    for (let attempt = 0; ; attempt++) {
      const link = await this.ensureOpen(Date.now() + options.timeout)
      await this.quiet()
      this.line.reset()
      this.line.expectReplyTo(request)
      this.stats.requests++
      if (this.tap) this.tap('tx', adu, unit, request, attempt > 0 ? `retry ${attempt}: no valid reply to the previous attempt within ${options.timeout} ms` : undefined)
      if (silent) {
        await link.write(adu)
        this.lastActivity = performance.now()
        await waitFor(this.options.broadcastDelayMs ?? 100)
        return null
      }
      try {
        return await this.exchange(link, adu, unit, request, options.timeout)
      } catch (err) {
        if (!(err instanceof TimeoutError)) throw err
        // The addressed unit did answer this function, but not as the request calls for: after the
        // last attempt that is the error to report (a late reply to something else cannot be told
        // apart until then, so it only ever fails this request, never feeds it wrong data).
        if (attempt >= options.retries) throw err.cause instanceof PduError ? err.cause : err
        this.stats.retries++
      }
    }
  }

  private exchange(link: ByteLink, adu: Buffer, unit: number, request: Buffer, timeout: number): Promise<Buffer> {
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
            // The quiet time after a timeout counts from the timeout, not from the request's last
            // byte (which is a whole timeout ago): a reply just too late then lands in it and is
            // discarded, instead of in the next request's window as that request's reply.
            this.timedOut = true
            this.lastActivity = performance.now()
            const wrong = waiting.wrong ? `; a frame from unit ${unit} was discarded: ${waiting.wrong.message}` : ''
            reject(new TimeoutError(`${this.options.label}: no reply from unit ${unit} to function ${this.registry.nameOf(request[0])} within ${timeout} ms${wrong}`, { cause: waiting.wrong }))
          }),
        timeout,
      )
      const waiting: Waiting = { unit, request, resolve: (pdu) => finish(() => resolve(pdu)) }
      this.waiting = waiting
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
    this.line.stop()
    this.failCurrent?.(new TransportError(`${this.options.label}: client closed`))
    await this.link?.close()
    this.link = undefined
  }
}
