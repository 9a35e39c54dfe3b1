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
  /** MEI types it implements under 2B, when 2B is claimed (default: 0x0E, Read Device Identification, alone). */
  meiTypes?: number[]
  /**
   * Report Server ID (11): how many bytes the server id takes. The spec leaves it device specific
   * (§6.13): only with it can the run indicator after the id be found and judged; without it the
   * reply's data stays opaque.
   */
  serverIdLength?: number
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

type Json = Record<string, unknown>

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)
const isArray = (v: unknown): v is unknown[] => Array.isArray(v)
const isInteger = (v: unknown): v is number => Number.isInteger(v)
const isWord = (v: unknown): v is number => isInteger(v) && v >= 0 && v <= 0xffff
const isRange = (v: unknown): v is Range => isArray(v) && v.length === 2 && isWord(v[0]) && isWord(v[1]) && v[0] <= v[1]

const KEYS = ['unit', 'functions', 'diagnostics', 'meiTypes', 'serverIdLength', 'readable', 'writable', 'files', 'fifos', 'identity', 'limits']
const LIMIT_KEYS = ['readBits', 'readRegisters', 'writeBits', 'writeRegisters'] as const

/** Typed readers of one profile's fields: each returns undefined when the field is absent, and names the source and path it rejects. */
class Reader {
  constructor(private readonly source: string) {}

  ranges(path: string, v: unknown): Range[] | undefined {
    if (v === undefined) return undefined
    if (!isArray(v)) fail(this.source, path, 'expected an array of [first, last] ranges')
    return v.map((r, i) => {
      if (!isRange(r)) fail(this.source, `${path}[${i}]`, `expected [first, last] with 0 <= first <= last <= 65535, got ${JSON.stringify(r)}`)
      return [r[0], r[1]]
    })
  }

  integers(path: string, v: unknown, min: number, max: number, what: string): number[] | undefined {
    if (v === undefined) return undefined
    if (!isArray(v) || !v.every((n): n is number => isInteger(n) && n >= min && n <= max)) fail(this.source, path, `expected an array of ${what}`)
    return v
  }

  files(v: unknown): DeviceProfile['files'] {
    if (v === undefined) return undefined
    if (!isArray(v)) fail(this.source, 'files', 'expected an array of { file, records }')
    return v.map((f, i) => {
      if (!isObject(f) || !isInteger(f.file) || !isInteger(f.records)) fail(this.source, `files[${i}]`, `expected { file, records } integers, got ${JSON.stringify(f)}`)
      return { file: f.file, records: f.records }
    })
  }

  identity(v: unknown): Record<string, string> | undefined {
    if (v === undefined) return undefined
    if (!isObject(v)) fail(this.source, 'identity', 'expected an object of object id → value')
    const out: Record<string, string> = {}
    for (const [id, value] of Object.entries(v)) out[id] = typeof value === 'string' ? value : fail(this.source, `identity.${id}`, 'expected a string')
    return out
  }

  limits(v: unknown): DeviceProfile['limits'] {
    if (v === undefined) return undefined
    if (!isObject(v)) fail(this.source, 'limits', 'expected an object')
    const out: NonNullable<DeviceProfile['limits']> = {}
    for (const [k, n] of Object.entries(v)) {
      const key = LIMIT_KEYS.find((l) => l === k) ?? fail(this.source, `limits.${k}`, 'unknown key')
      out[key] = isInteger(n) && n >= 1 ? n : fail(this.source, `limits.${k}`, 'expected a positive integer')
    }
    return out
  }

  tables(path: string, v: unknown): Json {
    if (v === undefined) return {}
    if (!isObject(v)) fail(this.source, path, 'expected an object of ranges per table')
    return v
  }
}

/** Validates a parsed profile. */
export function validateProfile(raw: unknown, source = '(inline)'): DeviceProfile {
  if (!isObject(raw)) fail(source, '(top)', 'expected an object')
  for (const k of Object.keys(raw)) if (!KEYS.includes(k)) fail(source, k, 'unknown key')
  const read = new Reader(source)
  const unit = raw.unit
  if (unit !== undefined && !(isInteger(unit) && unit >= 0 && unit <= 255)) fail(source, 'unit', 'expected 0..255')
  const readable = read.tables('readable', raw.readable)
  const writable = read.tables('writable', raw.writable)
  return {
    unit,
    functions: read.integers('functions', raw.functions, 1, 127, 'function codes 1..127') ?? fail(source, 'functions', 'expected an array of function codes 1..127'),
    diagnostics: read.integers('diagnostics', raw.diagnostics, 0, 0xffff, 'sub-function codes 0..65535'),
    meiTypes: read.integers('meiTypes', raw.meiTypes, 0, 0xff, 'MEI types 0..255'),
    serverIdLength: raw.serverIdLength === undefined ? undefined : isInteger(raw.serverIdLength) && raw.serverIdLength >= 0 && raw.serverIdLength <= 250 ? raw.serverIdLength : fail(source, 'serverIdLength', 'expected an integer 0..250'),
    readable: {
      coils: read.ranges('readable.coils', readable.coils),
      discreteInputs: read.ranges('readable.discreteInputs', readable.discreteInputs),
      holdingRegisters: read.ranges('readable.holdingRegisters', readable.holdingRegisters),
      inputRegisters: read.ranges('readable.inputRegisters', readable.inputRegisters),
    },
    writable: { coils: read.ranges('writable.coils', writable.coils), holdingRegisters: read.ranges('writable.holdingRegisters', writable.holdingRegisters) },
    files: read.files(raw.files),
    fifos: read.integers('fifos', raw.fifos, 0, 0xffff, 'FIFO pointer addresses 0..65535'),
    identity: read.identity(raw.identity),
    limits: read.limits(raw.limits),
  }
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
