/**
 * Pipelined MBAP transactions over TCP, TLS or UDP: many requests in flight, each with its own
 * transaction id, replies matched by id (never by order — jsmodbus's server answers pipelined
 * requests in reverse). TCP connects lazily and reconnects with back-off after a loss; a lost
 * connection fails every request in flight with TransportError.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram'
import { isIPv6, type Socket } from 'node:net'
import { TimeoutError, TransportError } from '../errors.ts'
import { createTcpFramer } from '../framers/tcp.ts'
import type { Adu, FrameSink } from '../framers/types.ts'
import { defaultRegistry } from '../pdu/default-registry.ts'
import type { Registry } from '../pdu/registry.ts'
import { formatAddress } from '../transport/address.ts'
import { connectStream } from '../transport/tls-link.ts'
import type { TlsSettings } from '../transport/tls-settings.ts'
import { WriteBatch } from '../transport/write-batch.ts'
import { newChannelStats, type Channel, type StrayHandler, type TransactionOptions, type WireTap } from './channel.ts'
import { Backoff, type BackoffOptions } from './reconnect.ts'

interface Pending {
  unit: number
  request: Buffer
  resolve(pdu: Buffer): void
  reject(err: Error): void
  timer: NodeJS.Timeout
}

/** Options of an MBAP channel. */
export interface MbapChannelOptions {
  host: string
  port: number
  /** 'tls': MBAP inside TLS (Modbus/TCP Security), with `tls` settings. */
  transport: 'tcp' | 'udp' | 'tls'
  /** Certificate, key and CA of a 'tls' channel. */
  tls?: TlsSettings
  /** Connection attempt timeout (TCP, and the TLS handshake), ms. Default 3000. */
  connectTimeout?: number
  backoff?: BackoffOptions
  /** Reply rules of the function codes in use; default: the built-in registry. */
  registry?: Registry
  /** Frames that were not a pending request's reply (already counted in stats.discarded). */
  onStray?: StrayHandler
}

/** A pipelined MBAP channel. */
export class MbapChannel implements Channel {
  readonly stats = newChannelStats()
  /** Wire tap (captures): every frame sent and received while set. */
  tap: WireTap | undefined = undefined
  private readonly pending = new Map<number, Pending>()
  private readonly framer = createTcpFramer()
  private readonly backoff: Backoff
  private readonly registry: Registry
  private readonly label: string
  private nextTid = 1
  private socket: Socket | undefined
  private batch: WriteBatch | undefined
  private udp: UdpSocket | undefined
  private connecting: Promise<void> | undefined
  private lastError: Error | undefined
  private closed = false

  constructor(private readonly options: MbapChannelOptions) {
    this.backoff = new Backoff(options.backoff)
    this.registry = options.registry ?? defaultRegistry
    this.label = formatAddress({ kind: options.transport, host: options.host, port: options.port })
  }

  private readonly sink: FrameSink = {
    frame: (adu: Adu) => {
      const p = this.pending.get(adu.tid)
      const error = p && p.unit === adu.unit ? this.registry.replyError(p.request, adu.pdu) : null
      const why = !p
        ? `no request is waiting with transaction id ${adu.tid}`
        : p.unit !== adu.unit
          ? `unit ${adu.unit} answered transaction ${adu.tid}, sent to unit ${p.unit}`
          : error?.message ?? null
      if (this.tap) this.tap('rx', adu.raw, adu.unit, adu.pdu, why ?? undefined)
      // The transaction id, unit and function say this frame answers the request, but wrongly: the
      // request fails with the PduError at once (the device did answer; waiting longer is pointless).
      if (p && error && (adu.pdu[0] & 0x7f) === p.request[0]) {
        this.pending.delete(adu.tid)
        clearTimeout(p.timer)
        this.stats.discarded++
        this.options.onStray?.(adu, error.message)
        p.reject(error)
        return
      }
      if (why !== null || !p) {
        this.stats.discarded++
        this.options.onStray?.(adu, why ?? 'unmatched')
        return
      }
      this.pending.delete(adu.tid)
      clearTimeout(p.timer)
      this.stats.responses++
      p.resolve(Buffer.from(adu.pdu))
    },
    error: (err) => {
      this.stats.framingErrors++
      if (this.tap) this.tap('rx', err.bytes, -1, undefined, err.message)
      if (this.socket) this.socket.destroy()
    },
  }

  private ensureOpen(deadline: number): Promise<void> {
    if (this.closed) return Promise.reject(new TransportError(`${this.label}: client is closed`))
    if (this.options.transport === 'udp') {
      if (!this.udp) {
        const udp = createSocket(isIPv6(this.options.host) ? 'udp6' : 'udp4')
        udp.on('message', (msg) => {
          this.framer.push(msg, this.sink)
          this.framer.reset()
        })
        udp.on('error', () => {})
        this.udp = udp
      }
      return Promise.resolve()
    }
    if (this.socket) return Promise.resolve()
    this.connecting ??= this.openTcp(deadline).finally(() => (this.connecting = undefined))
    return this.connecting
  }

  private async openTcp(deadline: number): Promise<void> {
    await this.backoff.wait(deadline, this.label, this.lastError)
    let socket: Socket
    try {
      const { host, port, transport, tls } = this.options
      socket = await connectStream({ kind: transport === 'tls' ? 'tls' : 'tcp', host, port, tls }, this.options.connectTimeout ?? 3000)
    } catch (err) {
      this.lastError = err as Error
      this.backoff.failed()
      this.stats.transportErrors++
      throw err
    }
    if (this.closed) {
      socket.destroy()
      throw new TransportError(`${this.label}: client is closed`)
    }
    this.backoff.succeeded()
    this.framer.reset()
    this.socket = socket
    this.batch = new WriteBatch(socket)
    socket.on('data', (chunk: Buffer) => this.framer.push(chunk, this.sink))
    socket.on('error', (err) => (this.lastError = err))
    socket.on('close', () => {
      if (this.socket !== socket) return
      this.socket = undefined
      const err = new TransportError(`${this.label}: connection lost${this.lastError ? ` (${this.lastError.message})` : ''}`)
      for (const [tid, p] of this.pending) {
        clearTimeout(p.timer)
        this.pending.delete(tid)
        this.stats.transportErrors++
        p.reject(err)
      }
    })
  }

  connect(timeoutMs = 3000): Promise<void> {
    return this.ensureOpen(Date.now() + timeoutMs)
  }

  /** True while the TCP or TLS connection is up (always true for UDP once opened). */
  get connected(): boolean {
    return this.options.transport === 'udp' ? this.udp !== undefined : this.socket !== undefined
  }

  private allocateTid(): number {
    for (let i = 0; i < 0x10000; i++) {
      const tid = this.nextTid
      this.nextTid = (this.nextTid + 1) & 0xffff
      if (!this.pending.has(tid)) return tid
    }
    throw new TransportError(`${this.label}: 65536 requests in flight`)
  }

  transact(unit: number, request: Buffer, options: TransactionOptions): Promise<Buffer | null> {
    // Without retries the request's own promise is the result: one promise layer less per request.
    return options.retries > 0 ? this.withRetries(unit, request, options) : this.once(unit, request, options.timeout)
  }

  private async withRetries(unit: number, request: Buffer, options: TransactionOptions): Promise<Buffer | null> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(unit, request, options.timeout)
      } catch (err) {
        if (!(err instanceof TimeoutError) || attempt >= options.retries) throw err
        this.stats.retries++
      }
    }
  }

  private once(unit: number, request: Buffer, timeout: number): Promise<Buffer> {
    if (this.closed || !(this.socket || this.udp)) return this.ensureOpen(Date.now() + timeout).then(() => this.send(unit, request, timeout))
    return this.send(unit, request, timeout)
  }

  private send(unit: number, request: Buffer, timeout: number): Promise<Buffer> {
    // Inside the executor, so a failure to allocate a tid or to encode rejects instead of throwing.
    return new Promise<Buffer>((resolve, reject) => {
      const tid = this.allocateTid()
      const adu = this.framer.encode(unit, request, tid)
      this.stats.requests++
      if (this.tap) this.tap('tx', adu, unit, request)
      const timer = setTimeout(() => {
        this.pending.delete(tid)
        this.stats.timeouts++
        reject(new TimeoutError(`${this.label}: no reply from unit ${unit} to function ${this.registry.nameOf(request[0])} within ${timeout} ms (tid ${tid})`))
      }, timeout)
      this.pending.set(tid, { unit, request, resolve, reject, timer })
      if (this.udp) this.udp.send(adu, this.options.port, this.options.host)
      else if (this.socket && this.batch) this.batch.write(adu)
    })
  }

  async close(): Promise<void> {
    this.closed = true
    for (const [, p] of this.pending) {
      clearTimeout(p.timer)
      p.reject(new TransportError(`${this.label}: client closed`))
    }
    this.pending.clear()
    const socket = this.socket
    this.socket = undefined
    if (socket && !socket.destroyed) await new Promise<void>((r) => socket.once('close', () => r()).destroy())
    if (this.udp) await new Promise<void>((r) => this.udp!.close(() => r()))
    this.udp = undefined
  }
}
