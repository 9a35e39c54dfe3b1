/**
 * The simulator's device description: a JSON file naming units, their tables and initial
 * values, files, FIFOs, identity objects and the unknown-unit policy — and the documented default
 * used when no file is given. Validation errors name the key and say why.
 *
 * {
 *   "unknownUnit": "gatewayTargetFailedToRespond" | "gatewayPathUnavailable" | "ignore",
 *   "single": false,                       // true: the one unit answers every unit id
 *   "units": {
 *     "1": {
 *       "holdingRegisters": { "start": 0, "length": 100, "values": [1, 2, 3] },
 *       "coils": { "sparse": { "10": true, "11": false } },
 *       "files": { "1": [0, 0, 0] }, "fifos": { "1246": [440, 4740] },
 *       "identity": { "0": "Acme", "1": "X-1", "2": "1.0" },
 *       "serverId": "01", "running": true, "exceptionStatus": 0, "zeroMode": true
 *     }
 *   }
 * }
 */
import { readFileSync } from 'node:fs'
import { ArgumentError } from '../errors.ts'
import { MemoryUnit, SequentialBlock, SparseBlock, ServerContext, type UnknownUnitPolicy, UNKNOWN_UNIT_EXCEPTIONS } from '../datastore/index.ts'
import type { DataBlock } from '../datastore/types.ts'
import { createDevice } from '../device/device.ts'
import type { Device } from '../device/types.ts'

/** One table: sequential (start, length, values) or sparse (address → value). */
export interface TableSpec {
  start?: number
  length?: number
  /** Initial values from `start` (array) or at addresses (object). */
  values?: (number | boolean)[] | Record<string, number | boolean>
  sparse?: Record<string, number | boolean>
}

/** One unit of the description. */
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
}

/** A whole device description. */
export interface DeviceFile {
  unknownUnit?: UnknownUnitPolicy
  single?: boolean
  units: Record<string, UnitSpec>
}

/** What buildDevices makes: the server context and each unit's device and data. */
export interface SimulatedDevices {
  context: ServerContext<Device>
  units: Map<number, { device: Device; data: MemoryUnit }>
}

const TABLES = ['coils', 'discreteInputs', 'holdingRegisters', 'inputRegisters'] as const
const UNIT_KEYS = new Set([...TABLES, 'files', 'fifos', 'identity', 'serverId', 'running', 'additionalData', 'exceptionStatus', 'zeroMode'])

function fail(path: string, why: string): never {
  throw new ArgumentError(`device file: ${path}: ${why}`)
}

function int(path: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) fail(path, `expected an integer ${min}..${max}, got ${JSON.stringify(v)}`)
  return v
}

function value(path: string, v: unknown, isBits: boolean): number | boolean {
  if (isBits) {
    if (typeof v === 'boolean') return v
    if (v === 0 || v === 1) return v === 1
    fail(path, `expected true/false (or 0/1), got ${JSON.stringify(v)}`)
  }
  return int(path, v, 0, 0xffff)
}

function table(path: string, spec: TableSpec | undefined, isBits: true): DataBlock<boolean>
function table(path: string, spec: TableSpec | undefined, isBits: false): DataBlock<number>
function table(path: string, spec: TableSpec | undefined, isBits: boolean): DataBlock<boolean> | DataBlock<number> {
  if (spec === undefined) return isBits ? SequentialBlock.bits(0, 0) : SequentialBlock.registers(0, 0)
  if (typeof spec !== 'object' || spec === null) fail(path, 'expected an object')
  for (const k of Object.keys(spec)) if (!['start', 'length', 'values', 'sparse'].includes(k)) fail(`${path}.${k}`, 'unknown key (start, length, values, sparse)')
  if (spec.sparse !== undefined) {
    if (spec.start !== undefined || spec.length !== undefined || spec.values !== undefined) fail(path, '"sparse" excludes start, length and values')
    const entries = Object.entries(spec.sparse).map(([a, v]) => [int(`${path}.sparse key`, Number(a), 0, 0xffff), value(`${path}.sparse.${a}`, v, isBits)] as const)
    return isBits
      ? new SparseBlock(new Map(entries.map(([a, v]) => [a, v === true]))) 
      : new SparseBlock(new Map(entries.map(([a, v]) => [a, Number(v)])))
  }
  const start = spec.start === undefined ? 0 : int(`${path}.start`, spec.start, 0, 0xffff)
  const given = Array.isArray(spec.values) ? spec.values.length : 0
  const length = spec.length === undefined ? Math.max(given, 1) : int(`${path}.length`, spec.length, 0, 0x10000 - start)
  if (given > length) fail(`${path}.values`, `${given} values do not fit length ${length}`)
  const initial: (number | boolean)[] = new Array(length).fill(isBits ? false : 0)
  if (Array.isArray(spec.values)) spec.values.forEach((v, i) => (initial[i] = value(`${path}.values[${i}]`, v, isBits)))
  else if (spec.values !== undefined) {
    for (const [a, v] of Object.entries(spec.values)) {
      const address = int(`${path}.values key`, Number(a), start, start + length - 1)
      initial[address - start] = value(`${path}.values.${a}`, v, isBits)
    }
  }
  return isBits ? SequentialBlock.bits(start, initial.map((v) => v === true)) : SequentialBlock.registers(start, initial.map(Number))
}

function numberedLists(path: string, spec: Record<string, number[]> | undefined, min: number): Record<number, number[]> {
  const out: Record<number, number[]> = {}
  for (const [k, list] of Object.entries(spec ?? {})) {
    const n = int(`${path} key`, Number(k), min, 0xffff)
    if (!Array.isArray(list)) fail(`${path}.${k}`, 'expected an array of registers')
    out[n] = list.map((v, i) => int(`${path}.${k}[${i}]`, v, 0, 0xffff))
  }
  return out
}

function unit(path: string, spec: UnitSpec): { device: Device; data: MemoryUnit } {
  if (typeof spec !== 'object' || spec === null) fail(path, 'expected an object')
  for (const k of Object.keys(spec)) if (!UNIT_KEYS.has(k)) fail(`${path}.${k}`, `unknown key (${[...UNIT_KEYS].join(', ')})`)
  const data = new MemoryUnit({
    coils: table(`${path}.coils`, spec.coils, true),
    discreteInputs: table(`${path}.discreteInputs`, spec.discreteInputs, true),
    holdingRegisters: table(`${path}.holdingRegisters`, spec.holdingRegisters, false),
    inputRegisters: table(`${path}.inputRegisters`, spec.inputRegisters, false),
    files: numberedLists(`${path}.files`, spec.files, 1),
    fifos: numberedLists(`${path}.fifos`, spec.fifos, 0),
    zeroMode: spec.zeroMode ?? true,
  })
  const identity: Record<number, string> | undefined = spec.identity
    ? Object.fromEntries(Object.entries(spec.identity).map(([k, v]) => [int(`${path}.identity key`, Number(k), 0, 255), String(v)]))
    : undefined
  const status = spec.exceptionStatus === undefined ? 0 : int(`${path}.exceptionStatus`, spec.exceptionStatus, 0, 255)
  const device = createDevice({ data, identity, serverId: spec.serverId, running: spec.running ?? true, additionalData: spec.additionalData, exceptionStatus: () => status })
  return { device, data }
}

/** Builds devices and their server context from a description. */
export function buildDevices(spec: DeviceFile): SimulatedDevices {
  if (typeof spec !== 'object' || spec === null || typeof spec.units !== 'object') fail('units', 'a device file needs a "units" object')
  for (const k of Object.keys(spec)) if (!['unknownUnit', 'single', 'units'].includes(k)) fail(k, 'unknown key (unknownUnit, single, units)')
  if (spec.unknownUnit !== undefined && !(spec.unknownUnit in UNKNOWN_UNIT_EXCEPTIONS)) {
    fail('unknownUnit', `expected one of ${Object.keys(UNKNOWN_UNIT_EXCEPTIONS).join(', ')}`)
  }
  const units = new Map<number, { device: Device; data: MemoryUnit }>()
  for (const [id, u] of Object.entries(spec.units)) units.set(int('units key', Number(id), 0, 255), unit(`units.${id}`, u))
  if (units.size === 0) fail('units', 'at least one unit')
  if (spec.single) {
    if (units.size !== 1) fail('single', 'a single-unit context has exactly one unit')
    return { context: ServerContext.single([...units.values()][0].device, { unknownUnit: spec.unknownUnit }), units }
  }
  const context = new ServerContext<Device>({
    units: new Map([...units].map(([id, u]) => [id, u.device])),
    unknownUnit: spec.unknownUnit,
    allowAnyUnit: [...units.keys()].some((id) => id === 0 || id > 247),
  })
  return { context, units }
}

/** Reads and builds a device file. */
export function loadDeviceFile(path: string): SimulatedDevices {
  let spec: DeviceFile
  try {
    spec = JSON.parse(readFileSync(path, 'utf8'))
  } catch (err) {
    throw new ArgumentError(`device file ${path}: ${(err as Error).message}`, { cause: err })
  }
  return buildDevices(spec)
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
