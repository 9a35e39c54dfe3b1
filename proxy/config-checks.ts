/**
 * The small checks every part of the gateway configuration is validated with. Each failure is an
 * ArgumentError that names the key and says why: `gateway config: routes[1].units: overlaps …`.
 */
import { ArgumentError, parseAddress, type Address } from '../core/index.ts'

/** Throws the configuration error for `path`. */
export function fail(path: string, why: string): never {
  throw new ArgumentError(`gateway config: ${path}: ${why}`)
}

/** An integer in min..max. */
export function int(path: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) fail(path, `expected an integer ${min}..${max}, got ${JSON.stringify(v)}`)
  return v
}

/** An optional object member: {} when absent. */
export function objectAt(path: string, v: unknown): Record<string, unknown> {
  if (v === undefined) return {}
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'expected an object')
  return v as Record<string, unknown>
}

/** Fails on a key not in `allowed`. */
export function keys(path: string, obj: object, allowed: readonly string[]): void {
  for (const k of Object.keys(obj)) if (!allowed.includes(k)) fail(`${path}.${k}`, `unknown key (expected one of ${allowed.join(', ')})`)
}

/** An address of the grammar. */
export function address(path: string, v: unknown): Address {
  if (typeof v !== 'string') fail(path, 'expected an address string')
  try {
    return parseAddress(v)
  } catch (err) {
    fail(path, (err as Error).message)
  }
}

/** A non-empty string. */
export function text(path: string, v: unknown): string {
  if (typeof v !== 'string' || v === '') fail(path, `expected a non-empty string, got ${JSON.stringify(v)}`)
  return v
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

/** True when an allow-list entry admits a request with this code and sub-function. */
export function admits(rules: readonly FunctionRule[], code: number, sub: number | undefined): boolean {
  return rules.some((r) => r.code === code && (r.sub === undefined || r.sub === sub))
}

/** An array of allow-list entries. */
export function functionRules(path: string, v: unknown): FunctionRule[] {
  if (!Array.isArray(v)) fail(path, 'expected an array of function codes')
  return v.map((f: unknown, j: number) => functionRule(`${path}[${j}]`, f))
}

/** Parses "5", "1-10" or a number into a unit range; `min` is 0 where the broadcast unit may be named. */
export function unitRange(path: string, v: unknown, min = 1): [number, number] {
  if (typeof v === 'number') return [int(path, v, min, 255), v]
  const m = typeof v === 'string' ? /^(\d+)(?:-(\d+))?$/.exec(v.trim()) : null
  if (!m) fail(path, `expected a unit id or range like "1-10", got ${JSON.stringify(v)}`)
  const from = int(path, Number(m[1]), min, 255)
  const to = int(path, Number(m[2] ?? m[1]), from, 255)
  return [from, to]
}
