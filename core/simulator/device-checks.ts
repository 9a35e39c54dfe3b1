/**
 * The rules of a device file that join several keys, checked after the schema and reported with
 * its errors: tables whose values do not fit them, a single-unit file with more units, points that
 * leave their table, overlap, or hold a value their type cannot, and behaviours that do not suit
 * their point. Every check looks only at parts of the right shape, so a file the schema refused
 * is still checked as far as it can be, without a second report of the same fault.
 */
import type { TableName } from '../datastore/types.ts'
import { behaviourProblems, type BehaviourSpec } from './behaviours.ts'
import { POINT_TYPES, TABLE_NAMES } from './device-schema.ts'
import type { DeviceFile, TableSpec, UnitSpec } from './device-file.ts'
import { formatPath } from './json-path.ts'
import { MAX_POINT_BITS, MAX_STRING_REGISTERS, aType, describePoint, encodePoint, isBitTable, isNumericPoint, resolvePoint, type Point, type PointSpec } from './points.ts'

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function isInt(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max
}

/** The addresses a sequential table holds, or the sparse addresses; undefined when malformed. */
function extent(spec: TableSpec | undefined): { first: number; last: number } | Set<number> | undefined {
  if (spec === undefined) return { first: 0, last: -1 }
  if (!isObject(spec)) return undefined
  if (spec.sparse !== undefined) return isObject(spec.sparse) ? new Set(Object.keys(spec.sparse).map(Number)) : undefined
  const start = spec.start ?? 0
  const given = Array.isArray(spec.values) ? spec.values.length : 0
  const length = spec.length ?? Math.max(given, 1)
  return isInt(start, 0, 0xffff) && isInt(length, 0, 0x10000) ? { first: start, last: start + length - 1 } : undefined
}

function describeExtent(e: { first: number; last: number } | Set<number>): string {
  if (e instanceof Set) return `${e.size} sparse address${e.size === 1 ? '' : 'es'}`
  return e.last < e.first ? 'no addresses' : `${e.first}..${e.last}`
}

function holds(e: { first: number; last: number } | Set<number>, address: number, count: number): boolean {
  if (!(e instanceof Set)) return address >= e.first && address + count - 1 <= e.last
  for (let a = address; a < address + count; a++) if (!e.has(a)) return false
  return true
}

/** Problems of one table that the schema cannot see. */
function tableProblems(path: string, spec: TableSpec | undefined, out: string[]): void {
  if (!isObject(spec)) return
  if (spec.sparse !== undefined) {
    if (spec.start !== undefined || spec.length !== undefined || spec.values !== undefined) out.push(`${path}: "sparse" excludes start, length and values`)
    return
  }
  const start = isInt(spec.start, 0, 0xffff) ? spec.start : spec.start === undefined ? 0 : undefined
  if (start === undefined) return
  if (isInt(spec.length, 0, 0x10000) && start + spec.length > 0x10000) out.push(`${path}.length: expected an integer 0..${0x10000 - start} (start ${start}), got ${spec.length}`)
  const length = isInt(spec.length, 0, 0x10000) ? spec.length : undefined
  if (Array.isArray(spec.values)) {
    if (length !== undefined && spec.values.length > length) out.push(`${path}.values: ${spec.values.length} values do not fit length ${length}`)
    else if (length === undefined && start + spec.values.length > 0x10000) out.push(`${path}.values: ${spec.values.length} values from ${start} run past address 65535`)
  } else if (isObject(spec.values)) {
    const last = start + (length ?? 1) - 1
    for (const key of Object.keys(spec.values)) {
      const a = Number(key)
      if (Number.isInteger(a) && (a < start || a > last)) out.push(`${path}.values: address ${key} is outside the table (${start}..${last})`)
    }
  }
}

/** True when a point's keys have the shapes its checks rely on (the schema reports the rest). */
function wellFormed(spec: unknown): spec is PointSpec {
  if (!isObject(spec)) return false
  return (
    (TABLE_NAMES as readonly unknown[]).includes(spec.table) &&
    (POINT_TYPES as readonly unknown[]).includes(spec.type) &&
    isInt(spec.address, 0, 0xffff) &&
    (spec.length === undefined || isInt(spec.length, 1, MAX_POINT_BITS)) &&
    (spec.scale === undefined || (typeof spec.scale === 'number' && spec.scale > 0)) &&
    (spec.byteOrder === undefined || spec.byteOrder === 'big' || spec.byteOrder === 'little') &&
    (spec.wordOrder === undefined || spec.wordOrder === 'big' || spec.wordOrder === 'little')
  )
}

/** Problems of one point on its own; false when it cannot be placed at all. */
function pointShapeProblems(path: string, spec: PointSpec, out: string[]): boolean {
  const before = out.length
  const bits = isBitTable(spec.table)
  if (bits !== (spec.type === 'bool' || spec.type === 'bits')) {
    out.push(`${path}.type: ${aType(spec.type)} point needs ${bits ? 'a register table (holdingRegisters, inputRegisters)' : 'a bit table (coils, discreteInputs)'}, not ${spec.table}`)
  }
  if (spec.type === 'string' && spec.length === undefined) out.push(`${path}: a string point needs "length" (registers, two characters each)`)
  if (spec.type === 'string' && spec.length !== undefined && spec.length > MAX_STRING_REGISTERS) out.push(`${path}.length: a string point spans at most ${MAX_STRING_REGISTERS} registers (one read), got ${spec.length}`)
  if (spec.length !== undefined && spec.type !== 'string' && spec.type !== 'bits') out.push(`${path}.length: applies to string and bits points only`)
  if (bits && (spec.byteOrder !== undefined || spec.wordOrder !== undefined)) out.push(`${path}: byteOrder and wordOrder apply to register points only`)
  if (spec.scale !== undefined && !isNumericPoint(spec.type)) out.push(`${path}.scale: applies to number points only`)
  const point = resolvePoint('', spec)
  if (point.address + point.count > 0x10000) out.push(`${path}.address: the point's ${point.count} ${bits ? 'bits' : 'registers'} from ${point.address} run past address 65535`)
  return out.length === before
}

/** The copy chain from `name`, when it loops back on itself. */
function copyLoop(name: string, specs: ReadonlyMap<string, PointSpec>): string[] | undefined {
  const chain = [name]
  for (let next = specs.get(name)?.behaviour; next?.kind === 'copy'; next = specs.get(next.of)?.behaviour) {
    // A point copying itself is reported on its own; a loop through others ends where it began.
    if (chain.includes(next.of)) return next.of === name && chain.length > 1 ? [...chain, name] : undefined
    chain.push(next.of)
  }
  return undefined
}

/**
 * Checks the points of one unit; returns the points that are sound (to build), and pushes each
 * problem onto `out`.
 */
export function unitPoints(unitPath: string, unit: UnitSpec, out: string[]): Map<string, Point> {
  const points = new Map<string, Point>()
  if (!isObject(unit) || !isObject(unit.points)) return points
  const offset = unit.zeroMode === false ? 1 : 0
  const specs = new Map<string, PointSpec>()
  for (const [name, spec] of Object.entries(unit.points)) {
    const path = formatPath(['points', name], unitPath)
    if (!wellFormed(spec) || !pointShapeProblems(path, spec, out)) continue
    const point = resolvePoint(name, spec)
    const table = extent(unit[spec.table as TableName] as TableSpec | undefined)
    if (table && !holds(table, point.address + offset, point.count)) {
      out.push(`${path}: ${describePoint(point)} is not all in the ${point.table} table, which holds ${describeExtent(table)}${offset ? ' (zeroMode is off: protocol address N is table address N+1)' : ''}`)
      continue
    }
    if (spec.value !== undefined) {
      try {
        encodePoint(point, spec.value, true)
      } catch (err) {
        out.push(`${path}.value: ${(err as Error).message}`)
      }
    }
    points.set(name, point)
    specs.set(name, spec)
  }
  const placed = [...points.values()].sort((a, b) => (a.table === b.table ? a.address - b.address : a.table < b.table ? -1 : 1))
  for (let i = 0, reach: Point | undefined; i < placed.length; i++) {
    const p = placed[i]
    if (reach && reach.table === p.table && p.address < reach.address + reach.count) {
      out.push(`${formatPath(['points', p.name], unitPath)}: ${describePoint(p)} overlaps point ${JSON.stringify(reach.name)} (${describePoint(reach)})`)
    }
    if (!reach || reach.table !== p.table || p.address + p.count > reach.address + reach.count) reach = p
  }
  for (const [name, spec] of specs) {
    const behaviour = spec.behaviour as BehaviourSpec | undefined
    if (!isObject(behaviour) || typeof behaviour.kind !== 'string') continue
    const path = formatPath(['points', name, 'behaviour'], unitPath)
    for (const [key, why] of behaviourProblems(behaviour, points.get(name)!, points)) out.push(`${key ? `${path}.${key}` : path}: ${why}`)
    const loop = behaviour.kind === 'copy' ? copyLoop(name, specs) : undefined
    if (loop) out.push(`${path}.of: copies form a loop (${loop.join(' → ')})`)
  }
  return points
}

/** Every problem of a device file beyond its schema, as `path: why` lines. */
export function deviceFileProblems(file: DeviceFile): string[] {
  const out: string[] = []
  if (!isObject(file) || !isObject(file.units)) return out
  const entries = Object.entries(file.units)
  if (file.single === true && entries.length !== 1) out.push(`single: a single-unit file has exactly one unit, this one has ${entries.length}`)
  if (file.single === true && entries.length === 1 && isObject(entries[0][1]) && entries[0][1].remote !== undefined) out.push('single: the one unit of a single-unit file must be local, not remote')
  for (const [id, unit] of entries) {
    if (!isObject(unit) || unit.remote !== undefined) continue
    const path = formatPath(['units', id])
    for (const t of TABLE_NAMES) tableProblems(`${path}.${t}`, unit[t] as TableSpec | undefined, out)
    unitPoints(path, unit, out)
  }
  return out
}
