/**
 * Bit access: 01 Read Coils, 02 Read Discrete Inputs, 05 Write Single Coil, 0F Write Multiple Coils.
 */
import { COIL_OFF, COIL_ON, MAX_READ_BITS, MAX_WRITE_BITS } from '../limits.ts'
import { packBits, packedSize, unpackBits } from './bit-packing.ts'
import {
  badValue,
  checkAddressSpan,
  checkByteCount,
  checkRange,
  checkU16,
  expectAtLeast,
  expectLength,
  putU16,
  u16,
} from './field-checks.ts'
import { NEED_MORE, type FunctionSpec, type PduCodec } from './registry.ts'
import { echoReply, fixedReply, openReply, span, type RequestSemantics, type Table } from './semantics.ts'
import type {
  BitsResponse,
  ReadRequest,
  WriteMultipleCoilsRequest,
  WriteMultipleResponse,
  WriteSingleCoil,
} from './types.ts'

type BitReadName = 'readCoils' | 'readDiscreteInputs'

/**
 * Read request, shared by 01-04 (§6.1-§6.4):
 *   fc u8 | starting address u16 | quantity u16
 */
export function readRequestCodec<N extends BitReadName | 'readHoldingRegisters' | 'readInputRegisters'>(
  name: N,
  fc: number,
  max: number,
  section: string,
): PduCodec<ReadRequest<N>> {
  const what = `${name} request`
  const check = (address: number, quantity: number) => {
    checkRange(fc, what, 'quantity', quantity, 1, max, section)
    checkAddressSpan(fc, what, 'address', address, quantity)
  }
  return {
    size(msg) {
      checkU16(fc, what, 'address', msg.address)
      check(msg.address, msg.quantity)
      return 5
    },
    write(msg, buf, o) {
      buf[o] = fc
      putU16(buf, o + 1, msg.address)
      return putU16(buf, o + 3, msg.quantity)
    },
    read(buf, o, end) {
      expectLength(fc, what, end - o, 5)
      const address = u16(buf, o + 1)
      const quantity = u16(buf, o + 3)
      check(address, quantity)
      return { function: name, address, quantity }
    },
    frameLength: () => 5,
  }
}

/** Frame length of a PDU whose byte count sits at `pos` (after the fc) and covers the rest. */
export function byteCountAt(pos: number): (buf: Uint8Array, o: number, end: number) => number {
  return (buf, o, end) => (end - o > pos ? pos + 1 + buf[o + pos] : NEED_MORE)
}

/**
 * Read bits response (§6.1, §6.2):
 *   fc u8 | byte count N u8 | N bytes of bits, first bit in the LSB of the first byte
 */
function bitsResponseCodec<N extends BitReadName>(name: N, fc: number, section: string): PduCodec<BitsResponse<N>> {
  const what = `${name} response`
  const maxBytes = packedSize(MAX_READ_BITS)
  return {
    size(msg) {
      checkRange(fc, what, 'values.length', msg.values.length, 1, MAX_READ_BITS, section)
      return 2 + packedSize(msg.values.length)
    },
    write(msg, buf, o) {
      buf[o] = fc
      buf[o + 1] = packedSize(msg.values.length)
      return packBits(msg.values, buf, o + 2)
    },
    read(buf, o, end) {
      expectAtLeast(fc, what, end - o, 2)
      const count = buf[o + 1]
      checkRange(fc, what, 'byteCount', count, 1, maxBytes, section)
      checkByteCount(fc, what, count, end - o - 2, 'bytes that follow')
      return { function: name, values: unpackBits(buf, o + 2, count * 8) }
    },
    frameLength: byteCountAt(1),
  }
}

function coilValue(fc: number, what: string, raw: number): boolean {
  if (raw === COIL_ON) return true
  if (raw !== COIL_OFF) badValue(fc, what, 'value', raw, '0xFF00 or 0x0000, §6.5')
  return false
}

/**
 * Write Single Coil request and response (§6.5), the response an echo:
 *   fc u8 | output address u16 | value u16 (0xFF00 ON, 0x0000 OFF)
 */
function writeSingleCoilCodec(side: 'request' | 'response'): PduCodec<WriteSingleCoil> {
  const fc = 0x05
  const what = `writeSingleCoil ${side}`
  return {
    size(msg) {
      checkU16(fc, what, 'address', msg.address)
      return 5
    },
    write(msg, buf, o) {
      buf[o] = fc
      putU16(buf, o + 1, msg.address)
      return putU16(buf, o + 3, msg.value ? COIL_ON : COIL_OFF)
    },
    read(buf, o, end) {
      expectLength(fc, what, end - o, 5)
      return { function: 'writeSingleCoil', address: u16(buf, o + 1), value: coilValue(fc, what, u16(buf, o + 3)) }
    },
    frameLength: () => 5,
  }
}

/**
 * Write Multiple Coils request (§6.11):
 *   fc u8 | starting address u16 | quantity u16 (1..1968) | byte count u8 = ceil(q/8) | packed bits
 */
const writeMultipleCoilsRequest: PduCodec<WriteMultipleCoilsRequest> = {
  size(msg) {
    const what = 'writeMultipleCoils request'
    checkU16(0x0f, what, 'address', msg.address)
    checkRange(0x0f, what, 'quantity', msg.values.length, 1, MAX_WRITE_BITS, '§6.11')
    checkAddressSpan(0x0f, what, 'address', msg.address, msg.values.length)
    return 6 + packedSize(msg.values.length)
  },
  write(msg, buf, o) {
    buf[o] = 0x0f
    putU16(buf, o + 1, msg.address)
    putU16(buf, o + 3, msg.values.length)
    buf[o + 5] = packedSize(msg.values.length)
    return packBits(msg.values, buf, o + 6)
  },
  read(buf, o, end) {
    const what = 'writeMultipleCoils request'
    expectAtLeast(0x0f, what, end - o, 6)
    const address = u16(buf, o + 1)
    const quantity = u16(buf, o + 3)
    checkRange(0x0f, what, 'quantity', quantity, 1, MAX_WRITE_BITS, '§6.11')
    checkAddressSpan(0x0f, what, 'address', address, quantity)
    checkByteCount(0x0f, what, buf[o + 5], packedSize(quantity), `ceil(quantity ${quantity} / 8)`)
    expectLength(0x0f, what, end - o, 6 + buf[o + 5])
    return { function: 'writeMultipleCoils', address, values: unpackBits(buf, o + 6, quantity) }
  },
  frameLength: byteCountAt(5),
}

/**
 * Write Multiple Coils / Registers response (§6.11, §6.12):
 *   fc u8 | starting address u16 | quantity u16
 */
export function writeMultipleResponseCodec<N extends 'writeMultipleCoils' | 'writeMultipleRegisters'>(
  name: N,
  fc: number,
  max: number,
  section: string,
): PduCodec<WriteMultipleResponse<N>> {
  const what = `${name} response`
  const check = (address: number, quantity: number) => {
    checkRange(fc, what, 'quantity', quantity, 1, max, section)
    checkAddressSpan(fc, what, 'address', address, quantity)
  }
  return {
    size(msg) {
      checkU16(fc, what, 'address', msg.address)
      check(msg.address, msg.quantity)
      return 5
    },
    write(msg, buf, o) {
      buf[o] = fc
      putU16(buf, o + 1, msg.address)
      return putU16(buf, o + 3, msg.quantity)
    },
    read(buf, o, end) {
      expectLength(fc, what, end - o, 5)
      const address = u16(buf, o + 1)
      const quantity = u16(buf, o + 3)
      check(address, quantity)
      return { function: name, address, quantity }
    },
    frameLength: () => 5,
  }
}

const EIGHT_ONES = [true, true, true, true, true, true, true, true]

/** 01/02: reply of ceil(q/8) data bytes; the padding bits of the last byte are zero (§6.1). */
function readBitsSemantics<N extends BitReadName>(table: Table): RequestSemantics<ReadRequest<N>, BitsResponse<N>> {
  return {
    effect: 'read',
    broadcast: false,
    reply: (pdu) => (pdu.length === 5 ? fixedReply(2 + packedSize(u16(pdu, 3))) : openReply()),
    access: (r) => span(table, r.address, r.quantity, false),
    content: (r, res) => (res.values.slice(r.quantity).some(Boolean) ? 'padding bits of the last byte are not zero (§6.1)' : null),
  }
}

/** 05: the reply echoes the request. */
const writeSingleCoilSemantics: RequestSemantics<WriteSingleCoil> = {
  effect: 'write',
  broadcast: true,
  reply: echoReply,
  access: (r) => span('coils', r.address, 1, true),
}

/** 0F: the reply repeats function, address and quantity. */
const writeMultipleCoilsSemantics: RequestSemantics<WriteMultipleCoilsRequest> = {
  effect: 'write',
  broadcast: true,
  reply: () => fixedReply(5, 5),
  access: (r) => span('coils', r.address, r.values.length, true),
}

/** Specs for 01, 02, 05, 0F. */
export const BIT_FUNCTIONS: FunctionSpec[] = [
  {
    code: 0x01,
    name: 'readCoils',
    family: 'bits',
    request: readRequestCodec('readCoils', 0x01, MAX_READ_BITS, '§6.1'),
    response: bitsResponseCodec('readCoils', 0x01, '§6.1'),
    semantics: readBitsSemantics('coils'),
    examples: () => [{ request: { function: 'readCoils', address: 0x12, quantity: 8 }, response: { function: 'readCoils', values: EIGHT_ONES } }],
  },
  {
    code: 0x02,
    name: 'readDiscreteInputs',
    family: 'bits',
    request: readRequestCodec('readDiscreteInputs', 0x02, MAX_READ_BITS, '§6.2'),
    response: bitsResponseCodec('readDiscreteInputs', 0x02, '§6.2'),
    semantics: readBitsSemantics('discreteInputs'),
    examples: () => [
      { request: { function: 'readDiscreteInputs', address: 0x12, quantity: 8 }, response: { function: 'readDiscreteInputs', values: EIGHT_ONES } },
    ],
  },
  {
    code: 0x05,
    name: 'writeSingleCoil',
    family: 'bits',
    request: writeSingleCoilCodec('request'),
    response: writeSingleCoilCodec('response'),
    semantics: writeSingleCoilSemantics,
    examples: () => [
      { request: { function: 'writeSingleCoil', address: 0x12, value: true }, response: { function: 'writeSingleCoil', address: 0x12, value: true } },
    ],
  },
  {
    code: 0x0f,
    name: 'writeMultipleCoils',
    family: 'bits',
    request: writeMultipleCoilsRequest,
    response: writeMultipleResponseCodec('writeMultipleCoils', 0x0f, MAX_WRITE_BITS, '§6.11'),
    semantics: writeMultipleCoilsSemantics,
    examples: () => [
      {
        request: { function: 'writeMultipleCoils', address: 0x12, values: EIGHT_ONES },
        response: { function: 'writeMultipleCoils', address: 0x12, quantity: 8 },
      },
    ],
  },
]
