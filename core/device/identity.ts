/**
 * Device identification objects and their Read Device Identification answers (§6.21, FC 2B / MEI 0E).
 */
import { ArgumentError, PduError, hex } from '../errors.ts'
import { MAX_PDU } from '../limits.ts'
import { DEVICE_ID_HEADER, READ_DEVICE_ID_CODES } from '../pdu/device-id.ts'
import type { DeviceObject, ReadDeviceIdentificationResponse } from '../pdu/types.ts'
import { illegalAddress, illegalValue } from '../datastore/device-exception.ts'
import type { IdentityModel } from './types.ts'

/** The standard object ids of §6.21 (0x07-0x7F are reserved, 0x80-0xFF private). */
export const IDENTITY_OBJECTS = {
  vendorName: 0x00,
  productCode: 0x01,
  majorMinorRevision: 0x02,
  vendorUrl: 0x03,
  productName: 0x04,
  modelName: 0x05,
  userApplicationName: 0x06,
} as const

/** Conformity levels (§6.21): the category plus 0x80, since every DeviceIdentity supports individual access. */
export const CONFORMITY = { basic: 0x81, regular: 0x82, extended: 0x83 } as const

/** Last id of the basic and regular categories; the first private (extended) id. */
const LAST_BASIC = 0x02
const LAST_REGULAR = 0x06
const FIRST_PRIVATE = 0x80

/** The longest value that fits one response: a PDU carrying nothing but this object (253 - 7 - 2). */
export const MAX_OBJECT_LENGTH = MAX_PDU - DEVICE_ID_HEADER - 2

interface Entry {
  id: number
  value: string
  /** Bytes on the wire: id, length, value. */
  size: number
}

/**
 * The identification objects of one device, built from `{ id: value }` (values are latin1
 * strings, as the codec carries them). Objects 0-2 are mandatory; 0x07-0x7F are reserved and
 * refused; a value longer than {@link MAX_OBJECT_LENGTH} could never be sent and is refused too.
 * The conformity level follows from the ids present: 0x81 basic, 0x82 with any of 3-6,
 * 0x83 with any private object.
 */
export class DeviceIdentity implements IdentityModel {
  /** The conformity level this device reports in every response. */
  readonly conformity: number
  private readonly byId = new Map<number, Entry>()
  /** Objects per stream access code 1, 2, 3 (index = read code), in id order. */
  private readonly categories: Entry[][]

  constructor(objects: Readonly<Record<number, string>>) {
    for (const key of Object.keys(objects)) {
      const id = Number(key)
      const value = objects[id]
      if (!Number.isInteger(id) || id < 0 || id > 0xff) {
        throw new ArgumentError(`device identity: object id ${key} is not 0x00-0xFF`)
      }
      if (id > LAST_REGULAR && id < FIRST_PRIVATE) {
        throw new ArgumentError(`device identity: object id ${hex(id)} is reserved (0x07-0x7F), §6.21`)
      }
      if (typeof value !== 'string') {
        throw new ArgumentError(`device identity: object ${hex(id)} must be a string, got ${typeof value}`)
      }
      checkValue(id, value)
      this.byId.set(id, { id, value, size: 2 + value.length })
    }
    for (let id = 0; id <= LAST_BASIC; id++) {
      if (!this.byId.has(id)) throw new ArgumentError(`device identity: mandatory object ${hex(id)} is missing, §6.21 basic category`)
    }
    const all = [...this.byId.values()].sort((a, b) => a.id - b.id)
    const regular = all.filter((e) => e.id <= LAST_REGULAR)
    this.categories = [[], all.filter((e) => e.id <= LAST_BASIC), regular, all]
    // Spec over PyModbus: PyModbus 2.0 always reports 0x83; §6.21 has the level say which
    // categories the device actually holds.
    this.conformity =
      all.length > regular.length ? CONFORMITY.extended : regular.length > LAST_BASIC + 1 ? CONFORMITY.regular : CONFORMITY.basic
  }

  /** The value of object `id`, or undefined when the device does not have it. */
  get(id: number): string | undefined {
    return this.byId.get(id)?.value
  }

  /** Every object, in id order. */
  objects(): DeviceObject[] {
    return this.categories[READ_DEVICE_ID_CODES.extended].map(({ id, value }) => ({ id, value }))
  }

  /**
   * Answers one Read Device Identification request (§6.21).
   *
   * Stream access (codes 1-3) returns the objects of the category from `objectId` on, as many as
   * fit `maxPduSize`, with moreFollows and the id to ask for next when the rest does not fit. An
   * `objectId` that is not an object of the category restarts at its first object, as the spec
   * says to answer as if object 0 had been asked. A category above the device's conformity level
   * is answered at that level (§6.21: "respond in accordance with its actual conformity level"):
   * the categories hold only objects that exist, so asking a basic device for code 3 gives 0-2.
   * The response's readCode echoes the request's.
   *
   * Individual access (code 4) returns exactly `objectId`, or throws illegalAddress (exception
   * 02) when the device does not have it. Any other read code throws illegalValue (exception 03).
   */
  read(readCode: number, objectId: number, maxPduSize: number = MAX_PDU): ReadDeviceIdentificationResponse {
    if (readCode === READ_DEVICE_ID_CODES.specific) {
      const entry = this.byId.get(objectId)
      if (!entry) throw illegalAddress(`read device identification: no object ${hex(objectId)}`)
      this.checkRoom(entry, maxPduSize)
      return this.response(readCode, [{ id: entry.id, value: entry.value }], false, 0)
    }
    if (readCode !== READ_DEVICE_ID_CODES.basic && readCode !== READ_DEVICE_ID_CODES.regular && readCode !== READ_DEVICE_ID_CODES.extended) {
      throw illegalValue(`read device identification: read code ${hex(readCode)} is not 0x01-0x04, §6.21`)
    }
    const category = this.categories[readCode]
    const start = Math.max(0, category.findIndex((e) => e.id === objectId))
    this.checkRoom(category[start], maxPduSize)
    // Spec over PyModbus: PyModbus budgets 253 - 6 bytes and stops one byte early; the header is
    // 7 bytes (fc, MEI, code, conformity, more, next, count) and a PDU may use all 253 (§4.1).
    const objects: DeviceObject[] = []
    let size = DEVICE_ID_HEADER
    for (let i = start; i < category.length; i++) {
      const entry = category[i]
      if (size + entry.size > maxPduSize) return this.response(readCode, objects, true, entry.id)
      size += entry.size
      objects.push({ id: entry.id, value: entry.value })
    }
    return this.response(readCode, objects, false, 0)
  }

  private response(readCode: number, objects: DeviceObject[], moreFollows: boolean, nextObjectId: number): ReadDeviceIdentificationResponse {
    return { function: 'readDeviceIdentification', readCode, conformity: this.conformity, moreFollows, nextObjectId, objects }
  }

  /** A PDU limit too small for the next object would make a client ask for it forever. */
  private checkRoom(entry: Entry, maxPduSize: number): void {
    if (DEVICE_ID_HEADER + entry.size > maxPduSize) {
      throw new ArgumentError(
        `read device identification: maxPduSize ${maxPduSize} cannot carry object ${hex(entry.id)} (needs ${DEVICE_ID_HEADER + entry.size})`,
      )
    }
  }
}

/** Refuses values the codec could not carry: characters above 0xFF, or too long for one PDU. */
function checkValue(id: number, value: string): void {
  if (value.length > MAX_OBJECT_LENGTH) {
    throw new ArgumentError(
      `device identity: object ${hex(id)} is ${value.length} bytes, more than the ${MAX_OBJECT_LENGTH} one PDU can carry (§4.1, §6.21)`,
    )
  }
  for (let i = 0; i < value.length; i++) {
    if (value.charCodeAt(i) > 0xff) {
      throw new ArgumentError(`device identity: object ${hex(id)} has a character above 0xFF at index ${i} (values are latin1)`)
    }
  }
}

/**
 * Merges the responses of a multi-PDU stream read (§6.21), in the order received, back into one
 * object list. Every response but the last must say moreFollows, the last must not, and each
 * continuation must start at the object id the previous response named; otherwise a PduError
 * (MB_ERR_VALUE) says where the sequence broke.
 */
export function reassemble(responses: readonly ReadDeviceIdentificationResponse[]): DeviceObject[] {
  if (responses.length === 0) throw new ArgumentError('reassemble: no responses given')
  const objects: DeviceObject[] = []
  for (let i = 0; i < responses.length; i++) {
    const res = responses[i]
    const last = i === responses.length - 1
    if (res.moreFollows === last) {
      const expected = last ? 'no more (0x00)' : 'more follows (0xFF)'
      throw sequenceError(`response ${i} of ${responses.length}: expected ${expected}, got ${res.moreFollows ? '0xFF' : '0x00'}`, 'moreFollows')
    }
    if (i > 0) {
      const wanted = responses[i - 1].nextObjectId
      const first = res.objects[0]
      if (!first || first.id !== wanted) {
        throw sequenceError(
          `response ${i}: expected to start at object ${hex(wanted)}, got ${first ? hex(first.id) : 'no objects'}`,
          'objects[0].id',
        )
      }
    }
    for (const obj of res.objects) objects.push({ id: obj.id, value: obj.value })
  }
  return objects
}

function sequenceError(message: string, field: string): PduError {
  return new PduError('MB_ERR_VALUE', `read device identification: ${message}`, { functionCode: 0x2b, field })
}
