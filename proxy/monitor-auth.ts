/**
 * The monitor's authentication, for a monitor bound beyond loopback: a bearer token, a client
 * certificate (HTTPS with a CA: Node's tls refuses other clients during the handshake), or both.
 *
 * The token is taken from, in order: `Authorization: Bearer <token>` (tools, Prometheus'
 * `bearer_token`), the `modbridge_monitor` cookie, or `?token=` in the URL. A browser opens
 * `https://host:port/?token=…` once: the page is answered with the cookie (HttpOnly,
 * SameSite=Strict), which the browser then sends with the page's scripts and its WebSocket — a
 * WebSocket cannot carry an Authorization header. Tokens are compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import type { TlsSettings } from '../core/transport/tls-settings.ts'
import { isLoopback } from './monitor-guard.ts'

/** Name of the cookie that carries the token after a `?token=` visit. */
export const TOKEN_COOKIE = 'modbridge_monitor'

/** The parts of a request the token check reads. */
export interface AuthRequest {
  url?: string
  headers: IncomingHttpHeaders
}

/** The token check of a monitor. */
export interface TokenCheck {
  /** Why the request is refused (no token, wrong token), or undefined when it carries the token. */
  refusal(req: AuthRequest): string | undefined
  /** The Set-Cookie value to answer a page request that brought the token in its URL, else undefined. */
  cookieFor(req: AuthRequest, secure: boolean): string | undefined
}

const digest = (text: string) => createHash('sha256').update(text).digest()

function fromQuery(url: string | undefined): string | undefined {
  const q = url?.indexOf('?') ?? -1
  return q < 0 ? undefined : (new URLSearchParams(url!.slice(q + 1)).get('token') ?? undefined)
}

/** A cookie value as sent; kept as it is when its %-escapes are malformed (it then matches no token), never a throw. */
function decodeCookie(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}

function fromCookie(headers: IncomingHttpHeaders): string | undefined {
  for (const part of (headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === TOKEN_COOKIE) return decodeCookie(part.slice(eq + 1).trim())
  }
  return undefined
}

function fromHeader(headers: IncomingHttpHeaders): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '')
  return m ? m[1] : undefined
}

/** The check for `token`. */
export function createTokenCheck(token: string): TokenCheck {
  const expected = digest(token)
  const matches = (given: string | undefined) => given !== undefined && timingSafeEqual(digest(given), expected)
  return {
    refusal(req) {
      const given = fromHeader(req.headers) ?? fromCookie(req.headers) ?? fromQuery(req.url)
      if (given === undefined) return 'a bearer token is required (Authorization: Bearer …, or ?token= once in a browser)'
      return matches(given) ? undefined : 'the bearer token is not this monitor\'s'
    },
    cookieFor(req, secure) {
      const given = fromQuery(req.url)
      if (!matches(given) || fromCookie(req.headers) === given) return undefined
      return `${TOKEN_COOKIE}=${encodeURIComponent(given!)}; HttpOnly; SameSite=Strict; Path=/${secure ? '; Secure' : ''}`
    },
  }
}

/**
 * What to warn about a monitor bound at `at.host` and reached at `url`: beyond loopback with no
 * token and no client certificates (anyone who connects sees all traffic), or with a token over
 * plain HTTP (anyone on the path can read it). Undefined when there is nothing to say.
 */
export function exposureWarning(at: { host: string; token?: string; tls?: TlsSettings }, url: string): string | undefined {
  if (isLoopback(at.host)) return undefined
  if (at.token === undefined && at.tls?.ca === undefined) {
    return `the monitor on ${url} is reachable from the network and has no authentication: anyone who can connect sees all traffic; bind it to 127.0.0.1, or give it a token or a CA for client certificates`
  }
  if (at.token !== undefined && at.tls === undefined) {
    return `the monitor on ${url} takes its token over plain HTTP, where anyone on the path can read it; give it cert and key to serve HTTPS`
  }
  return undefined
}
