/**
 * Network targets: Modbus TCP, UDP and RTU over TCP. Between cases the connection is drained until
 * quiet; it is re-opened when the device closed it (as it should after a bad MBAP header) or when
 * the last exchange left it unclean — a malformed request, no reply, stray bytes, a frame that
 * could not be read — since
 * a TCP stream cannot be resynchronised from inside (MB TCP guide §3.1.3) and a device may still
 * hold part of a frame. Re-opening backs off; when the device cannot be reached again the target
 * says so and the runner stops.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram'
import { isIPv6, type Socket } from 'node:net'
import { createFramer, formatAddress, TransportError, type NetworkAddress, type Registry } from '../../core/index.ts'
import { connectStream } from '../../core/transport/tls-link.ts'
import { waitFor as waitForMs } from '../../core/transport/wait-until.ts'
import type { TargetTap } from './capture.ts'
import { drainUntilQuiet } from './drain.ts'
import { ReplyObserver } from './observer.ts'
import type { Exchange, ExchangeOptions, RawTarget, Settled } from './target.ts'

/** How a network target connects and reconnects. */
export interface NetworkTargetOptions {
  registry: Registry
  connectTimeoutMs?: number
  /** How long re-opening a connection may take in all, back-off included, ms (default 5000). */
  reconnectMs?: number
  /** Records everything sent and received (`--capture`). */
  tap?: TargetTap
}

/** A network connection is quiet after this long without a byte, ms (replies are matched by id). */
const QUIET_MS = 1

/** First back-off step when re-opening fails, ms; each further step doubles it. */
const FIRST_BACKOFF_MS = 25

/** Opens a network target; resolves once it is reachable (TCP connects). */
export async function openNetworkTarget(address: NetworkAddress, options: NetworkTargetOptions): Promise<RawTarget> {
  const t = new NetworkTarget(address, options)
  await t.open()
  return t
}

class NetworkTarget implements RawTarget {
  readonly label: string
  readonly framer
  readonly serial = false
  readonly characterMs = null
  readonly t35Ms = null
  readonly t15Ms = null
  private socket: Socket | undefined
  private udp: UdpSocket | undefined
  private readonly observer: ReplyObserver
  private readonly encoder
  /** The last exchange left the connection in a state the runner cannot know. */
  private unclean = false
  /** A request since the last settle drew no reply. */
  private unanswered = false

  constructor(
    private readonly address: NetworkAddress,
    private readonly options: NetworkTargetOptions,
  ) {
    this.label = formatAddress(address)
    this.framer = address.kind === 'rtu+tcp' ? ('rtu' as const) : ('tcp' as const)
    this.observer = new ReplyObserver(this.framer, options.registry, address.kind === 'rtu+tcp')
    this.observer.tap = options.tap
    this.encoder = createFramer(this.framer)
  }

  async open(): Promise<void> {
    if (this.address.kind === 'udp') {
      const udp = createSocket(isIPv6(this.address.host) ? 'udp6' : 'udp4')
      udp.on('message', (m) => this.observer.push(m))
      udp.on('error', () => {})
      this.udp = udp
      this.options.tap?.connected({}, { address: this.address.host, port: this.address.port })
      return
    }
    // tcp:// or tls:// (mutual TLS with the certificate the address names): the same MBAP either way.
    const socket = await connectStream(this.address, this.options.connectTimeoutMs ?? 3000)
    socket.on('data', (c: Buffer) => this.observer.push(c))
    socket.on('error', () => {})
    socket.on('close', () => {
      if (this.socket !== socket) return
      this.socket = undefined
      this.options.tap?.disconnected('device')
      this.observer.abandon()
    })
    this.socket = socket
    this.options.tap?.connected({ address: socket.localAddress, port: socket.localPort }, { address: socket.remoteAddress, port: socket.remotePort })
  }

  beginCase(index: number): void {
    this.observer.attribution.caseIndex = index
    this.options.tap?.caseStarted(index)
  }

  async settle(lateMs: number): Promise<Settled> {
    // A closed connection carries no late reply: nothing to drain.
    if (this.socket || this.udp) {
      await drainUntilQuiet(this.observer, this.unanswered ? lateMs : 0, QUIET_MS)
      this.observer.end()
    }
    let reconnected = false
    let lost: string | null = null
    if (this.address.kind !== 'udp' && (!this.socket || this.unclean)) {
      await this.drop()
      lost = await this.reopen()
      reconnected = lost === null
    }
    this.unclean = false
    this.unanswered = false
    return { events: this.observer.attribution.take(), reconnected, lost }
  }

  /** Re-opens the connection with back-off; null when it is open, else why it is not. */
  private async reopen(): Promise<string | null> {
    const deadline = performance.now() + (this.options.reconnectMs ?? 5000)
    let backoff = FIRST_BACKOFF_MS
    let tries = 0
    for (;;) {
      tries++
      try {
        await this.open()
        this.observer.attribution.forget()
        return null
      } catch (err) {
        const left = deadline - performance.now()
        if (left <= 0) return `cannot reconnect to ${this.label} (${tries} tries): ${(err as Error).message}`
        await waitForMs(Math.min(backoff, left))
        backoff *= 2
      }
    }
  }

  private async drop(): Promise<void> {
    const s = this.socket
    this.socket = undefined
    if (s) this.options.tap?.disconnected('runner')
    if (s && !s.destroyed) await new Promise<void>((r) => s.once('close', () => r()).destroy())
  }

  frame(unit: number, pdu: Buffer, tid = 1): Buffer {
    return this.encoder.encode(unit, pdu, tid)
  }

  async exchange(request: Buffer | Buffer[], o: ExchangeOptions): Promise<Exchange> {
    if (!this.udp && !this.socket) {
      try {
        await this.open()
      } catch (err) {
        throw new TransportError(`the device closed the connection and cannot be reached again: ${(err as Error).message}`, { cause: err })
      }
    }
    const chunks = Array.isArray(request) ? request : [request]
    const window = this.observer.begin(o.expect, o.waitMs, o.listen === 'silence', performance.now())
    for (const [i, c] of chunks.entries()) {
      if (i > 0 && o.chunkGapMs) await waitForMs(o.chunkGapMs)
      this.options.tap?.sent(c, { index: i, of: chunks.length }, o.expect.unit)
      if (this.udp) this.udp.send(c, this.address.port, this.address.host)
      else this.socket?.write(c)
    }
    const sentAt = performance.now()
    this.observer.sentAt(sentAt)
    const r = await window
    if (!r.reply) this.unanswered = true
    if (o.malformed || !r.reply || r.closed || r.framingErrors.length > 0 || r.mismatched.length > 0 || r.events.some((e) => e.kind === 'stray') || (r.reply && r.reply.protocolId !== 0)) this.unclean = true
    return {
      sent: o.expect,
      reply: r.reply,
      responseMs: r.reply ? Math.max(0, r.reply.at - sentAt) : null,
      gapsMs: [],
      closed: r.closed,
      framingErrors: r.framingErrors,
      bytesReceived: r.bytesReceived,
      mismatched: r.mismatched,
      events: r.events,
    }
  }

  async close(): Promise<void> {
    await this.drop()
    if (this.udp) await new Promise<void>((r) => this.udp!.close(() => r()))
    this.udp = undefined
  }
}
