/**
 * Loads vectors/payload/*.json and turns their JSON spellings into values: hex register strings
 * to numbers, decimal strings of 64-bit types to bigints, "NaN"/"Infinity"/"-Infinity"/"-0" to
 * numbers. Also the per-type build and decode calls the vector tests share.
 */
import { readFileSync } from 'node:fs'
import * as assert from 'uvu/assert'
import type { PayloadBuilder } from '../../core/payload/builder.ts'
import type { PayloadDecoder } from '../../core/payload/decoder.ts'
import type { Endian } from '../../core/payload/byte-order.ts'
import type { StringEncoding } from '../../core/payload/strings.ts'

/** One case of numbers.json or strings-bits-bcd.json, as written. */
export interface ValueCase {
  id: string
  type: string
  direction?: 'build' | 'decode'
  byteOrder?: Endian
  wordOrder?: Endian
  value?: unknown
  decoded?: unknown
  registers?: string[]
  error?: string
  length?: number
  encoding?: StringEncoding
  pad?: number
  trim?: boolean
  bytes?: number
}

/** Reads `vectors/payload/<name>` and returns its cases. */
export function loadCases<T>(name: string): T[] {
  const url = new URL(`../../vectors/payload/${name}`, import.meta.url)
  const data = JSON.parse(readFileSync(url, 'utf8')) as { cases: T[] }
  assert.ok(Array.isArray(data.cases) && data.cases.length > 0, `${name} has no cases`)
  return data.cases
}

/** "0x1234" strings to numbers. */
/** A coils.json case: registers and the coil string they map to (one 0/1 per coil). */
export interface CoilCase {
  id: string
  direction?: 'decode'
  registers?: string[]
  coils: string
  hex?: string
}

/** The numeric and string/bits/BCD value cases, and the coil cases. */
export function payloadCases(): { values: ValueCase[]; coils: CoilCase[] } {
  return {
    values: [...loadCases<ValueCase>('numbers.json'), ...loadCases<ValueCase>('strings-bits-bcd.json')],
    coils: loadCases<CoilCase>('coils.json'),
  }
}

export function parseRegisters(hexes: readonly string[]): number[] {
  return hexes.map((h) => {
    assert.ok(/^0x[0-9A-Fa-f]+$/.test(h), `bad register literal ${h}`)
    return Number.parseInt(h.slice(2), 16)
  })
}

/** Numbers to "0x1234" strings, so that failures show readable diffs. */
export function hexRegisters(regs: readonly number[]): string[] {
  return regs.map((r) => '0x' + r.toString(16).toUpperCase().padStart(4, '0'))
}

const SPECIAL: Record<string, number> = { NaN: Number.NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0 }

/** The JS value a vector spells: 64-bit integer types become bigints. */
export function parseValue(type: string, value: unknown): unknown {
  if (typeof value === 'string' && Object.hasOwn(SPECIAL, value)) return SPECIAL[value]
  if ((type === 'int64' || type === 'uint64') && typeof value === 'string') return BigInt(value)
  return value
}

/** Asserts equality that tells NaN from NaN-less values and -0 from 0. */
export function assertSame(actual: unknown, expected: unknown, msg?: string): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    assert.ok(Object.is(actual, expected), `${msg ?? 'value'}: expected ${Object.is(expected, -0) ? '-0' : expected}, got ${Object.is(actual, -0) ? '-0' : actual}`)
    return
  }
  assert.equal(actual, expected, msg)
}

/** Calls the builder method a vector case names. */
export function buildCase(b: PayloadBuilder, c: ValueCase, value: unknown): PayloadBuilder {
  const v = value as never
  switch (c.type) {
    case 'int8': return b.addInt8(v)
    case 'uint8': return b.addUint8(v)
    case 'int16': return b.addInt16(v)
    case 'uint16': return b.addUint16(v)
    case 'int32': return b.addInt32(v)
    case 'uint32': return b.addUint32(v)
    case 'int64': return b.addInt64(v)
    case 'uint64': return b.addUint64(v)
    case 'float32': return b.addFloat32(v)
    case 'float64': return b.addFloat64(v)
    case 'string': return b.addString(v, { length: c.length, encoding: c.encoding, pad: c.pad })
    case 'bits': return b.addBits(v)
    case 'bcd': return b.addBcd(v, c.bytes as number)
    case 'skip': return b.skip(c.bytes as number)
  }
  throw new TypeError(`vector ${c.id}: unknown type ${c.type}`)
}

/** Calls the decoder method a vector case names; skip returns the offset after skipping. */
export function decodeCase(d: PayloadDecoder, c: ValueCase): unknown {
  switch (c.type) {
    case 'int8': return d.int8()
    case 'uint8': return d.uint8()
    case 'int16': return d.int16()
    case 'uint16': return d.uint16()
    case 'int32': return d.int32()
    case 'uint32': return d.uint32()
    case 'int64': return d.int64()
    case 'uint64': return d.uint64()
    case 'float32': return d.float32()
    case 'float64': return d.float64()
    case 'string': return d.string(c.length as number, { encoding: c.encoding, pad: c.pad, trim: c.trim })
    case 'bits': return d.bits(c.bytes ?? Math.ceil((c.value as unknown[]).length / 8))
    case 'bcd': return d.bcd(c.bytes as number)
    case 'skip': return d.skip(c.bytes as number).offset
  }
  throw new TypeError(`vector ${c.id}: unknown type ${c.type}`)
}

/** The order options a case names (absent fields stay absent, so defaults are exercised). */
export function orderOf(c: { byteOrder?: Endian; wordOrder?: Endian }): { byteOrder?: Endian; wordOrder?: Endian } {
  const out: { byteOrder?: Endian; wordOrder?: Endian } = {}
  if (c.byteOrder !== undefined) out.byteOrder = c.byteOrder
  if (c.wordOrder !== undefined) out.wordOrder = c.wordOrder
  return out
}

/** Runs `fn` and returns what it threw; fails the test if it returned normally. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn()
  } catch (err) {
    return err
  }
  assert.unreachable('expected an error, but the call returned')
}

/** Asserts that `err` is an instance of `cls` carrying `code`. */
export function assertError(err: unknown, cls: abstract new (...args: never[]) => Error, code: string): void {
  assert.instance(err, cls)
  assert.is((err as { code?: unknown }).code, code, `error code (message: ${(err as Error).message})`)
}
