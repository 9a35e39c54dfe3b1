/**
 * The simulator's device description: a JSON file naming units, their tables and initial
 * values, files, FIFOs, identity objects, named points and their behaviours, remote units and the
 * unknown-unit policy — and the documented default used when no file is given. Its shape is the
 * JSON Schema in device-schema.ts (core/simulator/device-file.schema.json); a file is checked
 * against it and against the rules that join keys, and every problem is reported in one
 * ArgumentError, each as `path: why`.
 *
 * {
 *   "unknownUnit": "gatewayTargetFailedToRespond" | "gatewayPathUnavailable" | "ignore",
 *   "single": false,                       // true: the one unit answers every unit id
 *   "interval": 1000,                      // default update interval of behaviours, ms
 *   "units": {
 *     "1": {
 *       "holdingRegisters": { "start": 0, "length": 100, "values": [1, 2, 3] },
 *       "coils": { "sparse": { "10": true, "11": false } },
 *       "files": { "1": [0, 0, 0] }, "fifos": { "1246": [440, 4740] },
 *       "identity": { "0": "Acme", "1": "X-1", "2": "1.0" },
 *       "serverId": "01", "running": true, "exceptionStatus": 0, "zeroMode": true,
 *       "points": { "flow": { "table": "holdingRegisters", "address": 10, "type": "float32",
 *                             "value": 12.5, "behaviour": { "kind": "sine", "amplitude": 2, "offset": 12, "period": 60000 } } }
 *     },
 *     "2": { "remote": "rtu:///dev/ttyUSB0?baud=19200", "unit": 3 }
 *   }
 * }
 */
import { readFileSync } from 'node:fs'
import { ArgumentError } from '../errors.ts'
import { MemoryUnit, SequentialBlock, SparseBlock, ServerContext, type UnknownUnitPolicy } from '../datastore/index.ts'
import type { DataBlock } from '../datastore/types.ts'
import { createDevice } from '../device/device.ts'
import type { Device } from '../device/types.ts'
import { BehaviourRunner, type BehaviourEntry, type RunnerOptions } from './behaviour-runner.ts'
import { DEFAULT_INTERVAL_MS, type BehaviourSpec } from './behaviours.ts'
import { deviceFileProblems, unitPoints } from './device-checks.ts'
import { encodePoint, isBitTable, type Point, type PointSpec } from './points.ts'
import { schemaErrors } from './schema-errors.ts'

/** One table: sequential (start, length, values) or sparse (address → value). */
export interface TableSpec {
  start?: number
  length?: number
  /** Initial values from `start` (array) or at addresses (object). */
  values?: (number | boolean)[] | Record<string, number | boolean>
  sparse?: Record<string, number | boolean>
}

/**
 * One unit of the description: local (tables, files, …, points) or, with `remote`, a unit
 * forwarded to another device — then `unit` (the unit id there) is its only other key.
 */
export interface UnitSpec {
  coils?: TableSpec
  discreteInputs?: TableSpec
  holdingRegisters?: TableSpec
  inputRegisters?: TableSpec
  files?: Record<string, number[]>
  fifos?: Record<string, number[]>
  identity?: Record<string, string>
  serverId?: string
  running?: boolean
  /** Report Server ID: device-specific data after the run indicator, hex (§6.13). */
  additionalData?: string
  exceptionStatus?: number
  zeroMode?: boolean
  /** Named, typed values at addresses, with optional behaviours (points.ts, behaviours.ts). */
  points?: Record<string, PointSpec>
  /** Remote unit: the address of the device to forward to (tcp://, rtu://, …). */
  remote?: string
  /** Remote unit: the unit id at that address (default: the same id). */
  unit?: number
}

/** A remote unit of a device file. */
export interface RemoteUnitSpec {
  /** Address of the device to forward to. */
  remote: string
  /** Unit id at that address. */
  unit: number
}

/** A whole device description. */
export interface DeviceFile {
  /** A schema reference for editors; ignored. */
  $schema?: string
  unknownUnit?: UnknownUnitPolicy
  single?: boolean
  /** Default update interval of behaviours, ms (default 1000). */
  interval?: number
  units: Record<string, UnitSpec>
}

/** One local unit as built: its device, its data and its named points. */
export interface SimulatedUnit {
  device: Device
  data: MemoryUnit
  points: ReadonlyMap<string, Point>
}

/**
 * What buildDevices makes: the server context and each local unit's device, data and points;
 * the remote units (left out of the context: whoever serves adds their forwarding); and the
 * behaviours, which run only after start().
 */
export interface SimulatedDevices {
  context: ServerContext<Device>
  units: Map<number, SimulatedUnit>
  remotes: Map<number, RemoteUnitSpec>
  behaviours: BehaviourRunner
  /** Starts the behaviours on a timer (behaviours.start). */
  start(options?: RunnerOptions): void
  /** Stops them (behaviours.stop). */
  stop(): void
}

/**
 * One ArgumentError naming every problem, `source` being the file's path when there is one: a
 * line each, numbered so that they stay apart where a message is printed on one line (the CLI).
 */
function problemsError(problems: readonly string[], source?: string): ArgumentError {
  const where = source === undefined ? 'device file' : `device file ${source}`
  if (problems.length === 1) return new ArgumentError(`${where}: ${problems[0]}`)
  return new ArgumentError(`${where}: ${problems.length} problems:\n${problems.map((p, i) => `  (${i + 1}) ${p}`).join('\n')}`)
}

/**
 * Every problem of a device description — its schema's and those of the rules that join keys —
 * as `path: why` lines; empty when it is sound.
 */
export function deviceFileErrors(spec: unknown): string[] {
  return [...schemaErrors(spec), ...deviceFileProblems(spec as DeviceFile)]
}

function table(spec: TableSpec | undefined, isBits: true): DataBlock<boolean>
function table(spec: TableSpec | undefined, isBits: false): DataBlock<number>
function table(spec: TableSpec | undefined, isBits: boolean): DataBlock<boolean> | DataBlock<number> {
  const cell = (v: number | boolean) => (isBits ? v === true || v === 1 : Number(v))
  if (spec === undefined) return isBits ? SequentialBlock.bits(0, 0) : SequentialBlock.registers(0, 0)
  if (spec.sparse !== undefined) {
    const entries = Object.entries(spec.sparse).map(([a, v]) => [Number(a), cell(v)] as const)
    return isBits ? new SparseBlock(new Map(entries as [number, boolean][])) : new SparseBlock(new Map(entries as [number, number][]))
  }
  const start = spec.start ?? 0
  const given = Array.isArray(spec.values) ? spec.values.length : 0
  const length = spec.length ?? Math.max(given, 1)
  const initial: (number | boolean)[] = new Array(length).fill(isBits ? false : 0)
  if (Array.isArray(spec.values)) spec.values.forEach((v, i) => (initial[i] = cell(v)))
  else if (spec.values !== undefined) for (const [a, v] of Object.entries(spec.values)) initial[Number(a) - start] = cell(v)
  return isBits ? SequentialBlock.bits(start, initial as boolean[]) : SequentialBlock.registers(start, initial as number[])
}

function numbered(spec: Record<string, number[]> | undefined): Record<number, number[]> {
  return Object.fromEntries(Object.entries(spec ?? {}).map(([k, list]) => [Number(k), list]))
}

function unit(path: string, spec: UnitSpec, problems: string[]): SimulatedUnit | undefined {
  try {
    const data = new MemoryUnit({
      coils: table(spec.coils, true),
      discreteInputs: table(spec.discreteInputs, true),
      holdingRegisters: table(spec.holdingRegisters, false),
      inputRegisters: table(spec.inputRegisters, false),
      files: numbered(spec.files),
      fifos: numbered(spec.fifos),
      zeroMode: spec.zeroMode ?? true,
    })
    const identity = spec.identity ? Object.fromEntries(Object.entries(spec.identity).map(([k, v]) => [Number(k), v])) : undefined
    const status = spec.exceptionStatus ?? 0
    const device = createDevice({ data, identity, serverId: spec.serverId, running: spec.running ?? true, additionalData: spec.additionalData, exceptionStatus: () => status })
    const points = unitPoints(path, spec, problems)
    for (const point of points.values()) {
      const value = spec.points![point.name].value
      if (value === undefined) continue
      const raw = encodePoint(point, value, true)
      if (isBitTable(point.table)) data.setBits(point.table, point.address, raw as boolean[])
      else data.setRegisters(point.table as 'holdingRegisters' | 'inputRegisters', point.address, raw as number[])
    }
    return { device, data, points }
  } catch (err) {
    if (!(err instanceof ArgumentError)) throw err
    problems.push(`${path}: ${err.message}`)
    return undefined
  }
}

/**
 * Builds devices and their server context from a description, after checking it: every problem
 * found is reported at once in one ArgumentError. Behaviours do not run until start().
 */
export function buildDevices(spec: DeviceFile): SimulatedDevices {
  const problems = deviceFileErrors(spec)
  if (problems.length > 0) throw problemsError(problems)
  return construct(spec)
}

/** Builds a description already checked; `source` names it in errors the building finds. */
function construct(spec: DeviceFile, source?: string): SimulatedDevices {
  const problems: string[] = []
  const units = new Map<number, SimulatedUnit>()
  const remotes = new Map<number, RemoteUnitSpec>()
  const entries: BehaviourEntry[] = []
  const interval = spec.interval ?? DEFAULT_INTERVAL_MS
  for (const [key, u] of Object.entries(spec.units)) {
    const id = Number(key)
    if (u.remote !== undefined) {
      remotes.set(id, { remote: u.remote, unit: u.unit ?? id })
      continue
    }
    const built = unit(`units.${key}`, u, problems)
    if (!built) continue
    units.set(id, built)
    for (const point of built.points.values()) {
      const behaviour = u.points![point.name].behaviour as BehaviourSpec | undefined
      if (!behaviour) continue
      const source = behaviour.kind === 'copy' ? built.points.get(behaviour.of) : undefined
      entries.push({ unit: id, point, behaviour, source, interval: behaviour.interval ?? interval, data: built.data })
    }
  }
  if (problems.length > 0) throw problemsError(problems, source)
  const ids = [...units.keys(), ...remotes.keys()]
  const context = spec.single
    ? ServerContext.single([...units.values()][0].device, { unknownUnit: spec.unknownUnit })
    : new ServerContext<Device>({
        units: new Map([...units].map(([id, u]) => [id, u.device])),
        unknownUnit: spec.unknownUnit,
        allowAnyUnit: ids.some((id) => id === 0 || id > 247),
      })
  const behaviours = new BehaviourRunner(entries)
  return { context, units, remotes, behaviours, start: (options) => behaviours.start(options), stop: () => behaviours.stop() }
}

/** Reads a device file and checks it (every problem in one ArgumentError), without building it. */
export function readDeviceFile(path: string): DeviceFile {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new ArgumentError(`device file ${path}: ${(err as Error).message}`, { cause: err })
  }
  let spec: DeviceFile
  try {
    spec = JSON.parse(text)
  } catch (err) {
    throw new ArgumentError(`device file ${path}: not JSON (${(err as Error).message})`, { cause: err })
  }
  const problems = deviceFileErrors(spec)
  if (problems.length > 0) throw problemsError(problems, path)
  return spec
}

/** Reads, checks and builds a device file. */
export function loadDeviceFile(path: string): SimulatedDevices {
  return construct(readDeviceFile(path), path)
}

/**
 * The default device, unit 1: 10,000 coils, discrete inputs, holding and input registers from
 * address 0 (coils and holding registers 0; discrete input N is on when N is odd; input register N
 * holds N); files 1 and 2 of 10,000 records of 0; a FIFO at 0x04DE holding 440 and 4740 (§6.18's
 * example); identity VendorName "modbridge", ProductCode "MB-SIM", revision "0.1", VendorUrl,
 * ProductName, ModelName; unknown units answer exception 0x0B.
 */
export function defaultDeviceFile(units: number[] = [1]): DeviceFile {
  const out: DeviceFile = { unknownUnit: 'gatewayTargetFailedToRespond', units: {} }
  for (const id of units) {
    out.units[String(id)] = {
      coils: { start: 0, length: 10000 },
      discreteInputs: { start: 0, length: 10000, values: Array.from({ length: 10000 }, (_, i) => i % 2 === 1) },
      holdingRegisters: { start: 0, length: 10000 },
      inputRegisters: { start: 0, length: 10000, values: Array.from({ length: 10000 }, (_, i) => i) },
      files: { '1': new Array(10000).fill(0), '2': new Array(10000).fill(0) },
      fifos: { '1246': [440, 4740] },
      identity: { '0': 'modbridge', '1': 'MB-SIM', '2': '0.1', '3': 'https://example.invalid/modbridge', '4': 'modbridge simulator', '5': `unit ${id}` },
      serverId: (id & 0xff).toString(16).padStart(2, '0'),
    }
  }
  return out
}
