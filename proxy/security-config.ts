/**
 * The security part of the gateway configuration: TLS listeners and buses (the keys of the address
 * grammar, also as object keys), address access lists, role permissions, and the monitor's
 * authentication. File paths given in a configuration file are taken relative to that file.
 *
 *   "listen": ["tcp://127.0.0.1:502",
 *              { "address": "tls://0.0.0.0:802", "cert": "server.pem", "key": "server.key", "ca": "ca.pem",
 *                "allow": ["10.0.0.0/8", "fd00::/8"], "deny": ["10.0.0.13"], "defaultRole": "viewer" }],
 *   "roles": { "operator": { "functions": [1, 2, 3, 4, 5, 6, 15, 16] }, "viewer": { "readOnly": true } },
 *   "routes": [{ "units": "1-10", "bus": "a", "allow": ["10.1.0.0/16"],
 *                "roles": { "operator": { "units": "1-5" }, "viewer": { "readOnly": true } } }],
 *   "monitor": { "address": "0.0.0.0:8020", "tokenFile": "monitor.token", "cert": "server.pem", "key": "server.key" }
 */
import { readFileSync } from 'node:fs'
import { isAbsolute, resolve } from 'node:path'
import { isSerial, type Address, type NetworkAddress } from '../core/index.ts'
import { checkAccessEntry, type AccessList } from '../core/transport/access-list.ts'
import { applyTlsKey, type TlsSettings } from '../core/transport/tls-settings.ts'
import { address, fail, functionRules, int, keys, text, unitRange, type FunctionRule } from './config-checks.ts'

/** What one role may do on a route; every limit given must pass, on top of the route's own. */
export interface Permission {
  /** Function codes (and sub-functions) allowed; all when undefined. */
  functions?: FunctionRule[]
  /** Only reads pass (the allow-list of reads of routes[].readOnly). */
  readOnly: boolean
  /** Client unit ids this role may address; every unit when undefined. 0 names the broadcast. */
  units?: [number, number][]
}

/** Role name → permission. A Map, so no role name can match an Object.prototype member. */
export type RolePermissions = ReadonlyMap<string, Permission>

/** One upstream listener. */
export interface ListenConfig extends NetworkAddress {
  /**
   * The role of a client that has none from a certificate: on tls:// a certificate without the
   * role extension (or no certificate, with `mutual=0`); on tcp://, rtu+tcp:// and udp:// every client.
   */
  defaultRole?: string
}

/** Where the monitor listens and what it requires. */
export interface MonitorConfig {
  host: string
  port: number
  /** Every request must carry this bearer token (header, cookie or ?token=). */
  token?: string
  /** HTTPS with this certificate and key; with `ca`, a client certificate signed by it is required. */
  tls?: TlsSettings
}

const TLS_KEYS_LISTENER = ['cert', 'key', 'ca', 'mutual', 'min'] as const
const TLS_KEYS_BUS = ['cert', 'key', 'ca', 'min', 'servername'] as const

/** Makes the file paths of `s` absolute against `baseDir` (the configuration file's folder). */
function resolvePaths(s: TlsSettings, baseDir: string): TlsSettings {
  const out = { ...s }
  for (const k of ['cert', 'key', 'ca'] as const) {
    const v = out[k]
    if (typeof v === 'string' && !isAbsolute(v)) out[k] = resolve(baseDir, v)
  }
  return out
}

/** The TLS keys of an object (cert, key, ca, mutual, min, servername), merged over the address's own query keys. */
function tlsKeysOf(path: string, obj: Record<string, unknown>, a: NetworkAddress, allowed: readonly string[], baseDir: string): TlsSettings | undefined {
  const given = allowed.filter((k) => obj[k] !== undefined)
  if (a.kind !== 'tls') {
    if (given.length) fail(`${path}.${given[0]}`, 'TLS settings apply to tls:// addresses only')
    return undefined
  }
  const out: TlsSettings = { ...a.tls }
  for (const k of given) {
    const v = obj[k]
    const value = k === 'mutual' ? (typeof v === 'boolean' ? (v ? '1' : '0') : fail(`${path}.mutual`, 'expected true or false')) : text(`${path}.${k}`, v)
    try {
      applyTlsKey(out, k, value)
    } catch (err) {
      fail(`${path}.${k}`, (err as Error).message)
    }
  }
  return resolvePaths(out, baseDir)
}

function entries(path: string, v: unknown): string[] {
  const list = typeof v === 'string' ? v.split(',') : Array.isArray(v) ? v : fail(path, 'expected an array of addresses or CIDR blocks')
  return list.map((e: unknown, i: number) => {
    if (typeof e !== 'string') fail(`${path}[${i}]`, 'expected an address or CIDR block string')
    try {
      return checkAccessEntry(e)
    } catch (err) {
      fail(`${path}[${i}]`, (err as Error).message)
    }
  })
}

/** The `allow` and `deny` keys of an object, added to `base`; undefined when neither list has an entry. */
export function accessOf(path: string, obj: Record<string, unknown>, base?: AccessList): AccessList | undefined {
  const allow = [...(base?.allow ?? []), ...(obj.allow === undefined ? [] : entries(`${path}.allow`, obj.allow))]
  const deny = [...(base?.deny ?? []), ...(obj.deny === undefined ? [] : entries(`${path}.deny`, obj.deny))]
  if (!allow.length && !deny.length) return undefined
  return { ...(allow.length ? { allow } : {}), ...(deny.length ? { deny } : {}) }
}

/** One `listen` entry: an address string, or an object with "address" and the TLS, access and role keys. */
export function listenOf(path: string, v: unknown, baseDir: string): ListenConfig {
  const obj = typeof v === 'string' ? { address: v } : typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : fail(path, 'expected an address, or an object with "address"')
  keys(path, obj, ['address', ...TLS_KEYS_LISTENER, 'allow', 'deny', 'defaultRole'])
  const a = address(`${path}${typeof v === 'string' ? '' : '.address'}`, obj.address)
  if (a.kind !== 'tcp' && a.kind !== 'udp' && a.kind !== 'rtu+tcp' && a.kind !== 'tls') fail(path, 'the gateway listens on tcp://, tls://, udp:// or rtu+tcp://')
  const out: ListenConfig = { kind: a.kind, host: a.host, port: a.port }
  const tls = tlsKeysOf(path, obj, a, TLS_KEYS_LISTENER, baseDir)
  if (tls) out.tls = tls
  const access = accessOf(path, obj, a.access)
  if (access) out.access = access
  if (obj.defaultRole !== undefined) out.defaultRole = text(`${path}.defaultRole`, obj.defaultRole)
  return out
}

/** The keys a bus object may carry for a tls:// address. */
export const BUS_TLS_KEYS: readonly string[] = TLS_KEYS_BUS

/** A bus's address, with the bus object's TLS keys merged in (tls:// only; on other addresses they are an error). */
export function busAddressOf(path: string, obj: Record<string, unknown>, baseDir: string): Address {
  const a = address(`${path}.address`, obj.address)
  if (a.kind === 'udp') fail(`${path}.address`, 'a bus is serial (rtu://, ascii://, binary://), rtu+tcp://, tcp:// or tls://')
  if (isSerial(a)) {
    const given = TLS_KEYS_BUS.find((k) => obj[k] !== undefined)
    if (given) fail(`${path}.${given}`, 'TLS settings apply to tls:// addresses only')
    return a
  }
  if (a.access) fail(`${path}.address`, 'allow= and deny= apply to listeners, not to buses')
  const tls = tlsKeysOf(path, obj, a, TLS_KEYS_BUS, baseDir)
  return tls ? { ...a, tls } : a
}

/** One permission: { functions?, readOnly?, units? }. */
function permissionOf(path: string, v: unknown): Permission {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'expected an object with functions, readOnly or units (an empty object allows everything)')
  const p = v as Record<string, unknown>
  keys(path, p, ['functions', 'readOnly', 'units'])
  const out: Permission = { readOnly: p.readOnly === undefined ? false : typeof p.readOnly === 'boolean' ? p.readOnly : fail(`${path}.readOnly`, 'expected true or false') }
  if (p.functions !== undefined) out.functions = functionRules(`${path}.functions`, p.functions)
  if (p.units !== undefined) {
    const list = Array.isArray(p.units) ? p.units : [p.units]
    if (list.length === 0) fail(`${path}.units`, 'expected a unit id, a range like "1-10", or a list of them')
    out.units = list.map((u: unknown, i: number) => unitRange(`${path}.units${Array.isArray(p.units) ? `[${i}]` : ''}`, u, 0))
  }
  return out
}

/** A `roles` object: role name → permission. */
export function rolesOf(path: string, v: unknown): RolePermissions | undefined {
  if (v === undefined) return undefined
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'expected an object: role name → { functions, readOnly, units }')
  const out = new Map<string, Permission>()
  for (const [role, p] of Object.entries(v)) {
    if (role === '') fail(path, 'a role name is a non-empty string')
    out.set(role, permissionOf(`${path}.${role}`, p))
  }
  return out
}

const MIN_TOKEN = 16

function monitorHostPort(path: string, v: unknown): { host: string; port: number } {
  const m = typeof v === 'string' ? /^(?:https?:\/\/)?(\[[^\]]+\]|[^:]+):(\d+)\/?$/.exec(v) : null
  if (!m) fail(path, `expected host:port, got ${JSON.stringify(v)}`)
  return { host: m[1].replace(/^\[|\]$/g, ''), port: int(path, Number(m[2]), 0, 65535) }
}

/** `monitor`: "host:port", or { address, token | tokenFile, cert, key, ca, min }. */
export function monitorOf(path: string, v: unknown, baseDir: string): MonitorConfig | undefined {
  if (v === undefined || v === null || v === false) return undefined
  if (typeof v === 'string') return monitorHostPort(path, v)
  if (typeof v !== 'object' || Array.isArray(v)) fail(path, 'expected host:port, or an object with "address"')
  const m = v as Record<string, unknown>
  keys(path, m, ['address', 'token', 'tokenFile', 'cert', 'key', 'ca', 'min'])
  const out: MonitorConfig = monitorHostPort(`${path}.address`, m.address)
  if (m.token !== undefined && m.tokenFile !== undefined) fail(path, 'token and tokenFile: give one')
  let token = m.token === undefined ? undefined : text(`${path}.token`, m.token)
  if (m.tokenFile !== undefined) {
    const file = resolve(baseDir, text(`${path}.tokenFile`, m.tokenFile))
    try {
      token = readFileSync(file, 'utf8').trim()
    } catch (err) {
      fail(`${path}.tokenFile`, `cannot read ${file}: ${(err as Error).message}`)
    }
  }
  if (token !== undefined) {
    if (token.length < MIN_TOKEN || /\s/.test(token)) fail(`${path}.${m.token !== undefined ? 'token' : 'tokenFile'}`, `a token is at least ${MIN_TOKEN} characters without spaces (e.g. openssl rand -hex 32)`)
    out.token = token
  }
  const tlsGiven = (['cert', 'key', 'ca', 'min'] as const).filter((k) => m[k] !== undefined)
  if (tlsGiven.length) {
    if (m.cert === undefined || m.key === undefined) fail(path, 'HTTPS needs both cert and key')
    const tls = tlsKeysOf(path, m, { kind: 'tls', host: out.host, port: out.port, tls: { mutual: m.ca !== undefined } }, ['cert', 'key', 'ca', 'min'], baseDir)
    if (tls) out.tls = tls
  }
  return out
}
