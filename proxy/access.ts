/**
 * Who may use a route: its address access list, and what each role may do there (MB-TCP-Security
 * v21 §8.3, role-based client authorization). A guard is compiled once per route; checking a
 * request is a BlockList lookup and a Map lookup. Every refusal says who and why, in words an
 * operator reads in the log.
 */
import { hex, type RequestFacts } from '../core/index.ts'
import { compileAccessList, type AccessMatcher } from '../core/transport/access-list.ts'
import { admits } from './config-checks.ts'
import type { RouteConfig } from './config.ts'
import type { Permission, RolePermissions } from './security-config.ts'

/** Who sends a request: the client's address, its role, and its certificate's subject (tls://). */
export interface Principal {
  /** IP address of the client. */
  address?: string
  /** host:port of the client, for messages. */
  remote?: string
  role?: string
  /** Certificate subject, one line ("CN=operator-1, O=plant"). */
  subject?: string
}

/** "role viewer (CN=viewer-1, O=plant)", "the client at 10.0.0.7:5123 (no role)": who, for messages. */
export function describePrincipal(who: Principal): string {
  const role = who.role === undefined ? 'no role' : `role ${who.role}`
  if (who.subject) return `${JSON.stringify(who.subject)} (${role})`
  return who.remote || who.address ? `the client at ${who.remote ?? who.address} (${role})` : `a client with ${role}`
}

function inUnits(p: Permission, unit: number): boolean {
  return p.units === undefined || p.units.some(([from, to]) => unit >= from && unit <= to)
}

/** The access list and role permissions of one route. */
export class RouteGuard {
  private constructor(
    private readonly access: AccessMatcher | undefined,
    private readonly roles: RolePermissions | undefined,
  ) {}

  /** The guard of `route` (its roles, else the gateway-wide `roles`), or undefined when it has neither an access list nor roles. */
  static of(route: RouteConfig, gatewayRoles: RolePermissions | undefined): RouteGuard | undefined {
    const roles = route.roles ?? gatewayRoles
    if (!route.access && !roles) return undefined
    const what = route.from === route.to ? `the route of unit ${route.from}` : `the route of units ${route.from}-${route.to}`
    return new RouteGuard(route.access ? compileAccessList(route.access, what) : undefined, roles)
  }

  /** Why `who` may not send this request to `unit` (0: a broadcast), or undefined when it may. */
  refusal(who: Principal, unit: number, facts: RequestFacts, name: string): string | undefined {
    const target = unit === 0 ? 'a broadcast' : `unit ${unit}`
    if (this.access) {
      if (who.address === undefined) return `${target} has an access list and the client's address is unknown`
      const denied = this.access.refusal(who.address)
      if (denied) return `${describePrincipal(who)}: ${denied}`
    }
    if (!this.roles) return undefined
    if (who.role === undefined) return `${describePrincipal(who)} may not reach ${target}: it is open to roles ${[...this.roles.keys()].join(', ')}`
    const p = this.roles.get(who.role)
    if (!p) return `${describePrincipal(who)} has no permission for ${target}`
    if (!inUnits(p, unit)) return `${describePrincipal(who)} may not reach ${target}`
    if (p.functions && !admits(p.functions, facts.code, facts.subFunction)) {
      const what = facts.subFunction === undefined ? name : `${name}/${hex(facts.subFunction)}`
      return `${describePrincipal(who)} may not use ${what} on ${target}`
    }
    if (p.readOnly && facts.effect !== 'read') return `${describePrincipal(who)} may only read ${target} (${name} is a ${facts.effect} request)`
    return undefined
  }
}
