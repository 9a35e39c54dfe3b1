/**
 * The one network listener behind `serve` and the gateway: Modbus TCP (MBAP), Modbus/TCP Security
 * (MBAP inside TLS), RTU over TCP and UDP. It frames requests, hands each to a responder `(client, unit, pdu) → reply`, and writes the
 * replies back with the request's unit and transaction id — whenever the responder finishes, so
 * pipelined requests are answered as soon as each is done. Connection limits, back-pressure,
 * idle timeouts, write batching and frame-error counts live here and nowhere else.
 *
 * Limits (defaults a plant can run with):
 * - `maxConnections` (256) and `maxConnectionsPerAddress` (32): a connection past either is
 *   closed at once; UDP senders count as clients and expire after `idleTimeoutMs`.
 * - `idleTimeoutMs` (0 = never): a TCP client silent that long is closed.
 * - Back-pressure: reading from a client stops while it has `maxPendingPerClient` (64) requests
 *   unanswered or `maxUnsentBytes` (64 KiB) of replies it has not read, and resumes when both fall
 *   below half; a client whose unread replies pass `hardUnsentBytes` (1 MiB) is closed. The limits
 *   hold frame by frame: frames of a chunk read past them wait (copied) until the client catches up.
 *
 * Framing: an MBAP error (protocol id, length) closes the connection, since a TCP stream cannot
 * resync inside itself. RTU over TCP resyncs instead: a bad CRC drops one byte and scans on, and
 * a pause of `pauseMs` on the socket ends a frame as line silence does.
 *
 * RTU over TCP has no transaction id: its client is a serial master, which sends its next request
 * only once it has the reply or has given up waiting. So a request that comes after a pause
 * supersedes every request of that client still unanswered: their replies, when they come (a late
 * 0x0B from a gateway, a slow store), are not sent, where the master would take them for the reply
 * to its new request. Requests written back to back (no pause) are all answered, in turn.
 *
 * Who may connect, checked in this order, each refusal a 'refused' event with the reason:
 * - the address's access list (`allow`, `deny`), on the TCP connection before any byte is read (UDP:
 *   per datagram);
 * - the connection limits;
 * - on tls://, the TLS handshake (Node's tls, within `handshakeTimeoutMs`, default 10 s), then the
 *   client certificate: required and verified against the CA unless `mutual=0`; a refused client
 *   is closed right after the handshake and nothing it sent is read. Its identity (subject, Modbus
 *   role extension) becomes `ListenerClient.peer`;
 * - the `admit` hook, last, with the whole ListenerClient (the gateway's role policy).
 * Connections in a TLS handshake count against the limits, so a handshake flood is bounded too.
 */
import { createSocket, type RemoteInfo, type Socket as UdpSocket } from 'node:dgram'
import { EventEmitter } from 'node:events'
import { createServer, isIPv6, type Server, type Socket } from 'node:net'
import type { Awaitable } from '../datastore/types.ts'
import type { FrameError } from '../errors.ts'
import { createTcpFramer } from '../framers/tcp.ts'
import type { Adu, Framer, FrameSink } from '../framers/types.ts'
import type { PduWriter } from '../pdu/codec.ts'
import type { Registry } from '../pdu/registry.ts'
import { formatAddress, type NetworkAddress } from '../transport/address.ts'
import { compileAccessList, type AccessMatcher } from '../transport/access-list.ts'
import { LineReceiver } from '../transport/line-receiver.ts'
import { TlsAcceptor } from '../transport/tls-acceptor.ts'
import type { TlsPeer } from '../transport/tls-peer.ts'
import { WriteBatch } from '../transport/write-batch.ts'

/** A connected client (TCP) or a sender address (UDP). */
export interface ListenerClient {
  /** Unique per listener process-wide counter. */
  readonly id: number
  /** host:port of the peer. */
  readonly remote: string
  /** The peer's IP address alone, as the socket reports it (what access lists match). */
  readonly remoteAddress: string
  readonly transport: NetworkAddress['kind']
  /** tls://: the verified client certificate's identity (subject "" when `mutual=0` and none was sent). */
  readonly peer?: TlsPeer
}

/**
 * Answers one request. `pdu` is a view valid only during the call: copy it to keep it. Returns
 * the reply PDU (bytes or a prepared writer), or null to send nothing; may return a promise.
 */
export type Responder = (client: ListenerClient, unit: number, pdu: Buffer) => Awaitable<Buffer | PduWriter | null>

/** Limits of a listener; see the module comment for the defaults. */
export interface ListenerLimits {
  maxConnections?: number
  maxConnectionsPerAddress?: number
  idleTimeoutMs?: number
  maxPendingPerClient?: number
  maxUnsentBytes?: number
  hardUnsentBytes?: number
  /** tls://: a client that has not finished the TLS handshake this long is closed, ms. Default 10000. */
  handshakeTimeoutMs?: number
}

/** Options of a listener. */
export interface ListenerOptions extends ListenerLimits {
  address: NetworkAddress
  responder: Responder
  /** RTU over TCP: frame lengths of user codes. */
  registry?: Registry
  /** RTU over TCP: a pause this long on the socket ends a frame, ms. Default 3. */
  pauseMs?: number
  /**
   * Called for every client that passed the access list, the limits and (tls://) the certificate
   * check, before 'connection': returns why it is refused, or undefined to admit it.
   */
  admit?: (client: ListenerClient) => string | undefined
  /**
   * RTU over TCP: called when a request arrives after a pause while the client still has requests
   * unanswered — they are superseded (their replies will not be sent), so a responder can drop any
   * it has not started. Called before the new request is handed over.
   */
  supersede?: (client: ListenerClient) => void
}

/** Counters of a listener. */
export interface ListenerStats {
  connections: number
  open: number
  refused: number
  requests: number
  replies: number
  framingErrors: number
  /** Times reading from a client was paused for back-pressure. */
  paused: number
  /** Clients closed for not reading their replies, or for idling. */
  dropped: number
  /** The most reply bytes ever waiting in the listener for one client (not yet taken by the kernel). */
  peakUnsentBytes: number
  /** RTU over TCP: replies not sent because the client had moved on to a later request. */
  superseded: number
}

const DEFAULTS = {
  maxConnections: 256,
  maxConnectionsPerAddress: 32,
  idleTimeoutMs: 0,
  maxPendingPerClient: 64,
  maxUnsentBytes: 64 * 1024,
  hardUnsentBytes: 1024 * 1024,
  handshakeTimeoutMs: 10_000,
}

let nextClientId = 1
const EMPTY = Buffer.alloc(0)

/**
 * A network listener. Events: 'connection' (client), 'disconnect' (client), 'frameError'
 * (FrameError, client), 'refused' (remote, reason), 'error' (listener errors after start).
 */
export class ModbusListener extends EventEmitter {
  readonly stats: ListenerStats = { connections: 0, open: 0, refused: 0, requests: 0, replies: 0, framingErrors: 0, paused: 0, dropped: 0, peakUnsentBytes: 0, superseded: 0 }
  private readonly limits: Required<ListenerLimits>
  private server: Server | undefined
  private udp: UdpSocket | undefined
  private readonly sockets = new Set<Socket>()
  private readonly perAddress = new Map<string, number>()
  /** UDP senders by host:port, each with the sink its datagrams go through (made once, on its first datagram). */
  private readonly udpClients = new Map<string, { client: ListenerClient; lastSeen: number; sink?: FrameSink }>()
  private udpSweep: NodeJS.Timeout | undefined
  /** tls://: where connections go once the access list and limits passed. */
  private tls: TlsAcceptor | undefined
  /** Served streams (the TLS sockets on tls://; the connections themselves otherwise). */
  private readonly sessions = new Set<Socket>()
  private readonly access: AccessMatcher | undefined
  private readonly label: string

  constructor(private readonly options: ListenerOptions) {
    super()
    this.label = `listener ${formatAddress({ kind: options.address.kind, host: options.address.host, port: options.address.port })}`
    this.access = options.address.access ? compileAccessList(options.address.access, this.label) : undefined
    this.limits = {
      maxConnections: options.maxConnections ?? DEFAULTS.maxConnections,
      maxConnectionsPerAddress: options.maxConnectionsPerAddress ?? DEFAULTS.maxConnectionsPerAddress,
      idleTimeoutMs: options.idleTimeoutMs ?? DEFAULTS.idleTimeoutMs,
      maxPendingPerClient: options.maxPendingPerClient ?? DEFAULTS.maxPendingPerClient,
      maxUnsentBytes: options.maxUnsentBytes ?? DEFAULTS.maxUnsentBytes,
      hardUnsentBytes: options.hardUnsentBytes ?? DEFAULTS.hardUnsentBytes,
      handshakeTimeoutMs: options.handshakeTimeoutMs ?? DEFAULTS.handshakeTimeoutMs,
    }
  }

  /**
   * Starts listening; resolves with the bound host and port. Rejects with the bind error, or on
   * tls:// with an ArgumentError when the certificate, key or CA is missing or unreadable.
   */
  listen(): Promise<{ host: string; port: number }> {
    const a = this.options.address
    if (a.kind === 'udp') return this.listenUdp(a)
    if (a.kind === 'tls') {
      try {
        this.tls = new TlsAcceptor(a.tls ?? {}, this.label, this.limits.handshakeTimeoutMs, {
          secured: (s, remote, remoteHost, peer) => this.serve(s, remote, remoteHost, peer),
          refused: (s, remote, why) => this.refuse(s, remote, why),
        })
      } catch (err) {
        return Promise.reject(err)
      }
    }
    const server = createServer((socket) => this.accept(socket))
    this.server = server
    return new Promise((resolve, reject) => {
      server.once('error', reject)
      server.listen(a.port, a.host, () => {
        server.off('error', reject)
        server.on('error', (err) => this.listenerCount('error') > 0 && this.emit('error', err))
        resolve(this.address)
      })
    })
  }

  /** The bound address. */
  get address(): { host: string; port: number } {
    const a = this.udp ? this.udp.address() : this.server?.address()
    return a && typeof a === 'object' ? { host: a.address, port: a.port } : { host: '', port: 0 }
  }

  /** Clients connected now (TCP) or seen recently (UDP). */
  get clientCount(): number {
    return this.udp ? this.udpClients.size : this.sockets.size
  }

  /** Stops listening and closes every connection. */
  async close(): Promise<void> {
    if (this.udpSweep) clearInterval(this.udpSweep)
    for (const s of this.sessions) s.destroy()
    for (const s of this.sockets) s.destroy()
    const server = this.server
    if (server?.listening) await new Promise<void>((r) => server.close(() => r()))
    const udp = this.udp
    this.udp = undefined
    if (udp) await new Promise<void>((r) => udp.close(() => r()))
  }

  /** Counts a refusal, closes `socket` and says why. */
  private refuse(socket: Socket | undefined, remote: string, why: string): void {
    this.stats.refused++
    if (socket) {
      socket.on('error', () => {})
      socket.destroy()
    }
    this.emit('refused', remote, why)
  }

  /** A new TCP connection: access list and limits, then TLS or straight to serving. */
  private accept(socket: Socket): void {
    const remoteHost = socket.remoteAddress ?? '?'
    const remote = `${remoteHost.includes(':') ? `[${remoteHost}]` : remoteHost}:${socket.remotePort ?? 0}`
    const denied = this.access?.refusal(remoteHost)
    if (denied) return this.refuse(socket, remote, denied)
    const fromHere = this.perAddress.get(remoteHost) ?? 0
    if (this.sockets.size >= this.limits.maxConnections || fromHere >= this.limits.maxConnectionsPerAddress) {
      return this.refuse(socket, remote, this.sockets.size >= this.limits.maxConnections ? `${this.limits.maxConnections} connections open` : `${fromHere} connections from ${remoteHost}`)
    }
    this.perAddress.set(remoteHost, fromHere + 1)
    this.sockets.add(socket)
    this.stats.connections++
    this.stats.open++
    socket.setNoDelay(true)
    socket.on('close', () => {
      this.sockets.delete(socket)
      this.stats.open--
      const n = (this.perAddress.get(remoteHost) ?? 1) - 1
      if (n > 0) this.perAddress.set(remoteHost, n)
      else this.perAddress.delete(remoteHost)
    })
    if (this.tls) this.tls.handshake(socket, remote, remoteHost)
    else this.serve(socket, remote, remoteHost, undefined)
  }

  /** Serves a connected (and, on tls://, verified) client. */
  private serve(socket: Socket, remote: string, remoteAddress: string, peer: TlsPeer | undefined): void {
    const client: ListenerClient = peer
      ? { id: nextClientId++, remote, remoteAddress, transport: this.options.address.kind, peer }
      : { id: nextClientId++, remote, remoteAddress, transport: this.options.address.kind }
    const refusal = this.options.admit?.(client)
    if (refusal) return this.refuse(socket, remote, refusal)
    this.sessions.add(socket)
    const rtu = this.options.address.kind === 'rtu+tcp'
    let pending = 0
    let paused = false
    let draining = false
    /** Frames read while over the limits (copies), answered in order once the client catches up. */
    const backlog: Adu[] = []
    const limits = this.limits
    const started = () => pending++
    const over = () => pending >= limits.maxPendingPerClient || socket.writableLength > limits.maxUnsentBytes
    // 'drain' fires only after a write crossed the socket's own high-water mark (16 KiB), which a
    // smaller maxUnsentBytes never does: an empty write's callback says when all before it is flushed.
    const wakeWhenFlushed = () => socket.write(EMPTY, resumeIfDrained)
    const pause = () => {
      paused = true
      this.stats.paused++
      socket.pause()
      wakeWhenFlushed()
    }
    const resumeIfDrained = () => {
      if (!paused || draining || socket.destroyed) return
      if (pending > limits.maxPendingPerClient >>> 1 || socket.writableLength > limits.maxUnsentBytes >>> 1) return
      draining = true
      while (backlog.length > 0 && !over() && !socket.destroyed) this.dispatch(client, backlog.shift()!, send, started)
      draining = false
      if (socket.destroyed) return
      if (backlog.length > 0 || over()) wakeWhenFlushed()
      else {
        paused = false
        socket.resume()
      }
    }
    // RTU over TCP: requests are numbered by burst (frames with no pause between them share one);
    // the number rides in the ADU's transaction id, which RTU does not use.
    const pauseMs = this.options.pauseMs ?? 3
    let burst = 0
    let lastFrameAt = -Infinity
    const send = (unit: number, tid: number, reply: Buffer | PduWriter | null) => {
      pending--
      if (rtu && tid !== burst) {
        if (reply) this.stats.superseded++
        resumeIfDrained()
        return
      }
      if (reply && !socket.destroyed) {
        const adu = Buffer.isBuffer(reply) ? framer.encode(unit, reply, tid) : framer.encodeWith(unit, reply, tid)
        batch.write(adu)
        this.stats.replies++
        if (socket.writableLength > this.stats.peakUnsentBytes) this.stats.peakUnsentBytes = socket.writableLength
        if (socket.writableLength > limits.hardUnsentBytes) {
          this.stats.dropped++
          socket.destroy()
          return
        }
      }
      resumeIfDrained()
    }
    const sink: FrameSink = {
      frame: (adu: Adu) => {
        if (rtu) {
          const now = performance.now()
          if (now - lastFrameAt > pauseMs) {
            burst = (burst + 1) & 0xffff
            if (pending > 0) this.options.supersede?.(client)
          }
          lastFrameAt = now
          adu.tid = burst
        }
        if (paused) {
          backlog.push({ unit: adu.unit, tid: adu.tid, pdu: Buffer.from(adu.pdu), raw: Buffer.from(adu.raw) })
          return
        }
        this.dispatch(client, adu, send, started)
        if (!socket.destroyed && over()) pause()
      },
      error: (err: FrameError) => {
        this.stats.framingErrors++
        this.emit('frameError', err, client)
        if (!rtu) socket.destroy()
      },
    }
    const line = rtu
      ? new LineReceiver({ framing: 'rtu', expect: 'request', probe: true, registry: this.options.registry, silenceMs: this.options.pauseMs ?? 3, sink })
      : undefined
    const framer: Framer = line ? line.framer : createTcpFramer()
    const batch = new WriteBatch(socket)
    socket.on('data', (chunk: Buffer) => {
      batch.hold()
      if (line) line.push(chunk)
      else framer.push(chunk, sink)
    })
    socket.on('drain', resumeIfDrained)
    if (limits.idleTimeoutMs > 0) {
      socket.setTimeout(limits.idleTimeoutMs, () => {
        this.stats.dropped++
        socket.destroy()
      })
    }
    socket.on('error', () => socket.destroy())
    socket.on('close', () => {
      line?.stop()
      backlog.length = 0
      this.sessions.delete(socket)
      this.emit('disconnect', client)
    })
    this.emit('connection', client)
  }

  /** Hands one frame to the responder; `send` gets the reply with the frame's unit and tid. */
  private dispatch(client: ListenerClient, adu: Adu, send: (unit: number, tid: number, reply: Buffer | PduWriter | null) => void, started: () => void): void {
    this.stats.requests++
    started()
    const { unit, tid } = adu
    let result: Awaitable<Buffer | PduWriter | null>
    try {
      result = this.options.responder(client, unit, adu.pdu)
    } catch {
      result = null
    }
    if (result instanceof Promise) result.then((r) => send(unit, tid, r), () => send(unit, tid, null))
    else send(unit, tid, result)
  }

  private listenUdp(a: NetworkAddress): Promise<{ host: string; port: number }> {
    const udp = createSocket(isIPv6(a.host) ? 'udp6' : 'udp4')
    this.udp = udp
    const framer = createTcpFramer()
    const noop = () => {}
    udp.on('message', (msg: Buffer, rinfo: RemoteInfo) => {
      const entry = this.udpClient(rinfo)
      if (!entry) return
      // A sender's address and port are its key, so its reply path is the same for every datagram.
      if (!entry.sink) {
        const client = entry.client
        const send = (unit: number, tid: number, reply: Buffer | PduWriter | null) => {
          if (!reply || this.udp !== udp) return
          udp.send(Buffer.isBuffer(reply) ? framer.encode(unit, reply, tid) : framer.encodeWith(unit, reply, tid), rinfo.port, rinfo.address)
          this.stats.replies++
        }
        entry.sink = {
          frame: (adu) => this.dispatch(client, adu, send, noop),
          error: (err) => {
            this.stats.framingErrors++
            this.emit('frameError', err, client)
          },
        }
      }
      framer.push(msg, entry.sink)
      framer.end(entry.sink)
    })
    udp.on('error', (err) => this.listenerCount('error') > 0 && this.emit('error', err))
    // UDP has no disconnect: a sender silent for the idle time (default 60 s) is forgotten.
    const expiry = this.limits.idleTimeoutMs > 0 ? this.limits.idleTimeoutMs : 60_000
    this.udpSweep = setInterval(() => {
      const now = performance.now()
      for (const [key, entry] of this.udpClients) {
        if (now - entry.lastSeen > expiry) {
          this.udpClients.delete(key)
          this.emit('disconnect', entry.client)
        }
      }
    }, Math.min(expiry, 10_000))
    this.udpSweep.unref()
    return new Promise((resolve, reject) => {
      udp.once('error', reject)
      udp.bind(a.port, a.host, () => {
        udp.off('error', reject)
        resolve(this.address)
      })
    })
  }

  private udpClient(rinfo: RemoteInfo): { client: ListenerClient; sink?: FrameSink } | undefined {
    const key = `${rinfo.address}:${rinfo.port}`
    const entry = this.udpClients.get(key)
    if (entry) {
      entry.lastSeen = performance.now()
      return entry
    }
    // A datagram from outside the access list is dropped unread, and counted, each time.
    const denied = this.access?.refusal(rinfo.address)
    if (denied) return void this.refuse(undefined, key, denied)
    if (this.udpClients.size >= this.limits.maxConnections) return void this.refuse(undefined, key, `${this.limits.maxConnections} UDP senders active`)
    const client: ListenerClient = { id: nextClientId++, remote: key, remoteAddress: rinfo.address, transport: 'udp' }
    const refusal = this.options.admit?.(client)
    if (refusal) return void this.refuse(undefined, key, refusal)
    const added = { client, lastSeen: performance.now() }
    this.udpClients.set(key, added)
    this.stats.connections++
    this.emit('connection', client)
    return added
  }
}
