/**
 * Unit id → bus, and what the gateway lets through. A 256-slot table built once from the routes,
 * so routing a request is one lookup; everything about the request itself — whether it writes,
 * may be broadcast, or can be framed by a device on a serial line — comes from the registry.
 *
 * Who may do it (access.ts): a route's address access list and its role permissions (the route's
 * `roles`, else the gateway-wide ones) are checked after the route's own `functions` and
 * `readOnly`; a refusal is exception 01 (MB-TCP-Security v21 §8.3: an unauthorized request is
 * answered Illegal Function) and is marked `denied` so the gateway logs who was refused.
 */
import { defaultRegistry, EXCEPTION_CODES, hex, type Registry } from '../core/index.ts'
import { unforwardable } from './request-checks.ts'
import { RouteGuard, type Principal } from './access.ts'
import { admits } from './config-checks.ts'
import type { GatewayConfig, GatewayPolicy, RouteConfig } from './config.ts'

export type { Principal } from './access.ts'

/** Where a request goes, or why it does not. */
export type Decision =
  | { kind: 'forward'; bus: string; unit: number; timeout?: number }
  | { kind: 'broadcast'; buses: string[]; reply: boolean }
  | { kind: 'refuse'; exception: number; reason: string; denied?: true }
  | { kind: 'drop'; reason: string }

/** The exception a policy answers with, or undefined for silence. */
export function policyException(policy: GatewayPolicy): number | undefined {
  return policy === 'ignore' ? undefined : EXCEPTION_CODES[policy]
}

/** A caller with no address and no role: what `decide` assumes when not told who asks. */
const NOBODY: Principal = {}

/** Routes requests by unit id. */
export class Router {
  private readonly table: (RouteConfig | undefined)[] = new Array(256).fill(undefined)
  /** The access list and role permissions of each guarded route; undefined for an open one. */
  private readonly guards = new Map<RouteConfig, RouteGuard>()
  private readonly broadcastBuses: string[]
  /** The guards of the routes whose buses a broadcast reaches. */
  private readonly broadcastGuards: RouteGuard[]

  constructor(
    private readonly config: GatewayConfig,
    private readonly registry: Registry = defaultRegistry,
  ) {
    for (const r of config.routes) {
      for (let u = r.from; u <= r.to; u++) this.table[u] = r
      const guard = RouteGuard.of(r, config.roles)
      if (guard) this.guards.set(r, guard)
    }
    const b = config.policies.broadcast.buses
    this.broadcastBuses = b === 'all' ? config.buses.map((x) => x.name) : b
    this.broadcastGuards = config.routes.filter((r) => this.broadcastBuses.includes(r.bus) && this.guards.has(r)).map((r) => this.guards.get(r)!)
  }

  /** The route of a client unit id, if any. */
  routeOf(unit: number): RouteConfig | undefined {
    return this.table[unit]
  }

  /**
   * Decides what to do with the request PDU `pdu` for `unit`, asked by `who` (its address and role;
   * without it, a caller with neither, which guarded routes refuse).
   */
  decide(unit: number, pdu: Buffer, who: Principal = NOBODY): Decision {
    // The path first (spec §7, and a gateway's 0x0A/0x0B): a unit with no route gets the unrouted
    // policy whatever it asks — silence with "ignore", as the absent device would give.
    if (unit !== 0 && !this.table[unit]) {
      const exception = policyException(this.config.policies.unrouted)
      const reason = `unit ${unit} is not routed`
      return exception === undefined ? { kind: 'drop', reason } : { kind: 'refuse', exception, reason }
    }
    const bad = unforwardable(this.registry, pdu)
    if (bad) return { kind: 'refuse', exception: bad.exception, reason: bad.reason }
    const facts = this.registry.facts(pdu)
    const name = this.registry.nameOf(facts.code)
    if (unit === 0) {
      if (!facts.broadcast) return { kind: 'refuse', exception: EXCEPTION_CODES.illegalFunction, reason: `${name} cannot be broadcast (only writes can)` }
      // A broadcast reaches every unit behind its buses: each guarded route there must admit it.
      for (const guard of this.broadcastGuards) {
        const why = guard.refusal(who, 0, facts, name)
        if (why) return { kind: 'refuse', exception: EXCEPTION_CODES.illegalFunction, reason: why, denied: true }
      }
      return { kind: 'broadcast', buses: this.broadcastBuses, reply: this.config.policies.broadcast.reply }
    }
    const route = this.table[unit]!
    if (route.functions && !admits(route.functions, facts.code, facts.subFunction)) {
      const what = facts.subFunction === undefined ? name : `${name}/${hex(facts.subFunction)}`
      return { kind: 'refuse', exception: EXCEPTION_CODES.illegalFunction, reason: `${what} is not allowed for unit ${unit}` }
    }
    if (route.readOnly && facts.effect !== 'read') {
      return { kind: 'refuse', exception: EXCEPTION_CODES.illegalFunction, reason: `unit ${unit} is read-only through this gateway (${name} is a ${facts.effect} request)` }
    }
    const guard = this.guards.get(route)
    const why = guard?.refusal(who, unit, facts, name)
    if (why) return { kind: 'refuse', exception: EXCEPTION_CODES.illegalFunction, reason: why, denied: true }
    return { kind: 'forward', bus: route.bus, unit: route.unit ?? unit, timeout: route.timeout }
  }
}
