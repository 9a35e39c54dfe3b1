/**
 * TLS settings of a `tls://` address (Modbus/TCP Security: TLS on port 802, mutual authentication
 * with X.509v3 certificates), and the Node tls options built from them. Everything cryptographic is
 * Node's tls module; this file only reads the PEM files and sets the spec's defaults:
 *
 * - TLS 1.2 at least (MB-TCP-Security v21 §10.1, TLS Version);
 * - a listener requires a client certificate signed by its `ca` (mutual authentication) unless
 *   `mutual=0`;
 * - a client verifies the server's certificate against `ca` (Node's bundled roots when absent) and
 *   checks the host name or IP address it dialled against the certificate.
 *
 * In the address grammar the settings are query keys:
 * `tls://127.0.0.1:802?cert=client.pem&key=client.key&ca=ca.pem` (also `mutual=0`, `min=1.3`,
 * `servername=plc-7.plant`). A string is a file path; a Buffer (library use) is the PEM itself.
 */
import { readFileSync } from 'node:fs'
import { isIP } from 'node:net'
import type { ConnectionOptions, TlsOptions } from 'node:tls'
import { ArgumentError } from '../errors.ts'

/** The IANA port of Modbus/TCP Security. */
export const MODBUS_TLS_PORT = 802

/** Lowest TLS versions a setting may ask for. */
export type TlsVersion = 'TLSv1.2' | 'TLSv1.3'

/** TLS settings of an address. */
export interface TlsSettings {
  /** Own certificate (chain), PEM: a file path, or the PEM as a Buffer. A listener needs one; a client sends it. */
  cert?: string | Buffer
  /** Own private key, PEM: a file path, or the PEM as a Buffer. */
  key?: string | Buffer
  /** CA certificate(s) trusted for the peer's certificate, PEM: a file path, or the PEM as a Buffer. */
  ca?: string | Buffer
  /** Listener: require a client certificate signed by `ca`. Default true (the spec's mutual authentication). */
  mutual?: boolean
  /** Client: the name checked against the server certificate and sent as SNI; default the dialled host. */
  servername?: string
  /** Lowest TLS version accepted. Default TLSv1.2. */
  minVersion?: TlsVersion
}

/** The query keys of TLS settings, in the order they are formatted. */
export const TLS_KEYS = ['cert', 'key', 'ca', 'mutual', 'min', 'servername'] as const

/**
 * Applies one query key to `out`; returns false when `key` is not a TLS key. Throws ArgumentError
 * (the caller adds the address) for a bad value.
 */
export function applyTlsKey(out: TlsSettings, key: string, value: string): boolean {
  switch (key) {
    case 'cert':
    case 'key':
    case 'ca':
      if (value === '') throw new ArgumentError(`${key} names no file`)
      out[key] = value
      return true
    case 'mutual':
      if (value !== '0' && value !== '1') throw new ArgumentError(`mutual ${value} is not 0 or 1`)
      out.mutual = value === '1'
      return true
    case 'min':
      if (value !== '1.2' && value !== '1.3') throw new ArgumentError(`min ${value} is not 1.2 or 1.3 (TLS versions below 1.2 are not allowed)`)
      out.minVersion = value === '1.2' ? 'TLSv1.2' : 'TLSv1.3'
      return true
    case 'servername':
      out.servername = value
      return true
    default:
      return false
  }
}

/** The query text of settings (file paths only; PEM given as Buffers is not shown). */
export function formatTlsSettings(s: TlsSettings): string[] {
  const out: string[] = []
  for (const k of ['cert', 'key', 'ca'] as const) {
    const v = s[k]
    if (typeof v === 'string') out.push(`${k}=${v}`)
  }
  if (s.mutual === false) out.push('mutual=0')
  if (s.minVersion) out.push(`min=${s.minVersion.slice(4)}`)
  if (s.servername) out.push(`servername=${s.servername}`)
  return out
}

/** Reads one PEM setting; a Buffer is taken as it is. */
function pem(value: string | Buffer | undefined, what: string, label: string): Buffer | undefined {
  if (value === undefined || Buffer.isBuffer(value)) return value
  try {
    return readFileSync(value)
  } catch (err) {
    throw new ArgumentError(`${label}: cannot read the ${what} file ${JSON.stringify(value)}: ${(err as Error).message}`, { cause: err })
  }
}

/**
 * Options of a listening TLS context, files read now. Throws ArgumentError when the certificate or
 * key is missing, a file cannot be read, or mutual authentication has no CA to check clients with.
 */
export function tlsServerOptions(s: TlsSettings, label: string): TlsOptions {
  if (s.cert === undefined || s.key === undefined) throw new ArgumentError(`${label}: a TLS listener needs cert= and key= (its certificate and private key)`)
  const mutual = s.mutual !== false
  if (mutual && s.ca === undefined) throw new ArgumentError(`${label}: mutual authentication needs ca= (the CA that signs client certificates), or mutual=0 to accept clients without certificates`)
  return {
    cert: pem(s.cert, 'certificate', label),
    key: pem(s.key, 'private key', label),
    ca: pem(s.ca, 'CA', label),
    minVersion: s.minVersion ?? 'TLSv1.2',
    requestCert: mutual,
    // The listener checks `authorized` itself after the handshake, so it can say why it refused.
    rejectUnauthorized: false,
  }
}

/** Options of a TLS connection to host:port, files read now. Throws ArgumentError for a half-given pair or an unreadable file. */
export function tlsClientOptions(s: TlsSettings, host: string, port: number, label: string): ConnectionOptions {
  if ((s.cert === undefined) !== (s.key === undefined)) throw new ArgumentError(`${label}: cert= and key= go together (the client certificate and its private key)`)
  const servername = s.servername ?? (isIP(host) ? undefined : host)
  return {
    host,
    port,
    cert: pem(s.cert, 'certificate', label),
    key: pem(s.key, 'private key', label),
    ca: pem(s.ca, 'CA', label),
    minVersion: s.minVersion ?? 'TLSv1.2',
    // SNI never carries an IP address (RFC 6066 §3); the certificate check still uses the host.
    ...(servername ? { servername } : {}),
    rejectUnauthorized: true,
  }
}
