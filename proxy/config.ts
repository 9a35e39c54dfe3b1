/**
 * Gateway configuration: a JSON file, or the same essentials from the command line (mbusd-style),
 * validated on load. Errors name the bad key and say why.
 *
 * {
 *   "listen": ["tcp://0.0.0.0:502", "rtu+tcp://0.0.0.0:4002", "udp://0.0.0.0:502"],
 *   "buses": {
 *     "a": { "address": "rtu:///dev/ttyUSB0?baud=19200&parity=E", "timeout": 1000, "retries": 1,
 *            "broadcastDelay": 100, "queueLimit": 64, "queueTimeout": 3000 },
 *     "b": { "address": "tcp://127.0.0.1:1502", "maxInFlight": 16 }
 *   },
 *   "routes": [
 *     { "units": "1-10", "bus": "a" },
 *     { "units": 20, "bus": "b", "unit": 1, "readOnly": true, "functions": [3, 4], "timeout": 500 }
 *   ],
 *   "policies": {
 *     "unrouted": "gatewayPathUnavailable",
 *     "broadcast": { "buses": "all", "reply": false },
 *     "noResponse": "gatewayTargetFailedToRespond",
 *     "coalesceReads": false
 *   },
 *   "monitor": "127.0.0.1:8020"
 * }
 *
 * Security (security-config.ts): tls:// listeners and buses, `allow`/`deny` access lists on
 * listeners and routes, `roles` (gateway-wide and per route), `defaultRole`, and the monitor's
 * token or client certificate. Relative file paths in a file are taken from the file's folder.
 */
import { readFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { ArgumentError, type Address } from '../core/index.ts'
import type { AccessList } from '../core/transport/access-list.ts'
import type { ListenerLimits } from '../core/server/listener.ts'
import { fail, functionRules, int, keys, objectAt, text, unitRange, type FunctionRule } from './config-checks.ts'
import { accessOf, BUS_TLS_KEYS, busAddressOf, listenOf, monitorOf, rolesOf, type ListenConfig, type MonitorConfig, type RolePermissions } from './security-config.ts'

/** The allow-list and unit-range parsers, and the security types, where configuration users look for them. */
export { functionRule, unitRange, type FunctionRule } from './config-checks.ts'
/** See security-config.ts. */
export type { ListenConfig, MonitorConfig, Permission, RolePermissions } from './security-config.ts'

/** One downstream bus. */
export interface BusConfig {
  name: string
  address: Address
  /** Reply timeout per attempt, ms. Default 1000. */
  timeout: number
  /** Extra attempts after a timeout. Default 1. */
  retries: number
  /** Pause after a broadcast before the next request, ms. Default 100. */
  broadcastDelay: number
  /** After a timeout, how much longer than t3.5 the line must stay quiet before the next request, ms. Default 20. */
  guardTime: number
  /** Requests one client may have waiting on this bus (its share); more of its requests get 0x0A. Default 64. */
  queueLimit: number
  /** How long a request may wait in the queue before it is answered 0x0B, ms. Default 3000. */
  queueTimeout: number
  /** Transactions at once: 1 on serial buses (half duplex); default 16 on Modbus TCP buses. */
  maxInFlight: number
  /** Modbus TCP buses: connections opened to the device, transactions spread over them. Default 1. */
  connections: number
}

/** One route: client unit ids → a bus. */
export interface RouteConfig {
  /** First and last client unit id. */
  from: number
  to: number
  bus: string
  /** Unit id on the bus: unchanged when undefined; a fixed id for a single-unit route. */
  unit?: number
  /** Only requests whose effect is 'read' pass (01-04, 07, 0B, 0C, 11, 14, 18, 2B/0E, 08/00); others get 01. */
  readOnly: boolean
  /** Function codes (and sub-functions) allowed; all when undefined. */
  functions?: FunctionRule[]
  /** Overrides the bus timeout. */
  timeout?: number
  /** Client addresses allowed and denied on this route (others get 01). */
  access?: AccessList
  /** What each role may do on this route; replaces the gateway-wide `roles` for it. */
  roles?: RolePermissions
}

/** What a request gets when the gateway cannot forward it. */
export type GatewayPolicy = 'gatewayPathUnavailable' | 'gatewayTargetFailedToRespond' | 'ignore'

/** Gateway-wide rules. */
export interface PolicyConfig {
  /** A unit no route covers. Default gatewayPathUnavailable (0x0A). */
  unrouted: GatewayPolicy
  /** No reply after retries, or only bad-CRC replies. Default gatewayTargetFailedToRespond (0x0B). */
  noResponse: GatewayPolicy
  /** Unit 0: the buses it goes to, and whether the TCP client gets a reply (the write's echo). */
  broadcast: { buses: 'all' | string[]; reply: boolean }
  /** Identical reads to the same unit in flight together share one bus transaction. Default false. */
  coalesceReads: boolean
}

/** A whole, validated configuration. */
export interface GatewayConfig {
  listen: ListenConfig[]
  buses: BusConfig[]
  routes: RouteConfig[]
  policies: PolicyConfig
  /** What each role may do on every route that has no `roles` of its own. */
  roles?: RolePermissions
  /** The role of a tls:// client whose certificate has no role extension; none: such a client is refused. */
  defaultRole?: string
  /** host:port of the live monitor (HTTP + WebSocket), and what it requires, or undefined for none. */
  monitor?: MonitorConfig
  /** Limits of every listener (connections, back-pressure, idle time) and the RTU-over-TCP pause; core's defaults when absent. */
  limits?: ListenerLimits & { pauseMs?: number }
}

const LIMIT_KEYS = ['maxConnections', 'maxConnectionsPerAddress', 'idleTimeoutMs', 'maxPendingPerClient', 'maxUnsentBytes', 'hardUnsentBytes', 'handshakeTimeoutMs', 'pauseMs'] as const

function limitsOf(v: unknown): (ListenerLimits & { pauseMs?: number }) | undefined {
  if (v === undefined) return undefined
  if (typeof v !== 'object' || v === null) fail('limits', 'expected an object')
  keys('limits', v, [...LIMIT_KEYS])
  const out: ListenerLimits & { pauseMs?: number } = {}
  const given = v as Record<string, unknown>
  for (const k of LIMIT_KEYS) if (given[k] !== undefined) out[k] = int(`limits.${k}`, given[k], k === 'idleTimeoutMs' ? 0 : 1, 1 << 30)
  return out
}

const POLICIES: GatewayPolicy[] = ['gatewayPathUnavailable', 'gatewayTargetFailedToRespond', 'ignore']

/**
 * Validates a parsed JSON configuration. Relative certificate, key, CA and token file paths are
 * taken from `baseDir` (loadConfig passes the file's folder; default the working directory).
 */
export function validateConfig(raw: unknown, baseDir: string = process.cwd()): GatewayConfig {
  if (typeof raw !== 'object' || raw === null) fail('(top)', 'expected an object')
  const doc = raw as Record<string, unknown>
  keys('(top)', doc, ['listen', 'buses', 'routes', 'policies', 'roles', 'defaultRole', 'monitor', 'limits'])
  const listen = (Array.isArray(doc.listen) ? doc.listen : doc.listen === undefined ? ['tcp://127.0.0.1:502'] : fail('listen', 'expected an array of addresses')).map(
    (a: unknown, i: number) => listenOf(`listen[${i}]`, a, baseDir),
  )
  if (typeof doc.buses !== 'object' || doc.buses === null || Array.isArray(doc.buses)) fail('buses', 'expected an object of named buses')
  const buses: BusConfig[] = []
  for (const [name, entry] of Object.entries(doc.buses)) {
    const path = `buses.${name}`
    if (!/^[A-Za-z0-9_-]+$/.test(name)) fail(path, 'bus names use letters, digits, - and _')
    if (typeof entry !== 'object' || entry === null) fail(path, 'expected an object with "address"')
    const b = entry as Record<string, unknown>
    keys(path, b, ['address', 'timeout', 'retries', 'broadcastDelay', 'guardTime', 'queueLimit', 'queueTimeout', 'maxInFlight', 'connections', ...BUS_TLS_KEYS])
    const a = busAddressOf(path, b, baseDir)
    const serial = a.kind !== 'tcp' && a.kind !== 'tls'
    buses.push({
      name,
      address: a,
      timeout: b.timeout === undefined ? 1000 : int(`${path}.timeout`, b.timeout, 1, 600_000),
      retries: b.retries === undefined ? 1 : int(`${path}.retries`, b.retries, 0, 10),
      broadcastDelay: b.broadcastDelay === undefined ? 100 : int(`${path}.broadcastDelay`, b.broadcastDelay, 0, 60_000),
      guardTime: b.guardTime === undefined ? 20 : int(`${path}.guardTime`, b.guardTime, 0, 60_000),
      queueLimit: b.queueLimit === undefined ? 64 : int(`${path}.queueLimit`, b.queueLimit, 1, 100_000),
      queueTimeout: b.queueTimeout === undefined ? 3000 : int(`${path}.queueTimeout`, b.queueTimeout, 1, 600_000),
      maxInFlight: b.maxInFlight === undefined ? (serial ? 1 : 16) : serial ? int(`${path}.maxInFlight`, b.maxInFlight, 1, 1) : int(`${path}.maxInFlight`, b.maxInFlight, 1, 256),
      connections: b.connections === undefined ? 1 : serial ? int(`${path}.connections`, b.connections, 1, 1) : int(`${path}.connections`, b.connections, 1, 64),
    })
  }
  if (buses.length === 0) fail('buses', 'at least one bus')
  const names = new Set(buses.map((b) => b.name))
  if (!Array.isArray(doc.routes)) fail('routes', 'expected an array')
  const routes: RouteConfig[] = doc.routes.map((entry: unknown, i: number) => {
    const path = `routes[${i}]`
    if (typeof entry !== 'object' || entry === null) fail(path, 'expected an object with "units" and "bus"')
    const r = entry as Record<string, unknown>
    keys(path, r, ['units', 'bus', 'unit', 'readOnly', 'functions', 'timeout', 'allow', 'deny', 'roles'])
    const [from, to] = unitRange(`${path}.units`, r.units)
    if (typeof r.bus !== 'string' || !names.has(r.bus)) fail(`${path}.bus`, `no bus named ${JSON.stringify(r.bus)} (buses: ${[...names].join(', ')})`)
    const unit = r.unit === undefined ? undefined : int(`${path}.unit`, r.unit, 1, 247)
    if (unit !== undefined && from !== to) fail(`${path}.unit`, 'remapping to one unit needs a single-unit route')
    const route: RouteConfig = {
      from,
      to,
      bus: r.bus,
      unit,
      readOnly: r.readOnly === undefined ? false : typeof r.readOnly === 'boolean' ? r.readOnly : fail(`${path}.readOnly`, 'expected true or false'),
      functions: r.functions === undefined ? undefined : functionRules(`${path}.functions`, r.functions),
      timeout: r.timeout === undefined ? undefined : int(`${path}.timeout`, r.timeout, 1, 600_000),
    }
    const access = accessOf(path, r)
    if (access) route.access = access
    const roles = rolesOf(`${path}.roles`, r.roles)
    if (roles) route.roles = roles
    return route
  })
  for (let i = 0; i < routes.length; i++) {
    for (let j = 0; j < i; j++) {
      if (routes[i].from <= routes[j].to && routes[j].from <= routes[i].to) fail(`routes[${i}].units`, `overlaps routes[${j}] (${routes[j].from}-${routes[j].to})`)
    }
  }
  const p = objectAt('policies', doc.policies)
  keys('policies', p, ['unrouted', 'broadcast', 'noResponse', 'coalesceReads'])
  const policy = (path: string, v: unknown, dflt: GatewayPolicy): GatewayPolicy => {
    if (v === undefined) return dflt
    if (!POLICIES.includes(v as GatewayPolicy)) fail(path, `expected one of ${POLICIES.join(', ')}`)
    return v as GatewayPolicy
  }
  const bc = objectAt('policies.broadcast', p.broadcast)
  keys('policies.broadcast', bc, ['buses', 'reply'])
  const bcBuses: 'all' | string[] =
    bc.buses === undefined || bc.buses === 'all' ? 'all' : Array.isArray(bc.buses) ? bc.buses.map(String) : fail('policies.broadcast.buses', 'expected "all" or an array of bus names')
  if (bcBuses !== 'all') for (const n of bcBuses) if (!names.has(n)) fail('policies.broadcast.buses', `no bus named ${JSON.stringify(n)}`)
  const roles = rolesOf('roles', doc.roles)
  const defaultRole = doc.defaultRole === undefined ? undefined : text('defaultRole', doc.defaultRole)
  checkRoleNames(listen, routes, roles, defaultRole)
  return {
    listen,
    buses,
    routes,
    policies: {
      unrouted: policy('policies.unrouted', p.unrouted, 'gatewayPathUnavailable'),
      noResponse: policy('policies.noResponse', p.noResponse, 'gatewayTargetFailedToRespond'),
      broadcast: { buses: bcBuses, reply: bc.reply === true },
      coalesceReads: p.coalesceReads === true,
    },
    ...(roles ? { roles } : {}),
    ...(defaultRole !== undefined ? { defaultRole } : {}),
    monitor: monitorOf('monitor', doc.monitor, baseDir),
    limits: limitsOf(doc.limits),
  }
}

/** A default role that no `roles` map names is a typo: it would be refused everywhere. */
function checkRoleNames(listen: ListenConfig[], routes: RouteConfig[], roles: RolePermissions | undefined, defaultRole: string | undefined): void {
  const maps = [roles, ...routes.map((r) => r.roles)].filter((m): m is RolePermissions => m !== undefined)
  if (maps.length === 0) return
  const known = (role: string) => maps.some((m) => m.has(role))
  const names = () => [...new Set(maps.flatMap((m) => [...m.keys()]))].join(', ')
  if (defaultRole !== undefined && !known(defaultRole)) fail('defaultRole', `no roles map names ${JSON.stringify(defaultRole)} (roles: ${names()})`)
  listen.forEach((l, i) => {
    if (l.defaultRole !== undefined && !known(l.defaultRole)) fail(`listen[${i}].defaultRole`, `no roles map names ${JSON.stringify(l.defaultRole)} (roles: ${names()})`)
  })
}

/** Reads and validates a configuration file. */
export function loadConfig(path: string): GatewayConfig {
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'))
  } catch (err) {
    throw new ArgumentError(`gateway config ${path}: ${(err as Error).message}`, { cause: err })
  }
  return validateConfig(raw, dirname(path))
}

/** Command-line essentials, mbusd-style. */
export interface CliConfig {
  listen: string[]
  bus: string[]
  route: string[]
  timeout?: number
  retries?: number
  monitor?: string
}

/** Builds a configuration from `--listen`, `--bus name=address`, `--route 1-10=a`, `--route 20=b:1`, `--timeout`, `--retries`. */
export function configFromCli(args: CliConfig): GatewayConfig {
  const buses: Record<string, object> = {}
  for (const [i, b] of args.bus.entries()) {
    const eq = b.indexOf('=')
    if (eq <= 0) fail(`--bus #${i + 1}`, `expected name=address, got ${JSON.stringify(b)}`)
    buses[b.slice(0, eq)] = { address: b.slice(eq + 1), timeout: args.timeout, retries: args.retries }
  }
  const routes = args.route.map((r, i) => {
    const m = /^([\d-]+)=([A-Za-z0-9_-]+)(?::(\d+))?$/.exec(r)
    if (!m) fail(`--route #${i + 1}`, `expected units=bus or unit=bus:unit, got ${JSON.stringify(r)}`)
    return { units: m[1], bus: m[2], unit: m[3] === undefined ? undefined : Number(m[3]) }
  })
  return validateConfig({ listen: args.listen, buses, routes, monitor: args.monitor })
}
