/**
 * Which device answers a frame, by the rules of the medium:
 * - network (TCP, UDP, RTU over TCP): the unit id selects a device; an unknown unit gets the
 *   context's policy (exception 0x0B, 0x0A, or silence); on RTU over TCP unit 0 is a broadcast,
 *   as on the serial line the client takes it for, elsewhere 0 and 0xFF address a single device;
 * - serial line (SL §2.2): unit 0 is a broadcast — every device executes, none replies; a frame for
 *   a unit not on this server belongs to another device on the multi-drop bus and is ignored.
 */
import { enterClient, leaveClient } from '../datastore/request-client.ts'
import type { Awaitable } from '../datastore/types.ts'
import type { Device } from '../device/types.ts'
import { prepare, type PduWriter } from '../pdu/codec.ts'
import type { RequestHandler } from './handler.ts'
import type { Responder } from './listener.ts'
import { broadcastToLines, forwardToRemote, type RemoteLine, type RemoteUnit } from './remote-unit.ts'

/** What the dispatcher needs of a server context (core/datastore ServerContext fits). */
export interface DeviceDirectory {
  get(unit: number): Device | undefined
  units(): number[]
  unknownUnitException(): number | undefined
  readonly isSingle: boolean
  /** The unit answered by another device (a remote unit), if `unit` is one. */
  remote?(unit: number): RemoteUnit | undefined
  /** Every line remote units are on, once each (a serial broadcast goes to them too). */
  remoteLines?(): RemoteLine[]
}

/** Every device a directory holds (one for a single-device context). */
export function devicesOf(directory: DeviceDirectory): Device[] {
  if (directory.isSingle) {
    const only = directory.get(1)
    return only ? [only] : []
  }
  const out: Device[] = []
  for (const unit of directory.units()) {
    const d = directory.get(unit)
    if (d && !out.includes(d)) out.push(d)
  }
  return out
}

/**
 * Unit ids that address "the device at this IP address" on Modbus/TCP (MB TCP guide §4.4.1.2: the
 * unit id is not used to address a device reached by IP; 0xFF is the value to use, and 0 is
 * accepted for the same). A server with one device answers them as itself.
 */
const DIRECT_UNITS = new Set([0x00, 0xff])

/** The device for a network request: by unit id, or the only device for a direct unit id. */
function networkDevice(directory: DeviceDirectory, unit: number): Device | undefined {
  const device = directory.get(unit)
  if (device || !DIRECT_UNITS.has(unit)) return device
  const units = directory.units()
  return units.length === 1 ? directory.get(units[0]) : undefined
}

/** Dispatches a request that came over a network transport. */
export function dispatchNetwork(directory: DeviceDirectory, handler: RequestHandler, unit: number, pdu: Buffer): Awaitable<PduWriter | null> {
  const remote = directory.remote?.(unit)
  if (remote) return forwardToRemote(remote, pdu)
  const device = networkDevice(directory, unit)
  if (!device) {
    const exception = directory.unknownUnitException()
    return exception === undefined || pdu.length === 0 ? null : prepare({ function: pdu[0] & 0x7f, exception }, 'response')
  }
  device.diagnostics.frameSeen()
  return handler.handle(device, pdu, false)
}

/**
 * The network listener's responder for a directory of devices; data calls see the client as currentClient().
 * `serialFramed` (RTU over TCP): unit 0 is a broadcast as on a serial line — every device executes
 * it and nothing is answered, since the client is a serial master (SL §2.1); other units are
 * selected as on any network transport.
 */
export function serveDevices(directory: DeviceDirectory, handler: RequestHandler, serialFramed = false): Responder {
  return (client, unit, pdu) => {
    const previous = enterClient(client.remote)
    try {
      if (serialFramed && unit === 0) {
        const devices = devicesOf(directory)
        for (const d of devices) d.diagnostics.frameSeen()
        return broadcast(directory, devices, handler, pdu)
      }
      return dispatchNetwork(directory, handler, unit, pdu)
    } finally {
      leaveClient(previous)
    }
  }
}

/** Dispatches a request seen on a serial line shared with other devices; `line` (the port path) is the currentClient(). */
export function dispatchSerial(
  directory: DeviceDirectory,
  devices: readonly Device[],
  handler: RequestHandler,
  unit: number,
  pdu: Buffer,
  line?: string,
): Awaitable<PduWriter | null> {
  const previous = enterClient(line)
  try {
    return dispatchOnLine(directory, devices, handler, unit, pdu)
  } finally {
    leaveClient(previous)
  }
}

function dispatchOnLine(directory: DeviceDirectory, devices: readonly Device[], handler: RequestHandler, unit: number, pdu: Buffer): Awaitable<PduWriter | null> {
  for (const d of devices) d.diagnostics.frameSeen()
  if (unit === 0) return broadcast(directory, devices, handler, pdu)
  const remote = directory.remote?.(unit)
  if (remote) return forwardToRemote(remote, pdu)
  const device = directory.get(unit)
  return device ? handler.handle(device, pdu, false) : null
}

/** A broadcast: every device executes it (writes only: the handler refuses the rest silently), remote lines get it once; no reply. */
function broadcast(directory: DeviceDirectory, devices: readonly Device[], handler: RequestHandler, pdu: Buffer): null {
  for (const d of devices) {
    const done = handler.handle(d, pdu, true)
    if (done instanceof Promise) done.catch(() => {})
  }
  const lines = directory.remoteLines?.()
  if (lines) broadcastToLines(lines, pdu)
  return null
}
