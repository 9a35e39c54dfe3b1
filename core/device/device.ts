/**
 * createDevice: one Modbus device from its data and optional identity, server id, run state and
 * exception status, with serial-line diagnostics attached.
 */
import { ArgumentError, hex } from '../errors.ts'
import { MAX_PDU } from '../limits.ts'
import type { UnitData } from '../datastore/types.ts'
import { SerialDiagnostics } from './diagnostics.ts'
import { DeviceIdentity } from './identity.ts'
import type { Device, DiagnosticsModel, IdentityModel } from './types.ts'

/** The identity a device reports when none is given, and the base a partial identity is laid over. */
export const DEFAULT_IDENTITY: Readonly<Record<number, string>> = Object.freeze({
  0x00: 'modbridge',
  0x01: 'MB-SIM',
  0x02: '0.1',
})

/** The server id a device reports when none is given (§6.13: device specific). */
export const DEFAULT_SERVER_ID = '01'

/** Report Server ID (§6.13) carries a byte count, the server id and the run indicator in one PDU. */
const MAX_SERVER_ID = MAX_PDU - 3

/** Options of createDevice. */
export interface DeviceOptions {
  /** The unit's data tables. */
  data: UnitData
  /**
   * Identification objects `{ id: value }`, laid over {@link DEFAULT_IDENTITY} so the mandatory
   * objects 0-2 are always there; or a ready IdentityModel, used as it is.
   */
  identity?: Readonly<Record<number, string>> | IdentityModel
  /** Report Server ID bytes (§6.13), as a Buffer or hex string; default one byte 0x01. */
  serverId?: Buffer | string
  /** The run indicator of Report Server ID: true sends 0xFF (ON), false 0x00; default true. */
  running?: boolean
  /** Read Exception Status (07): the eight status outputs, 0x00-0xFF; default always 0. */
  exceptionStatus?: () => number
  /** Diagnostics state; default a fresh SerialDiagnostics. */
  diagnostics?: DiagnosticsModel
}

/**
 * Builds a Device. Throws ArgumentError for an identity DeviceIdentity refuses, a server id that
 * is not hex or does not fit a Report Server ID response, or a missing `data`.
 */
export function createDevice(options: DeviceOptions): Device {
  if (!options || typeof options.data !== 'object' || options.data === null) {
    throw new ArgumentError('createDevice: options.data (UnitData) is required')
  }
  const status = options.exceptionStatus ?? (() => 0)
  return {
    data: options.data,
    identity: toIdentity(options.identity),
    diagnostics: options.diagnostics ?? new SerialDiagnostics(),
    serverId: toServerId(options.serverId ?? DEFAULT_SERVER_ID),
    running: options.running ?? true,
    exceptionStatus() {
      const value = status()
      if (!Number.isInteger(value) || value < 0 || value > 0xff) {
        throw new ArgumentError(`exceptionStatus() must return 0x00-0xFF, got ${value}`)
      }
      return value
    },
  }
}

function toIdentity(identity: DeviceOptions['identity']): IdentityModel {
  if (identity && typeof (identity as IdentityModel).read === 'function') return identity as IdentityModel
  return new DeviceIdentity({ ...DEFAULT_IDENTITY, ...(identity as Readonly<Record<number, string>> | undefined) })
}

function toServerId(serverId: Buffer | string): Buffer {
  let bytes: Buffer
  if (Buffer.isBuffer(serverId)) {
    bytes = Buffer.from(serverId)
  } else if (typeof serverId === 'string' && /^([0-9a-fA-F]{2})*$/.test(serverId.replace(/\s+/g, ''))) {
    bytes = Buffer.from(serverId.replace(/\s+/g, ''), 'hex')
  } else {
    throw new ArgumentError(`createDevice: serverId must be a Buffer or a hex string of whole bytes, got ${JSON.stringify(serverId)}`)
  }
  if (bytes.length > MAX_SERVER_ID) {
    throw new ArgumentError(`createDevice: serverId is ${bytes.length} bytes, more than the ${MAX_SERVER_ID} (${hex(MAX_SERVER_ID)}) a response can carry, §6.13`)
  }
  return bytes
}
