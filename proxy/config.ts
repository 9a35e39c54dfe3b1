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
 */
import { readFileSync } from 'node:fs'
import { ArgumentError, parseAddress, type Address, type NetworkAddress } from '../core/index.ts'
import type { ListenerLimits } from '../core/server/listener.ts'

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
}

/** One allow-list entry: a function code, and optionally one sub-function (08) or MEI type (2B). */
export interface FunctionRule {
  code: number
  sub?: number
}

/** Parses an allow-list entry: 3, "3", "0x03", "8/0", "0x2B/0x0E". */
export function functionRule(path: string, v: unknown): FunctionRule {
  const num = (t: string) => (/^0x[0-9a-f]+$/i.test(t) ? parseInt(t, 16) : /^\d+$/.test(t) ? Number(t) : NaN)
  if (typeof v === 'number') return { code: int(path, v, 1, 127) }
  const m = typeof v === 'string' ? /^\s*([^/\s]+)\s*(?:\/\s*([^/\s]+)\s*)?$/.exec(v) : null
  if (!m) fail(path, `expected a function code or "code/sub-function" such as "8/0", got ${JSON.stringify(v)}`)
  const code = int(path, num(m[1]), 1, 127)
  return m[2] === undefined ? { code } : { code, sub: int(path, num(m[2]), 0, 0xffff) }
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
  listen: NetworkAddress[]
  buses: BusConfig[]
  routes: RouteConfig[]
  policies: PolicyConfig
  /** host:port of the live monitor (HTTP + WebSocket), or undefined for none. */
  monitor?: { host: string; port: number }
  /** Limits of every listener (connections, back-pressure, idle time) and the RTU-over-TCP pause; core's defaults when absent. */
  limits?: ListenerLimits & { pauseMs?: number }
}

const LIMIT_KEYS = ['maxConnections', 'maxConnectionsPerAddress', 'idleTimeoutMs', 'maxPendingPerClient', 'maxUnsentBytes', 'hardUnsentBytes', 'pauseMs'] as const

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

function fail(path: string, why: string): never {
  throw new ArgumentError(`gateway config: ${path}: ${why}`)
}

function int(path: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) fail(path, `expected an integer ${min}..${max}, got ${JSON.stringify(v)}`)
  return v
}

/** An optional object member: {} when absent. */
function objectAt(path: string, v: unknown): Record<string, unknown> {
  if (v === undefined) return {}
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'expected an object')
  return v as Record<string, unknown>
}

function keys(path: string, obj: object, allowed: string[]): void {
  for (const k of Object.keys(obj)) if (!allowed.includes(k)) fail(`${path}.${k}`, `unknown key (expected one of ${allowed.join(', ')})`)
}

function address(path: string, v: unknown): Address {
  if (typeof v !== 'string') fail(path, 'expected an address string')
  try {
    return parseAddress(v)
  } catch (err) {
    fail(path, (err as Error).message)
  }
}

/** Parses "5", "1-10" or a number into a unit range. */
export function unitRange(path: string, v: unknown): [number, number] {
  if (typeof v === 'number') return [int(path, v, 0, 255), v]
  const m = typeof v === 'string' ? /^(\d+)(?:-(\d+))?$/.exec(v.trim()) : null
  if (!m) fail(path, `expected a unit id or range like "1-10", got ${JSON.stringify(v)}`)
  const from = int(path, Number(m[1]), 1, 255)
  const to = int(path, Number(m[2] ?? m[1]), from, 255)
  return [from, to]
}

function monitorAddress(path: string, v: unknown): { host: string; port: number } | undefined {
  if (v === undefined || v === null || v === false) return undefined
  const m = typeof v === 'string' ? /^(?:http:\/\/)?(\[[^\]]+\]|[^:]+):(\d+)$/.exec(v) : null
  if (!m) fail(path, `expected host:port, got ${JSON.stringify(v)}`)
  return { host: m[1].replace(/^\[|\]$/g, ''), port: int(path, Number(m[2]), 0, 65535) }
}

/** Validates a parsed JSON configuration. */
export function validateConfig(raw: unknown): GatewayConfig {
  if (typeof raw !== 'object' || raw === null) fail('(top)', 'expected an object')
  const doc = raw as Record<string, unknown>
  keys('(top)', doc, ['listen', 'buses', 'routes', 'policies', 'monitor', 'limits'])
  const listen = (Array.isArray(doc.listen) ? doc.listen : doc.listen === undefined ? ['tcp://127.0.0.1:502'] : fail('listen', 'expected an array of addresses')).map(
    (a: unknown, i: number) => {
      const parsed = address(`listen[${i}]`, a)
      if (parsed.kind !== 'tcp' && parsed.kind !== 'udp' && parsed.kind !== 'rtu+tcp') fail(`listen[${i}]`, 'the gateway listens on tcp://, udp:// or rtu+tcp://')
      return parsed as NetworkAddress
    },
  )
  if (typeof doc.buses !== 'object' || doc.buses === null || Array.isArray(doc.buses)) fail('buses', 'expected an object of named buses')
  const buses: BusConfig[] = []
  for (const [name, entry] of Object.entries(doc.buses)) {
    const path = `buses.${name}`
    if (!/^[A-Za-z0-9_-]+$/.test(name)) fail(path, 'bus names use letters, digits, - and _')
    if (typeof entry !== 'object' || entry === null) fail(path, 'expected an object with "address"')
    const b = entry as Record<string, unknown>
    keys(path, b, ['address', 'timeout', 'retries', 'broadcastDelay', 'guardTime', 'queueLimit', 'queueTimeout', 'maxInFlight'])
    const a = address(`${path}.address`, b.address)
    if (a.kind === 'udp') fail(`${path}.address`, 'a bus is serial (rtu://, ascii://, binary://), rtu+tcp:// or tcp://')
    const serial = a.kind !== 'tcp'
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
    })
  }
  if (buses.length === 0) fail('buses', 'at least one bus')
  const names = new Set(buses.map((b) => b.name))
  if (!Array.isArray(doc.routes)) fail('routes', 'expected an array')
  const routes: RouteConfig[] = doc.routes.map((entry: unknown, i: number) => {
    const path = `routes[${i}]`
    if (typeof entry !== 'object' || entry === null) fail(path, 'expected an object with "units" and "bus"')
    const r = entry as Record<string, unknown>
    keys(path, r, ['units', 'bus', 'unit', 'readOnly', 'functions', 'timeout'])
    const [from, to] = unitRange(`${path}.units`, r.units)
    if (typeof r.bus !== 'string' || !names.has(r.bus)) fail(`${path}.bus`, `no bus named ${JSON.stringify(r.bus)} (buses: ${[...names].join(', ')})`)
    const unit = r.unit === undefined ? undefined : int(`${path}.unit`, r.unit, 1, 247)
    if (unit !== undefined && from !== to) fail(`${path}.unit`, 'remapping to one unit needs a single-unit route')
    if (r.functions !== undefined && !Array.isArray(r.functions)) fail(`${path}.functions`, 'expected an array of function codes')
    return {
      from,
      to,
      bus: r.bus,
      unit,
      readOnly: r.readOnly === undefined ? false : typeof r.readOnly === 'boolean' ? r.readOnly : fail(`${path}.readOnly`, 'expected true or false'),
      functions: r.functions?.map((f: unknown, j: number) => functionRule(`${path}.functions[${j}]`, f)),
      timeout: r.timeout === undefined ? undefined : int(`${path}.timeout`, r.timeout, 1, 600_000),
    }
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
    monitor: monitorAddress('monitor', doc.monitor),
    limits: limitsOf(doc.limits),
  }
}

/** Reads and validates a configuration file. */
export function loadConfig(path: string): GatewayConfig {
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'))
  } catch (err) {
    throw new ArgumentError(`gateway config ${path}: ${(err as Error).message}`, { cause: err })
  }
  return validateConfig(raw)
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
