/**
 * Address access lists: who may connect to a listener, or use a gateway route, by client address.
 * An entry is an IPv4 or IPv6 address or a CIDR block (`10.0.0.0/8`, `fd00::/8`, `::1`). Matching
 * is Node's net.BlockList, which also matches an IPv4-mapped IPv6 address (`::ffff:10.0.0.7`, what
 * a dual-stack listener sees) against IPv4 entries and the other way round.
 *
 * Rule: a `deny` match refuses; otherwise, when `allow` is given, only an `allow` match passes;
 * with neither list everyone passes.
 */
import { BlockList, isIP } from 'node:net'
import { ArgumentError } from '../errors.ts'

/** Allow and deny entries: addresses or CIDR blocks, IPv4 or IPv6. */
export interface AccessList {
  allow?: readonly string[]
  deny?: readonly string[]
}

/** A compiled access list. */
export interface AccessMatcher {
  /** Why `address` (an IP address, as a socket reports it) is refused, or undefined when it may proceed. */
  refusal(address: string): string | undefined
}

/** Checks one entry: returns it trimmed, or throws ArgumentError saying what an entry looks like. */
export function checkAccessEntry(entry: string): string {
  const text = entry.trim()
  const slash = text.indexOf('/')
  const ip = slash < 0 ? text : text.slice(0, slash)
  const family = isIP(ip)
  const prefix = slash < 0 ? undefined : Number(text.slice(slash + 1))
  const max = family === 6 ? 128 : 32
  if (family === 0 || (prefix !== undefined && !(Number.isInteger(prefix) && prefix >= 0 && prefix <= max && /^\d+$/.test(text.slice(slash + 1))))) {
    throw new ArgumentError(`access list entry ${JSON.stringify(entry)} is not an IP address or CIDR block (e.g. 10.0.0.7, 10.0.0.0/8, ::1, fd00::/8)`)
  }
  return text
}

/** Splits a comma-separated list of entries and checks each. */
export function parseAccessEntries(text: string): string[] {
  return text
    .split(',')
    .filter((e) => e.trim() !== '')
    .map(checkAccessEntry)
}

function blockListOf(entries: readonly string[]): BlockList {
  const list = new BlockList()
  for (const entry of entries) {
    const text = checkAccessEntry(entry)
    const slash = text.indexOf('/')
    const ip = slash < 0 ? text : text.slice(0, slash)
    const type = isIP(ip) === 6 ? 'ipv6' : 'ipv4'
    if (slash < 0) list.addAddress(ip, type)
    else list.addSubnet(ip, Number(text.slice(slash + 1)), type)
  }
  return list
}

/** Compiles a list once; `what` names it in refusals ("listener tls://0.0.0.0:802"). */
export function compileAccessList(list: AccessList, what: string): AccessMatcher {
  const allow = list.allow && list.allow.length > 0 ? blockListOf(list.allow) : undefined
  const deny = list.deny && list.deny.length > 0 ? blockListOf(list.deny) : undefined
  return {
    refusal(address) {
      const family = isIP(address)
      if (family === 0) return `${what} cannot check the address ${JSON.stringify(address)}`
      const type = family === 6 ? 'ipv6' : 'ipv4'
      if (deny?.check(address, type)) return `${address} is denied by the access list of ${what}`
      if (allow && !allow.check(address, type)) return `${address} is not in the allow list of ${what}`
      return undefined
    },
  }
}
