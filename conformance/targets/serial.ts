/**
 * Serial-line targets (RTU, ASCII, Binary) through `serialport`, with the line's timing: the line is
 * drained until quiet before each case (after a request that drew no reply, for the late window at
 * least), t3.5 of silence goes before each request, chunk gaps for split-frame cases, and the gaps
 * seen inside replies are measured.
 */
import { createFramer, formatAddress, type Registry, type SerialAddress } from '../../core/index.ts'
import { bitsPerCharacter, characterTimeUs, t15Us, t35Us } from '../../core/transport/line-timing.ts'
import { openSerialLink } from '../../core/transport/serial.ts'
import { waitFor as waitForMs } from '../../core/transport/wait-until.ts'
import { type ByteLink } from '../../core/transport/link.ts'
import type { TargetTap } from './capture.ts'
import { drainUntilQuiet } from './drain.ts'
import { ReplyObserver } from './observer.ts'
import type { Exchange, ExchangeOptions, RawTarget, Settled } from './target.ts'

/** Opens a serial target (or adopts an open link, e.g. a virtual line). */
export async function openSerialTarget(address: SerialAddress, registry: Registry, link?: ByteLink, tap?: TargetTap): Promise<RawTarget> {
  return new SerialTarget(address, registry, link ?? (await openSerialLink(address)), tap)
}

class SerialTarget implements RawTarget {
  readonly label: string
  readonly framer
  readonly serial = true
  readonly characterMs: number
  readonly t35Ms: number
  readonly t15Ms: number
  private readonly observer: ReplyObserver
  private readonly encoder
  private lastActivity = 0
  private unanswered = false
  /** Quiet that ends a drain, ms: two character frames' silence, and a few ms of timer jitter at least. */
  private readonly quietMs: number

  constructor(
    address: SerialAddress,
    registry: Registry,
    private readonly link: ByteLink,
    private readonly tap?: TargetTap,
  ) {
    this.label = formatAddress(address)
    this.framer = address.kind
    const bits = bitsPerCharacter(address)
    this.characterMs = characterTimeUs(address.baud, bits) / 1000
    this.t35Ms = t35Us(address.baud, bits) / 1000
    this.t15Ms = t15Us(address.baud, bits) / 1000
    this.quietMs = Math.max(3, 2 * this.t35Ms)
    this.observer = new ReplyObserver(this.framer, registry, false, Math.max(2, this.t35Ms))
    this.observer.tap = tap
    this.encoder = createFramer(this.framer)
    link.onData((chunk) => {
      this.lastActivity = performance.now()
      this.observer.push(chunk)
    })
  }

  beginCase(index: number): void {
    this.observer.attribution.caseIndex = index
    this.tap?.caseStarted(index)
  }

  async settle(lateMs: number): Promise<Settled> {
    await drainUntilQuiet(this.observer, this.unanswered ? lateMs : 0, this.quietMs)
    this.observer.end()
    this.unanswered = false
    return { events: this.observer.attribution.take(), reconnected: false, lost: this.link.isOpen ? null : `${this.label} is closed` }
  }

  frame(unit: number, pdu: Buffer): Buffer {
    return this.encoder.encode(unit, pdu)
  }

  async exchange(request: Buffer | Buffer[], o: ExchangeOptions): Promise<Exchange> {
    const quiet = this.t35Ms - (performance.now() - Math.max(this.lastActivity, this.observer.lastByteAt))
    if (quiet > 0) await waitForMs(quiet)
    const chunks = Array.isArray(request) ? request : [request]
    const window = this.observer.begin(o.expect, o.waitMs, o.listen === 'silence', performance.now())
    const sendGapsMs: number[] = []
    let lastWrite = 0
    for (const [i, c] of chunks.entries()) {
      if (i > 0 && o.chunkGapMs) await waitForMs(o.chunkGapMs)
      if (i > 0) sendGapsMs.push(performance.now() - lastWrite)
      this.tap?.sent(c, { index: i, of: chunks.length }, o.expect.unit)
      await this.link.write(c)
      lastWrite = performance.now()
    }
    const sentAt = performance.now()
    this.observer.sentAt(sentAt)
    this.lastActivity = sentAt
    const r = await window
    if (!r.reply) this.unanswered = true
    return {
      sent: o.expect,
      reply: r.reply,
      responseMs: r.reply ? Math.max(0, r.reply.at - sentAt) : null,
      gapsMs: r.gapsMs,
      sendGapsMs,
      closed: !this.link.isOpen,
      framingErrors: r.framingErrors,
      bytesReceived: r.bytesReceived,
      mismatched: r.mismatched,
      events: r.events,
    }
  }

  async close(): Promise<void> {
    this.observer.stop()
    await this.link.close()
  }
}
