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
  /** Device-specific data Report Server ID sends after the run indicator (§6.13); default none. */
  additionalData?: Buffer | string
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
    ...serverIdParts(options),
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

function toBytes(what: string, value: Buffer | string): Buffer {
  if (Buffer.isBuffer(value)) return Buffer.from(value)
  if (typeof value === 'string' && /^([0-9a-fA-F]{2})*$/.test(value.replace(/\s+/g, ''))) return Buffer.from(value.replace(/\s+/g, ''), 'hex')
  throw new ArgumentError(`createDevice: ${what} must be a Buffer or a hex string of whole bytes, got ${JSON.stringify(value)}`)
}

/** The server id and additional data, which with the run indicator must fit one response (§6.13). */
function serverIdParts(options: DeviceOptions): { serverId: Buffer; additionalData: Buffer } {
  const serverId = toBytes('serverId', options.serverId ?? DEFAULT_SERVER_ID)
  const additionalData = toBytes('additionalData', options.additionalData ?? '')
  const total = serverId.length + additionalData.length
  if (total > MAX_SERVER_ID) {
    const what = additionalData.length ? 'serverId and additionalData are' : 'serverId is'
    throw new ArgumentError(`createDevice: ${what} ${total} bytes, more than the ${MAX_SERVER_ID} (${hex(MAX_SERVER_ID)}) a response can carry, §6.13`)
  }
  return { serverId, additionalData }
}
