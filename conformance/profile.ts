/**
 * A device profile: what a device claims — function codes, diagnostics sub-functions, which
 * address ranges of each table are readable and writable, files, FIFOs, identity objects, and any
 * quantity limits smaller than the spec's. The runner judges replies against it.
 */
import { readFileSync } from 'node:fs'
import { ArgumentError } from '../core/index.ts'

/** An inclusive address range. */
export type Range = [first: number, last: number]

/** What a device claims. */
export interface DeviceProfile {
  /** Unit id to test; the CLI's --unit overrides. */
  unit?: number
  /** Function codes the device implements; others must answer exception 01. */
  functions: number[]
  /** Diagnostics (08) sub-functions it implements, when 08 is claimed. */
  diagnostics?: number[]
  /** Readable ranges per table. */
  readable: { coils?: Range[]; discreteInputs?: Range[]; holdingRegisters?: Range[]; inputRegisters?: Range[] }
  /** Writable ranges (coils, holding registers). */
  writable: { coils?: Range[]; holdingRegisters?: Range[] }
  /** File numbers that exist (14/15), each with its record count. */
  files?: { file: number; records: number }[]
  /** FIFO pointer addresses (18). */
  fifos?: number[]
  /** Identity objects the device should report (2B/0E), id → value. */
  identity?: Record<string, string>
  /** Quantity limits below the spec's, e.g. { readRegisters: 64 }. */
  limits?: { readBits?: number; readRegisters?: number; writeBits?: number; writeRegisters?: number }
}

type Table = keyof DeviceProfile['readable']

/** True when every address of [address, address + quantity) lies in one of the ranges. */
export function covers(ranges: Range[] | undefined, address: number, quantity: number): boolean {
  if (!ranges) return false
  return ranges.some(([first, last]) => address >= first && address + quantity - 1 <= last)
}

/** True when the profile says `address..+quantity` of `table` can be read. */
export function readable(p: DeviceProfile, table: Table, address: number, quantity: number): boolean {
  return covers(p.readable[table], address, quantity)
}

/** True when the profile says the range can be written. */
export function writable(p: DeviceProfile, table: 'coils' | 'holdingRegisters', address: number, quantity: number): boolean {
  return covers(p.writable[table], address, quantity)
}

function fail(source: string, path: string, why: string): never {
  throw new ArgumentError(`profile ${source}: ${path}: ${why}`)
}

function ranges(source: string, path: string, v: unknown): Range[] | undefined {
  if (v === undefined) return undefined
  if (!Array.isArray(v)) fail(source, path, 'expected an array of [first, last] ranges')
  return v.map((r, i) => {
    if (!Array.isArray(r) || r.length !== 2 || !r.every((n) => Number.isInteger(n) && n >= 0 && n <= 0xffff) || r[0] > r[1]) {
      fail(source, `${path}[${i}]`, `expected [first, last] with 0 <= first <= last <= 65535, got ${JSON.stringify(r)}`)
    }
    return [r[0], r[1]] as Range
  })
}

/** Validates a parsed profile. */
export function validateProfile(raw: unknown, source = '(inline)'): DeviceProfile {
  if (typeof raw !== 'object' || raw === null) fail(source, '(top)', 'expected an object')
  const p = raw as Record<string, any>
  for (const k of Object.keys(p)) {
    if (!['unit', 'functions', 'diagnostics', 'readable', 'writable', 'files', 'fifos', 'identity', 'limits'].includes(k)) fail(source, k, 'unknown key')
  }
  if (!Array.isArray(p.functions) || !p.functions.every((f: unknown) => Number.isInteger(f) && (f as number) >= 1 && (f as number) <= 127)) {
    fail(source, 'functions', 'expected an array of function codes 1..127')
  }
  const out: DeviceProfile = {
    unit: p.unit === undefined ? undefined : Number.isInteger(p.unit) && p.unit >= 0 && p.unit <= 255 ? p.unit : fail(source, 'unit', 'expected 0..255'),
    functions: p.functions,
    diagnostics: p.diagnostics,
    readable: {},
    writable: {},
    files: p.files,
    fifos: p.fifos,
    identity: p.identity,
    limits: p.limits,
  }
  for (const t of ['coils', 'discreteInputs', 'holdingRegisters', 'inputRegisters'] as const) out.readable[t] = ranges(source, `readable.${t}`, p.readable?.[t])
  for (const t of ['coils', 'holdingRegisters'] as const) out.writable[t] = ranges(source, `writable.${t}`, p.writable?.[t])
  return out
}

/** Reads and validates a profile file. */
export function loadProfile(path: string): DeviceProfile {
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'))
  } catch (err) {
    throw new ArgumentError(`profile ${path}: ${(err as Error).message}`, { cause: err })
  }
  return validateProfile(raw, path)
}
