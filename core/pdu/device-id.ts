/**
 * 2B Encapsulated Interface Transport (§6.19) with MEI type 0E Read Device Identification (§6.21).
 * Other MEI types (0D CANopen, user types) are carried opaque unless a codec is supplied.
 */
import { MAX_PDU } from '../limits.ts'
import {
  badValue,
  checkByteCount,
  checkRange,
  checkU8,
  expectAtLeast,
  expectLength,
  hexToBytes,
} from './field-checks.ts'
import { NEED_MORE, UNKNOWN_LENGTH, type FunctionSpec, type PduCodec } from './registry.ts'
import { openReply, type Effect, type ReplyRule, type RequestSemantics } from './semantics.ts'
import type {
  DeviceObject,
  EncapsulatedInterfaceTransport,
  Message,
  ReadDeviceIdentificationRequest,
  ReadDeviceIdentificationResponse,
} from './types.ts'

/** MEI type of Read Device Identification. */
export const MEI_READ_DEVICE_ID = 0x0e
/** Read Device ID codes (§6.21). */
export const READ_DEVICE_ID_CODES = { basic: 1, regular: 2, extended: 3, specific: 4 } as const
/** Conformity levels a device may report (§6.21): 01-03, plus 0x80 when individual access is supported. */
export const CONFORMITY_LEVELS: readonly number[] = [0x01, 0x02, 0x03, 0x81, 0x82, 0x83]
/** Bytes before the object list in a Read Device Identification response. */
export const DEVICE_ID_HEADER = 7

/** A codec for one MEI type, keyed into the 2B function by `meiType`. */
export interface MeiCodec<Req = Message, Res = Message> {
  meiType: number
  name: string
  request: PduCodec<Req>
  response: PduCodec<Res>
  /** What requests of this MEI type do; default 'control'. */
  effect?: Effect
  /** The correct reply's shape; default: fc and MEI type echoed, length open. */
  reply?(pdu: Buffer): ReplyRule
}

const FC = 0x2b

/**
 * Read Device Identification request (§6.21):
 *   fc u8 = 0x2B | MEI type u8 = 0x0E | read device id code u8 (1..4) | object id u8
 */
const deviceIdRequest: PduCodec<ReadDeviceIdentificationRequest> = {
  size(msg) {
    const what = 'readDeviceIdentification request'
    checkRange(FC, what, 'readCode', msg.readCode, 1, 4, '§6.21')
    checkU8(FC, what, 'objectId', msg.objectId)
    return 4
  },
  write(msg, buf, o) {
    buf[o] = FC
    buf[o + 1] = MEI_READ_DEVICE_ID
    buf[o + 2] = msg.readCode
    buf[o + 3] = msg.objectId
    return o + 4
  },
  read(buf, o, end) {
    const what = 'readDeviceIdentification request'
    expectLength(FC, what, end - o, 4)
    checkRange(FC, what, 'readCode', buf[o + 2], 1, 4, '§6.21')
    return { function: 'readDeviceIdentification', readCode: buf[o + 2], objectId: buf[o + 3] }
  },
  frameLength: () => 4,
}

/**
 * Read Device Identification response (§6.21):
 *   fc u8 = 0x2B | MEI type u8 = 0x0E | read device id code u8 | conformity level u8 |
 *   more follows u8 (0x00 or 0xFF) | next object id u8 | number of objects u8 |
 *   { object id u8 | object length u8 | value bytes } ×n
 */
const deviceIdResponse: PduCodec<ReadDeviceIdentificationResponse> = {
  size(msg) {
    const what = 'readDeviceIdentification response'
    checkRange(FC, what, 'readCode', msg.readCode, 1, 4, '§6.21')
    if (!CONFORMITY_LEVELS.includes(msg.conformity)) badValue(FC, what, 'conformity', msg.conformity, '01-03 or 81-83, §6.21')
    checkU8(FC, what, 'nextObjectId', msg.nextObjectId)
    checkRange(FC, what, 'objects.length', msg.objects.length, 0, 0xff, '§6.21')
    let size = DEVICE_ID_HEADER
    for (const obj of msg.objects) {
      checkU8(FC, what, 'objects[].id', obj.id)
      const length = Buffer.byteLength(obj.value, 'latin1')
      checkRange(FC, what, 'objects[].value length', length, 0, 0xff, '§6.21')
      size += 2 + length
    }
    checkRange(FC, what, 'PDU size', size, DEVICE_ID_HEADER, MAX_PDU, '§4.1: split across several responses with moreFollows')
    return size
  },
  write(msg, buf, o) {
    buf[o] = FC
    buf[o + 1] = MEI_READ_DEVICE_ID
    buf[o + 2] = msg.readCode
    buf[o + 3] = msg.conformity
    buf[o + 4] = msg.moreFollows ? 0xff : 0x00
    buf[o + 5] = msg.moreFollows ? msg.nextObjectId : 0
    buf[o + 6] = msg.objects.length
    o += DEVICE_ID_HEADER
    for (const obj of msg.objects) {
      buf[o] = obj.id
      const length = buf.write(obj.value, o + 2, 'latin1')
      buf[o + 1] = length
      o += 2 + length
    }
    return o
  },
  read(buf, o, end) {
    const what = 'readDeviceIdentification response'
    expectAtLeast(FC, what, end - o, DEVICE_ID_HEADER)
    const readCode = buf[o + 2]
    checkRange(FC, what, 'readCode', readCode, 1, 4, '§6.21')
    const conformity = buf[o + 3]
    if (!CONFORMITY_LEVELS.includes(conformity)) badValue(FC, what, 'conformity', conformity, '01-03 or 81-83, §6.21')
    const more = buf[o + 4]
    if (more !== 0x00 && more !== 0xff) badValue(FC, what, 'moreFollows', more, '0x00 or 0xFF, §6.21')
    const nextObjectId = buf[o + 5]
    if (more === 0x00 && nextObjectId !== 0) badValue(FC, what, 'nextObjectId', nextObjectId, '0x00 when moreFollows is 0x00, §6.21')
    const count = buf[o + 6]
    const objects: DeviceObject[] = new Array(count)
    let p = o + DEVICE_ID_HEADER
    for (let i = 0; i < count; i++) {
      if (end - p < 2 || end - p - 2 < buf[p + 1]) {
        checkByteCount(FC, `${what} object ${i}`, end - p, p + 2 > end ? 2 : 2 + buf[p + 1], `${count} objects declared`)
      }
      objects[i] = { id: buf[p], value: buf.toString('latin1', p + 2, p + 2 + buf[p + 1]) }
      p += 2 + buf[p + 1]
    }
    expectLength(FC, `${what} (${count} objects)`, end - o, p - o)
    return { function: 'readDeviceIdentification', readCode, conformity, moreFollows: more === 0xff, nextObjectId, objects }
  },
  frameLength(buf, o, end) {
    if (end - o < DEVICE_ID_HEADER) return NEED_MORE
    let p = o + DEVICE_ID_HEADER
    for (let i = buf[o + 6]; i > 0; i--) {
      if (end - p < 2) return NEED_MORE
      p += 2 + buf[p + 1]
      if (p - o > MAX_PDU) return p - o
    }
    return p - o
  },
}

/**
 * Any other MEI type, opaque (§6.19):
 *   fc u8 = 0x2B | MEI type u8 | MEI data bytes
 */
const opaqueMei: PduCodec<EncapsulatedInterfaceTransport> = {
  size(msg) {
    const what = 'encapsulatedInterfaceTransport'
    checkU8(FC, what, 'meiType', msg.meiType)
    const length = 2 + hexToBytes(FC, what, msg.data).length
    checkRange(FC, what, 'PDU size', length, 2, MAX_PDU, '§4.1')
    return length
  },
  write(msg, buf, o) {
    buf[o] = FC
    buf[o + 1] = msg.meiType
    const data = hexToBytes(FC, 'encapsulatedInterfaceTransport', msg.data)
    data.copy(buf, o + 2)
    return o + 2 + data.length
  },
  read(buf, o, end) {
    expectAtLeast(FC, 'encapsulatedInterfaceTransport', end - o, 2)
    return { function: 'encapsulatedInterfaceTransport', meiType: buf[o + 1], data: buf.toString('hex', o + 2, end) }
  },
  frameLength: () => UNKNOWN_LENGTH,
}

/** The MEI 0E codec pair. */
export const READ_DEVICE_ID_MEI: MeiCodec = {
  meiType: MEI_READ_DEVICE_ID,
  name: 'readDeviceIdentification',
  request: deviceIdRequest,
  response: deviceIdResponse,
  effect: 'read',
  // fc, MEI type and read device id code come back as sent; the object list ends the reply.
  reply: () => openReply(3),
}

/** 2B: each MEI type says what it does; unknown types are opaque control requests. */
function meiSemantics(table: Map<number, MeiCodec>): RequestSemantics {
  const mei = (pdu: Buffer) => (pdu.length >= 2 ? table.get(pdu[1]) : undefined)
  return {
    effect: (pdu) => mei(pdu)?.effect ?? 'control',
    subFunction: (pdu) => (pdu.length >= 2 ? pdu[1] : undefined),
    broadcast: false,
    reply: (pdu) => mei(pdu)?.reply?.(pdu) ?? openReply(2),
  }
}

/** Routes one side of 2B to the codec of the PDU's MEI type, or to the opaque codec. */
function meiDispatch(table: Map<number, MeiCodec>, byName: Map<string, MeiCodec>, side: 'request' | 'response'): PduCodec<Message> {
  const pick = (msg: Message): PduCodec<Message> => {
    const mei = typeof msg.function === 'string' ? byName.get(msg.function) : undefined
    return mei ? mei[side] : opaqueMei
  }
  return {
    size: (msg) => pick(msg).size(msg),
    write: (msg, buf, o) => pick(msg).write(msg, buf, o),
    read(buf, o, end) {
      const mei = end - o >= 2 ? table.get(buf[o + 1]) : undefined
      return (mei ? mei[side] : opaqueMei).read(buf, o, end)
    },
    frameLength(buf, o, end) {
      if (end - o < 2) return NEED_MORE
      const mei = table.get(buf[o + 1])
      return mei ? mei[side].frameLength(buf, o, end) : UNKNOWN_LENGTH
    },
  }
}

/** Builds the 2B spec from MEI codecs (Read Device Identification is always included). */
export function encapsulatedInterfaceSpec(extra: readonly MeiCodec[] = []): FunctionSpec {
  const table = new Map<number, MeiCodec>()
  const byName = new Map<string, MeiCodec>()
  for (const mei of [READ_DEVICE_ID_MEI, ...extra]) {
    table.set(mei.meiType, mei)
    byName.set(mei.name, mei)
  }
  return {
    code: FC,
    name: 'encapsulatedInterfaceTransport',
    family: 'mei',
    aliases: [...byName.keys()],
    request: meiDispatch(table, byName, 'request'),
    response: meiDispatch(table, byName, 'response'),
    semantics: meiSemantics(table),
    examples: () => [
      {
        label: 'readDeviceIdentification',
        request: { function: 'readDeviceIdentification', readCode: 1, objectId: 0 },
        response: {
          function: 'readDeviceIdentification',
          readCode: 1,
          conformity: 0x01,
          moreFollows: false,
          nextObjectId: 0,
          objects: [
            { id: 0, value: 'modbridge' },
            { id: 1, value: 'MB' },
            { id: 2, value: '0.1' },
          ],
        },
      },
    ],
  }
}
