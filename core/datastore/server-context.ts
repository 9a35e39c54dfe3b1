/**
 * ServerContext: the devices a server answers for, by unit id (PyModbus's ModbusServerContext),
 * and what to do about a unit id it does not have.
 */
import { ArgumentError } from '../errors.ts'
import type { RemoteLine, RemoteUnit } from '../server/remote-unit.ts'

/**
 * What a request for an unknown unit id gets: exception 0x0B (gateway target device failed to
 * respond, PyModbus's answer), exception 0x0A (gateway path unavailable), or no reply at all
 * (PyModbus's `ignore_missing_slaves`, and what a device on a serial line does).
 */
export const UNKNOWN_UNIT_EXCEPTIONS = {
  gatewayTargetFailedToRespond: 0x0b,
  gatewayPathUnavailable: 0x0a,
  ignore: undefined,
} as const

/** The unknown-unit policies. */
export type UnknownUnitPolicy = keyof typeof UNKNOWN_UNIT_EXCEPTIONS

/** SL §2.2: individual serial addresses are 1..247; 0 is broadcast and 248..255 are reserved. */
export const MAX_SERIAL_UNIT = 247

/** Options of a ServerContext. */
export interface ServerContextOptions<D> {
  /** Devices by unit id. */
  units: ReadonlyMap<number, D> | Readonly<Record<number, D>>
  /** Default 'gatewayTargetFailedToRespond' (0x0B), as PyModbus answers. */
  unknownUnit?: UnknownUnitPolicy
  /**
   * Accept any unit id 0..255 (a TCP gateway's 255, for instance). Without it unit ids must be
   * 1..247: a serial server must never be configured with the broadcast address 0, and 248..255
   * are reserved on serial lines.
   */
  allowAnyUnit?: boolean
}

/** Options of ServerContext.single. */
export interface SingleContextOptions {
  /** Kept for unknownUnitException(); a single context has no unknown units. */
  unknownUnit?: UnknownUnitPolicy
}

function checkPolicy(policy: string): void {
  if (!Object.hasOwn(UNKNOWN_UNIT_EXCEPTIONS, policy)) {
    throw new ArgumentError(`ServerContext: unknownUnit '${policy}' is not one of ${Object.keys(UNKNOWN_UNIT_EXCEPTIONS).join(', ')}`)
  }
}

/**
 * Devices by unit id. Generic over the device type: a server keeps Device objects here, a test
 * may keep anything. Either one device answers every unit id (`ServerContext.single`) or each
 * unit id has its own (`new ServerContext({ units })`).
 */
export class ServerContext<D> {
  /** What a request for an unknown unit id gets. */
  readonly unknownUnit: UnknownUnitPolicy
  /** Whether unit ids 0 and 248..255 are accepted. */
  readonly allowAnyUnit: boolean
  private readonly devices = new Map<number, D>()
  private readonly remoteUnits = new Map<number, RemoteUnit>()
  private single = false
  private only: D | undefined

  /** A context with one device per unit id; throws ArgumentError for a bad unit id or policy. */
  constructor(options: ServerContextOptions<D>) {
    this.unknownUnit = options.unknownUnit ?? 'gatewayTargetFailedToRespond'
    checkPolicy(this.unknownUnit)
    this.allowAnyUnit = options.allowAnyUnit ?? false
    const units = options.units
    const entries = units instanceof Map ? [...units.entries()] : Object.entries(units)
    for (const [unit, device] of entries) this.add(Number(unit), device)
  }

  /** A context in which `device` answers every unit id 0..255 (PyModbus's `single=True`). */
  static single<D>(device: D, options: SingleContextOptions = {}): ServerContext<D> {
    const context = new ServerContext<D>({ units: new Map(), unknownUnit: options.unknownUnit, allowAnyUnit: true })
    context.single = true
    context.only = device
    return context
  }

  /** True when one device answers every unit id. */
  get isSingle(): boolean {
    return this.single
  }

  /** The device for `unit`, or undefined when there is none (then see unknownUnitException). */
  get(unit: number): D | undefined {
    return this.isSingle ? this.only : this.devices.get(unit)
  }

  /** The configured unit ids, ascending; empty for a single context, which answers them all. */
  units(): number[] {
    return [...this.devices.keys()].sort((a, b) => a - b)
  }

  /** The exception code to answer an unknown unit id with: 0x0B, 0x0A, or undefined for no reply. */
  unknownUnitException(): number | undefined {
    return UNKNOWN_UNIT_EXCEPTIONS[this.unknownUnit]
  }

  /**
   * Adds a device at `unit`: 1..247, or 0..255 with allowAnyUnit. Throws ArgumentError for a
   * single context, a bad unit id, or a unit id already taken (remove it first to replace it).
   */
  add(unit: number, device: D): void {
    this.checkFree(unit)
    this.devices.set(unit, device)
  }

  /** Throws ArgumentError unless `unit` may take a device or a remote unit here. */
  private checkFree(unit: number): void {
    if (this.isSingle) throw new ArgumentError('ServerContext: a single context answers every unit id; build one with { units } to add units')
    if (!(Number.isInteger(unit) && unit >= 0 && unit <= 0xff)) throw new ArgumentError(`ServerContext: unit id ${String(unit)} is outside 0..255`)
    if (!this.allowAnyUnit && (unit === 0 || unit > MAX_SERIAL_UNIT)) {
      const why = unit === 0 ? 'is the broadcast address' : 'is reserved on serial lines'
      throw new ArgumentError(`ServerContext: unit id ${unit} ${why} (SL §2.2: devices are 1..${MAX_SERIAL_UNIT}); pass allowAnyUnit: true for a TCP gateway`)
    }
    if (this.devices.has(unit) || this.remoteUnits.has(unit)) throw new ArgumentError(`ServerContext: unit id ${unit} already has a device; remove it first`)
  }

  /**
   * Makes `unit` a remote unit: its requests go, at frame level, to unit `remoteUnit` (default the
   * same id) on `line` instead of to a local device. Same unit-id rules as {@link add}; a unit is
   * either local or remote.
   */
  addRemote(unit: number, line: RemoteLine, remoteUnit: number = unit): void {
    this.checkFree(unit)
    this.remoteUnits.set(unit, { line, unit: remoteUnit })
  }

  /** The remote unit at `unit`, if it is one. */
  remote(unit: number): RemoteUnit | undefined {
    return this.remoteUnits.get(unit)
  }

  /** Every line that carries a remote unit, once each. */
  remoteLines(): RemoteLine[] {
    return [...new Set([...this.remoteUnits.values()].map((r) => r.line))]
  }

  /** Removes the device or remote unit at `unit`; returns whether there was one. Throws ArgumentError for a single context. */
  remove(unit: number): boolean {
    if (this.isSingle) throw new ArgumentError('ServerContext: a single context answers every unit id; there is no unit to remove')
    return this.devices.delete(unit) || this.remoteUnits.delete(unit)
  }
}
