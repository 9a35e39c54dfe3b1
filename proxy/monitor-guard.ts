/**
 * Who may talk to the live monitor. The monitor has no authentication, so two header checks keep
 * other web pages away from it:
 * - the Host check (every request): a page that re-points its own DNS name at the monitor's
 *   address (DNS rebinding) still sends its own name as Host, so only the monitor's own addresses
 *   pass;
 * - the Origin check (WebSocket upgrades): a page on another origin can open a WebSocket anywhere,
 *   and the browser says who it is only in Origin, so only the monitor's own origin and an
 *   allow-list pass. Requests without Origin come from tools, not browsers, and pass.
 */
import type { IncomingHttpHeaders } from 'node:http'
import { isIPv4, isIPv6 } from 'node:net'

/** The allow-lists of a monitor. */
export interface AccessPolicy {
  /** Origins, exactly as a browser sends them (`http://host:port`), allowed to open the feed besides the monitor's own; '*' allows any. */
  allowOrigins?: readonly string[]
  /** Host header values (`host:port`) accepted besides the monitor's own addresses, e.g. behind a reverse proxy; '*' turns the Host check off. */
  allowHosts?: readonly string[]
}

/** The parts of a request the checks read: headers, and the address the connection arrived on. */
export interface CheckedRequest {
  headers: IncomingHttpHeaders
  socket: { localAddress?: string; localPort?: number }
}

/** The two checks, each returning why a request is refused, or undefined when it may proceed. */
export interface AccessCheck {
  hostRefusal(req: CheckedRequest): string | undefined
  originRefusal(req: CheckedRequest): string | undefined
}

/** The names a loopback address is also reached by. */
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]']

/** True for `localhost`, 127.0.0.0/8 (also IPv4-mapped) and ::1, bracketed or not. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase()
  if (h === 'localhost' || h === '::1') return true
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h
  return isIPv4(v4) && v4.startsWith('127.')
}

/** An address as it appears in a Host header: lower case, IPv6 bracketed, IPv4-mapped IPv6 unmapped. */
function hostName(address: string): string {
  const a = address.replace(/^\[|\]$/g, '').toLowerCase().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '')
  return isIPv6(a) ? `[${a}]` : a
}

function namesOf(address: string): string[] {
  return isLoopback(address) ? [hostName(address), ...LOOPBACK_NAMES] : [hostName(address)]
}

function normalOrigin(origin: string): string {
  return origin.trim().toLowerCase().replace(/\/$/, '')
}

/**
 * The checks for a monitor bound to `boundHost`. A request's Host must name the bound address or
 * the local address the connection arrived on (which covers wildcard binds such as 0.0.0.0), with
 * the port it arrived on; loopback addresses are also reached as localhost, 127.0.0.1 and [::1].
 * An Origin, when sent, must be `http://<Host>` (or https, for a TLS proxy in front) or on the list.
 */
export function createAccessCheck(boundHost: string, policy: AccessPolicy = {}): AccessCheck {
  const hosts = new Set((policy.allowHosts ?? []).map((h) => h.trim().toLowerCase()))
  const origins = new Set((policy.allowOrigins ?? []).map(normalOrigin))
  const boundNames = namesOf(boundHost)
  return {
    hostRefusal(req) {
      if (hosts.has('*')) return undefined
      const host = req.headers.host?.trim().toLowerCase()
      if (!host) return 'no Host header'
      if (hosts.has(host)) return undefined
      const port = req.socket.localPort
      for (const name of [...boundNames, ...namesOf(req.socket.localAddress ?? '')]) {
        if (host === `${name}:${port}` || (port === 80 && host === name)) return undefined
      }
      return `Host ${JSON.stringify(host)} is not this monitor's address`
    },
    originRefusal(req) {
      const origin = req.headers.origin
      if (origin === undefined || origins.has('*')) return undefined
      const o = normalOrigin(origin)
      const host = req.headers.host?.trim().toLowerCase()
      if (o === `http://${host}` || o === `https://${host}` || origins.has(o)) return undefined
      return `Origin ${JSON.stringify(origin)} is not allowed`
    },
  }
}
