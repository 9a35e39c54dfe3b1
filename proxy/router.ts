/**
 * Unit id → bus. A 256-slot table built once from the routes, so routing a request is one lookup.
 */
import type { GatewayConfig, GatewayPolicy, RouteConfig } from './config.ts'

/** Function codes that change a device (refused on read-only routes). */
const WRITE_FUNCTIONS = new Set([0x05, 0x06, 0x0f, 0x10, 0x15, 0x16, 0x17])

/** Where a request goes, or why it does not. */
export type Decision =
  | { kind: 'forward'; bus: string; unit: number; timeout?: number }
  | { kind: 'broadcast'; buses: string[]; reply: boolean }
  | { kind: 'refuse'; exception: number; reason: string }
  | { kind: 'drop'; reason: string }

/** The exception a policy answers with, or undefined for silence. */
export function policyException(policy: GatewayPolicy): number | undefined {
  return policy === 'gatewayPathUnavailable' ? 0x0a : policy === 'gatewayTargetFailedToRespond' ? 0x0b : undefined
}

/** Routes requests by unit id. */
export class Router {
  private readonly table: (RouteConfig | undefined)[] = new Array(256).fill(undefined)
  private readonly broadcastBuses: string[]

  constructor(private readonly config: GatewayConfig) {
    for (const r of config.routes) for (let u = r.from; u <= r.to; u++) this.table[u] = r
    const b = config.policies.broadcast.buses
    this.broadcastBuses = b === 'all' ? config.buses.map((x) => x.name) : b
  }

  /** The route of a client unit id, if any. */
  routeOf(unit: number): RouteConfig | undefined {
    return this.table[unit]
  }

  /** Decides what to do with a request for `unit` with function `fc`. */
  decide(unit: number, fc: number): Decision {
    if (unit === 0) {
      if (!WRITE_FUNCTIONS.has(fc)) return { kind: 'refuse', exception: 0x01, reason: `function ${fc} cannot be broadcast (only writes can)` }
      return { kind: 'broadcast', buses: this.broadcastBuses, reply: this.config.policies.broadcast.reply }
    }
    const route = this.table[unit]
    if (!route) {
      const exception = policyException(this.config.policies.unrouted)
      const reason = `unit ${unit} is not routed`
      return exception === undefined ? { kind: 'drop', reason } : { kind: 'refuse', exception, reason }
    }
    if (route.functions && !route.functions.includes(fc)) {
      return { kind: 'refuse', exception: 0x01, reason: `function ${fc} is not allowed for unit ${unit}` }
    }
    if (route.readOnly && WRITE_FUNCTIONS.has(fc)) return { kind: 'refuse', exception: 0x01, reason: `unit ${unit} is read-only through this gateway` }
    return { kind: 'forward', bus: route.bus, unit: route.unit ?? unit, timeout: route.timeout }
  }
}
