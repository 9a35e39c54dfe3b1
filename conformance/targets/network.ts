/**
 * Network targets: Modbus TCP, UDP and RTU over TCP. TCP reconnects between cases when the
 * device closed the connection (as it should after a bad MBAP header).
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram'
import { isIPv6, type Socket } from 'node:net'
import { createFramer, formatAddress, type NetworkAddress } from '../../core/index.ts'
import { connectTcp } from '../../core/transport/tcp-link.ts'
import { waitFor as waitForMs } from '../../core/transport/wait-until.ts'
import { ReplyObserver } from './observer.ts'
import type { Exchange, ExchangeOptions, RawTarget } from './target.ts'

/** Opens a network target; resolves once it is reachable (TCP connects). */
export async function openNetworkTarget(address: NetworkAddress, connectTimeoutMs = 3000): Promise<RawTarget> {
  const t = new NetworkTarget(address, connectTimeoutMs)
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
  private closedByPeer = false
  private readonly observer: ReplyObserver
  private readonly encoder

  constructor(
    private readonly address: NetworkAddress,
    private readonly connectTimeoutMs: number,
  ) {
    this.label = formatAddress(address)
    this.framer = address.kind === 'rtu+tcp' ? ('rtu' as const) : ('tcp' as const)
    this.observer = new ReplyObserver(this.framer, address.kind === 'rtu+tcp')
    this.encoder = createFramer(this.framer)
  }

  async open(): Promise<void> {
    if (this.address.kind === 'udp') {
      const udp = createSocket(isIPv6(this.address.host) ? 'udp6' : 'udp4')
      udp.on('message', (m) => this.observer.push(m))
      udp.on('error', () => {})
      this.udp = udp
      return
    }
    const socket = await connectTcp(this.address.host, this.address.port, this.connectTimeoutMs)
    this.closedByPeer = false
    socket.on('data', (c: Buffer) => this.observer.push(c))
    socket.on('error', () => {})
    socket.on('close', () => {
      this.closedByPeer = true
      this.observer.abandon()
      if (this.socket === socket) this.socket = undefined
    })
    this.socket = socket
  }

  frame(unit: number, pdu: Buffer, tid = 1): Buffer {
    return this.encoder.encode(unit, pdu, tid)
  }

  async exchange(request: Buffer | Buffer[], o: ExchangeOptions): Promise<Exchange> {
    if (!this.udp && !this.socket) await this.open()
    const chunks = Array.isArray(request) ? request : [request]
    const { reply, lastByteAt } = this.observer.expect(o.waitMs, o.requestPdu)
    this.closedByPeer = false
    let sentAt = 0
    for (const [i, c] of chunks.entries()) {
      if (i > 0 && o.chunkGapMs) await waitForMs(o.chunkGapMs)
      if (this.udp) this.udp.send(c, this.address.port, this.address.host)
      else this.socket?.write(c)
      sentAt = performance.now()
    }
    const frame = await reply
    const closed = this.closedByPeer
    return { reply: frame, responseMs: frame ? Math.max(0, lastByteAt() - sentAt) : null, gapsMs: [], closed, framingErrors: this.observer.errors.slice() }
  }

  async close(): Promise<void> {
    const s = this.socket
    this.socket = undefined
    if (s && !s.destroyed) await new Promise<void>((r) => s.once('close', () => r()).destroy())
    if (this.udp) await new Promise<void>((r) => this.udp!.close(() => r()))
    this.udp = undefined
  }
}
