/**
 * The server side of a TLS handshake, for a listener that has already accepted a TCP connection
 * and checked it (access list, limits): Node's tls.Server used as a handshake engine only — it
 * never listens; connections are handed to it (its documented 'connection' injection) — then the
 * client certificate checked and turned into an identity, or the client refused saying why.
 *
 * Node's own refusal (rejectUnauthorized) would close the socket without saying which
 * certificate failed or why; instead the engine asks for the certificate, lets the handshake
 * finish, and this module checks `authorized` at once, before a single byte of the client's is
 * read. A client that is refused gets nothing served.
 */
import type { Socket } from 'node:net'
import { createServer as createTlsServer, type Server as TlsServer, type TLSSocket } from 'node:tls'
import { certificateProblem, oneLineName, peerOfCertificate, tlsPeerOf, type TlsPeer } from './tls-peer.ts'
import { tlsServerOptions, type TlsSettings } from './tls-settings.ts'

/** What happens to each handed connection: served with its identity, or refused with the reason. */
export interface TlsOutcome {
  secured(socket: TLSSocket, remote: string, remoteHost: string, peer: TlsPeer): void
  /** `socket` is the TLS socket to close, or undefined when the connection is already gone. */
  refused(socket: TLSSocket | undefined, remote: string, why: string): void
}

/** A connection in its handshake. */
interface Pending {
  remote: string
  remoteHost: string
  settled: boolean
}

/** Runs TLS handshakes for one listener. */
export class TlsAcceptor {
  private readonly engine: TlsServer
  /** Connections in the handshake, by remote host:port (what both the TCP and the TLS socket report). */
  private readonly pending = new Map<string, Pending>()
  private readonly mutual: boolean

  /** Reads the certificate, key and CA now: throws ArgumentError when they are missing or unreadable. */
  constructor(
    settings: TlsSettings,
    label: string,
    private readonly handshakeTimeoutMs: number,
    private readonly outcome: TlsOutcome,
  ) {
    const options = tlsServerOptions(settings, label)
    this.mutual = options.requestCert === true
    this.engine = createTlsServer({ ...options, handshakeTimeout: handshakeTimeoutMs })
    this.engine.on('secureConnection', (s: TLSSocket) => this.verify(s))
    this.engine.on('tlsClientError', (err: NodeJS.ErrnoException, s: TLSSocket) => {
      const p = this.settle(s)
      if (!p) return
      const why = err.code === 'ERR_TLS_HANDSHAKE_TIMEOUT' ? `not finished within ${this.handshakeTimeoutMs} ms` : err.message.split('\n')[0]
      this.outcome.refused(s, p.remote, `TLS handshake failed: ${why}`)
    })
  }

  /** Starts the handshake on an accepted TCP connection. */
  handshake(socket: Socket, remote: string, remoteHost: string): void {
    const key = `${remoteHost}:${socket.remotePort}`
    const p: Pending = { remote, remoteHost, settled: false }
    this.pending.set(key, p)
    socket.on('error', () => {})
    socket.on('close', () => {
      this.pending.delete(key)
      if (!p.settled) this.outcome.refused(undefined, remote, 'closed during the TLS handshake')
    })
    this.engine.emit('connection', socket)
  }

  private settle(s: TLSSocket): Pending | undefined {
    const key = `${s.remoteAddress}:${s.remotePort}`
    const p = this.pending.get(key)
    if (!p) return undefined
    this.pending.delete(key)
    p.settled = true
    return p
  }

  /** The handshake is done: a verified certificate (or none asked for) is served; anything else refused. */
  private verify(s: TLSSocket): void {
    const p = this.settle(s)
    if (!p) return void s.destroy()
    const cert = s.getPeerX509Certificate()
    if (this.mutual && !s.authorized) {
      const why = cert
        ? `client certificate "${oneLineName(cert.subject)}" (issuer "${oneLineName(cert.issuer)}") refused: ${certificateProblem(s.authorizationError)}`
        : 'no client certificate (mutual authentication is required)'
      return this.outcome.refused(s, p.remote, why)
    }
    let peer: TlsPeer
    try {
      // Only a verified certificate speaks for the client (with mutual=0 none is asked for).
      peer = s.authorized ? tlsPeerOf(s) : peerOfCertificate(undefined, s.getProtocol() ?? '')
    } catch (err) {
      return this.outcome.refused(s, p.remote, (err as Error).message)
    }
    this.outcome.secured(s, p.remote, p.remoteHost, peer)
  }
}
