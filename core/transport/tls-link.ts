/**
 * Connecting over TLS (Modbus/TCP Security, mbaps): the MBAP frames travel inside TLS records
 * unchanged (MB-TCP-Security v21, Appendix A), so once connected a TLS socket is used exactly as a
 * TCP one. `connectStream` picks plain TCP or TLS from the address, for every caller that opens a
 * stream to a network address (clients, buses, the conformance runner's network target).
 */
import type { Socket } from 'node:net'
import { connect, type TLSSocket } from 'node:tls'
import { ArgumentError, TimeoutError, TransportError } from '../errors.ts'
import { formatAddress, type NetworkAddress } from './address.ts'
import { connectTcp } from './tcp-link.ts'
import { tlsClientOptions, type TlsSettings } from './tls-settings.ts'

/** A readable reason for a TLS failure: Node's message, and its OpenSSL code when it has one. */
function tlsReason(err: NodeJS.ErrnoException): string {
  return err.code && !err.message.includes(err.code) ? `${err.message} (${err.code})` : err.message
}

/**
 * Connects to host:port and completes the TLS handshake, verifying the server's certificate.
 * Rejects with TransportError (refused, handshake failed, certificate not trusted), TimeoutError,
 * or ArgumentError (settings unusable, a file unreadable).
 */
export function connectTls(host: string, port: number, settings: TlsSettings, timeoutMs: number): Promise<TLSSocket> {
  const label = formatAddress({ kind: 'tls', host, port })
  return new Promise((resolve, reject) => {
    // Inside the executor, so unusable settings reject rather than throw.
    const socket = connect(tlsClientOptions(settings, host, port, label))
    socket.setNoDelay(true)
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new TimeoutError(`connecting to ${label} (TCP and the TLS handshake) took longer than ${timeoutMs} ms`))
    }, timeoutMs)
    socket.once('secureConnect', () => {
      clearTimeout(timer)
      socket.removeAllListeners('error')
      resolve(socket)
    })
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      socket.destroy()
      reject(new TransportError(`cannot connect to ${label}: ${tlsReason(err)}`, { cause: err }))
    })
  })
}

/** Opens a stream to a tcp://, rtu+tcp:// or tls:// address: a TLS socket for tls://, a plain one otherwise. */
export function connectStream(address: NetworkAddress, timeoutMs: number): Promise<Socket> {
  if (address.kind === 'udp') return Promise.reject(new ArgumentError('udp:// has no stream to connect'))
  if (address.kind === 'tls') return connectTls(address.host, address.port, address.tls ?? {}, timeoutMs)
  return connectTcp(address.host, address.port, timeoutMs)
}
