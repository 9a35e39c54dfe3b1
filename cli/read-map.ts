/**
 * `read --map device.json --name flow`: reads named points through a device file's map — the
 * table, address, count, type, byte and word order and scale of each come from the file — and
 * prints them as the typed reads do (values decoded by value-types.ts), labelled by name and unit.
 * Points next to each other in one table are read in one request; nothing is sent until the map
 * has been checked and every name found.
 */
import { ArgumentError } from '../core/errors.ts'
import type { ModbusClient } from '../core/client/client.ts'
import { MAX_READ_BITS, MAX_READ_REGISTERS } from '../core/limits.ts'
import { readDeviceFile } from '../core/simulator/device-file.ts'
import { unitPoints } from '../core/simulator/device-checks.ts'
import { isBitTable, scaleRaw, type Point } from '../core/simulator/points.ts'
import { closest } from './addressing.ts'
import type { Plan } from './client-run.ts'
import type { Result } from './render.ts'
import { decodeRegisters, type TypedValue, type ValueType } from './value-types.ts'

/** `read --map` after yargs. */
export interface MapReadArgs {
  map: string
  name?: string[]
  all?: boolean
  unit?: number
}

/** Points read in one request: one table, adjacent addresses. */
interface Group {
  table: Point['table']
  address: number
  count: number
  points: Point[]
}

/** Chooses the points of `unit` that the names ask for (or all), in the order asked. */
function selectPoints(file: string, points: ReadonlyMap<string, Point>, unit: number, args: MapReadArgs, units: string[]): Point[] {
  if (points.size === 0) {
    const others = units.length ? `; its units: ${units.join(', ')} (choose one with --unit)` : ''
    throw new ArgumentError(`read --map ${file}: unit ${unit} has no points${others}`)
  }
  if (args.all) return [...points.values()]
  const names = [...points.keys()]
  return (args.name ?? []).map((name) => {
    const point = points.get(name)
    if (point) return point
    const guess = closest(name, names)
    throw new ArgumentError(`read --map ${file}: no point ${JSON.stringify(name)} in unit ${unit}${guess ? `; did you mean ${guess}?` : ''} (points: ${names.join(', ')})`)
  })
}

/** Groups points into requests: adjacent addresses of one table, within one request's limit. */
function groupPoints(points: readonly Point[]): Group[] {
  const sorted = [...new Set(points)].sort((a, b) => (a.table === b.table ? a.address - b.address : a.table < b.table ? -1 : 1))
  const groups: Group[] = []
  for (const p of sorted) {
    const last = groups[groups.length - 1]
    const limit = isBitTable(p.table) ? MAX_READ_BITS : MAX_READ_REGISTERS
    if (last && last.table === p.table && last.address + last.count === p.address && last.count + p.count <= limit) {
      last.count += p.count
      last.points.push(p)
    } else groups.push({ table: p.table, address: p.address, count: p.count, points: [p] })
  }
  return groups
}

async function readGroup(client: ModbusClient, unit: number, g: Group): Promise<number[] | boolean[]> {
  switch (g.table) {
    case 'coils':
      return client.readCoils(unit, g.address, g.count)
    case 'discreteInputs':
      return client.readDiscreteInputs(unit, g.address, g.count)
    case 'holdingRegisters':
      return client.readHoldingRegisters(unit, g.address, g.count)
    case 'inputRegisters':
      return client.readInputRegisters(unit, g.address, g.count)
  }
}

/** A point's value from its slice of a reply, decoded as the typed reads decode. */
function pointValue(point: Point, raw: readonly number[] | readonly boolean[]): { shown: TypedValue | boolean; json: unknown } {
  if (point.type === 'bool') return { shown: raw[0] as boolean, json: raw[0] }
  if (point.type === 'bits') {
    const bits = raw as boolean[]
    return { shown: bits.map((b) => (b ? '1' : '0')).join(''), json: bits }
  }
  const [value] = decodeRegisters(raw as number[], point.type as ValueType, point.order)
  const scaled = typeof value === 'string' ? value : scaleRaw(point, value)
  return { shown: scaled, json: scaled }
}

/** Plans `read --map`: checks the map and the names now, reads when sent. */
export function planMapRead(args: MapReadArgs): Plan {
  const file = args.map
  if (args.all && args.name?.length) throw new ArgumentError('read --map: give --name or --all, not both')
  if (!args.all && !args.name?.length) throw new ArgumentError('read --map needs --name NAME (repeatable) or --all')
  const spec = readDeviceFile(file)
  const pointsOf = (unit: number): Point[] => {
    const unitSpec = spec.units[String(unit)]
    const points = unitSpec && unitSpec.remote === undefined ? unitPoints(`units.${unit}`, unitSpec, []) : new Map<string, Point>()
    const withPoints = Object.keys(spec.units).filter((id) => Object.keys(spec.units[id].points ?? {}).length > 0)
    return selectPoints(file, points, unit, args, withPoints)
  }
  // The command line always has a unit (default 1); the REPL's comes with each send.
  const checked = args.unit === undefined ? undefined : { unit: args.unit, points: pointsOf(args.unit) }
  return {
    describe: `read --map ${file}`,
    async send(client, unit) {
      const selected = checked?.unit === unit ? checked.points : pointsOf(unit)
      const raw = new Map<Point, readonly number[] | readonly boolean[]>()
      for (const g of groupPoints(selected)) {
        const values = await readGroup(client, unit, g)
        for (const p of g.points) raw.set(p, values.slice(p.address - g.address, p.address - g.address + p.count))
      }
      const decoded = selected.map((p) => pointValue(p, raw.get(p)!))
      const result: Result = {
        kind: 'values',
        labels: selected.map((p) => (p.unit ? `${p.name} (${p.unit})` : p.name)),
        values: decoded.map((d) => d.shown),
        json: { points: Object.fromEntries(selected.map((p, i) => [p.name, decoded[i].json])) },
      }
      return result
    },
  }
}
