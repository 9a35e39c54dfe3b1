/**
 * Serial-line targets (RTU, ASCII, Binary) through `serialport`, with the line's timing: t3.5 of
 * silence before each request, chunk gaps for split-frame cases, and the gaps seen inside replies.
 */
import { createFramer, formatAddress, type SerialAddress } from '../../core/index.ts'
import { bitsPerCharacter, characterTimeUs, t15Us, t35Us } from '../../core/transport/line-timing.ts'
import { openSerialLink } from '../../core/transport/serial.ts'
import { waitFor as waitForMs } from '../../core/transport/wait-until.ts'
import { type ByteLink } from '../../core/transport/link.ts'
import { ReplyObserver } from './observer.ts'
import type { Exchange, ExchangeOptions, RawTarget } from './target.ts'

/** Opens a serial target (or adopts an open link, e.g. a virtual line). */
export async function openSerialTarget(address: SerialAddress, link?: ByteLink): Promise<RawTarget> {
  return new SerialTarget(address, link ?? (await openSerialLink(address)))
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

  constructor(
    address: SerialAddress,
    private readonly link: ByteLink,
  ) {
    this.label = formatAddress(address)
    this.framer = address.kind
    const bits = bitsPerCharacter(address)
    this.characterMs = characterTimeUs(address.baud, bits) / 1000
    this.t35Ms = t35Us(address.baud, bits) / 1000
    this.t15Ms = t15Us(address.baud, bits) / 1000
    this.observer = new ReplyObserver(this.framer, false, Math.max(2, this.t35Ms))
    this.encoder = createFramer(this.framer)
    link.onData((chunk) => {
      this.lastActivity = performance.now()
      this.observer.push(chunk)
    })
  }

  frame(unit: number, pdu: Buffer): Buffer {
    return this.encoder.encode(unit, pdu)
  }

  async exchange(request: Buffer | Buffer[], o: ExchangeOptions): Promise<Exchange> {
    const quiet = this.t35Ms - (performance.now() - this.lastActivity)
    if (quiet > 0) await waitForMs(quiet)
    const chunks = Array.isArray(request) ? request : [request]
    const { reply, lastByteAt } = this.observer.expect(o.waitMs, o.requestPdu)
    for (const [i, c] of chunks.entries()) {
      if (i > 0 && o.chunkGapMs) await waitForMs(o.chunkGapMs)
      await this.link.write(c)
    }
    const sentAt = performance.now()
    this.lastActivity = sentAt
    const frame = await reply
    return {
      reply: frame,
      responseMs: frame ? Math.max(0, lastByteAt() - sentAt) : null,
      gapsMs: frame ? this.observer.gaps.slice() : [],
      closed: !this.link.isOpen,
      framingErrors: this.observer.errors.slice(),
    }
  }

  async close(): Promise<void> {
    this.observer.stop()
    await this.link.close()
  }
}
