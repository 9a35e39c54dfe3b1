/**
 * Register access: 03 Read Holding Registers, 04 Read Input Registers, 06 Write Single Register,
 * 10 Write Multiple Registers, 16 Mask Write Register, 17 Read/Write Multiple Registers.
 */
import { MAX_READ_REGISTERS, MAX_RW_READ_REGISTERS, MAX_RW_WRITE_REGISTERS, MAX_WRITE_REGISTERS } from '../limits.ts'
import { byteCountAt, readRequestCodec, writeMultipleResponseCodec } from './bits.ts'
import {
  checkAddressSpan,
  checkByteCount,
  checkRange,
  checkU16,
  checkWords,
  expectAtLeast,
  expectLength,
  putU16,
  readWords,
  u16,
  writeWords,
} from './field-checks.ts'
import type { FunctionSpec, PduCodec } from './registry.ts'
import { echoReply, fixedReply, openReply, span, type RequestSemantics } from './semantics.ts'
import type {
  MaskWriteRegister,
  ReadRequest,
  ReadWriteMultipleRegistersRequest,
  RegistersResponse,
  WriteMultipleRegistersRequest,
  WriteSingleRegister,
} from './types.ts'

type RegisterListName = 'readHoldingRegisters' | 'readInputRegisters' | 'readWriteMultipleRegisters'

/**
 * Register list response (§6.3, §6.4, §6.17):
 *   fc u8 | byte count u8 = 2×N | N registers u16
 */
function registersResponseCodec<N extends RegisterListName>(
  name: N,
  fc: number,
  max: number,
  section: string,
): PduCodec<RegistersResponse<N>> {
  const what = `${name} response`
  return {
    size(msg) {
      checkRange(fc, what, 'values.length', msg.values.length, 1, max, section)
      checkWords(fc, what, 'values', msg.values)
      return 2 + 2 * msg.values.length
    },
    write(msg, buf, o) {
      buf[o] = fc
      buf[o + 1] = 2 * msg.values.length
      return writeWords(buf, o + 2, msg.values)
    },
    read(buf, o, end) {
      expectAtLeast(fc, what, end - o, 2)
      const count = buf[o + 1]
      checkByteCount(fc, what, count, end - o - 2, 'bytes that follow')
      if (count & 1) checkByteCount(fc, what, count, count + 1, 'must be even: 2 bytes per register')
      checkRange(fc, what, 'byteCount', count, 2, 2 * max, section)
      return { function: name, values: readWords(buf, o + 2, count >>> 1) }
    },
    frameLength: byteCountAt(1),
  }
}

/**
 * Write Single Register request and response (§6.6), the response an echo:
 *   fc u8 | register address u16 | value u16
 */
function writeSingleRegisterCodec(side: 'request' | 'response'): PduCodec<WriteSingleRegister> {
  const what = `writeSingleRegister ${side}`
  return {
    size(msg) {
      checkU16(0x06, what, 'address', msg.address)
      checkU16(0x06, what, 'value', msg.value)
      return 5
    },
    write(msg, buf, o) {
      buf[o] = 0x06
      putU16(buf, o + 1, msg.address)
      return putU16(buf, o + 3, msg.value)
    },
    read(buf, o, end) {
      expectLength(0x06, what, end - o, 5)
      return { function: 'writeSingleRegister', address: u16(buf, o + 1), value: u16(buf, o + 3) }
    },
    frameLength: () => 5,
  }
}

/**
 * Write Multiple Registers request (§6.12):
 *   fc u8 | starting address u16 | quantity u16 (1..123) | byte count u8 = 2×q | q registers u16
 */
const writeMultipleRegistersRequest: PduCodec<WriteMultipleRegistersRequest> = {
  size(msg) {
    const what = 'writeMultipleRegisters request'
    checkU16(0x10, what, 'address', msg.address)
    checkRange(0x10, what, 'quantity', msg.values.length, 1, MAX_WRITE_REGISTERS, '§6.12')
    checkAddressSpan(0x10, what, 'address', msg.address, msg.values.length)
    checkWords(0x10, what, 'values', msg.values)
    return 6 + 2 * msg.values.length
  },
  write(msg, buf, o) {
    buf[o] = 0x10
    putU16(buf, o + 1, msg.address)
    putU16(buf, o + 3, msg.values.length)
    buf[o + 5] = 2 * msg.values.length
    return writeWords(buf, o + 6, msg.values)
  },
  read(buf, o, end) {
    const what = 'writeMultipleRegisters request'
    expectAtLeast(0x10, what, end - o, 6)
    const address = u16(buf, o + 1)
    const quantity = u16(buf, o + 3)
    checkRange(0x10, what, 'quantity', quantity, 1, MAX_WRITE_REGISTERS, '§6.12')
    checkAddressSpan(0x10, what, 'address', address, quantity)
    checkByteCount(0x10, what, buf[o + 5], 2 * quantity, `2 × quantity ${quantity}`)
    expectLength(0x10, what, end - o, 6 + 2 * quantity)
    return { function: 'writeMultipleRegisters', address, values: readWords(buf, o + 6, quantity) }
  },
  frameLength: byteCountAt(5),
}

/**
 * Mask Write Register request and response (§6.16), the response an echo:
 *   fc u8 | reference address u16 | AND mask u16 | OR mask u16
 */
function maskWriteCodec(side: 'request' | 'response'): PduCodec<MaskWriteRegister> {
  const what = `maskWriteRegister ${side}`
  return {
    size(msg) {
      checkU16(0x16, what, 'address', msg.address)
      checkU16(0x16, what, 'andMask', msg.andMask)
      checkU16(0x16, what, 'orMask', msg.orMask)
      return 7
    },
    write(msg, buf, o) {
      buf[o] = 0x16
      putU16(buf, o + 1, msg.address)
      putU16(buf, o + 3, msg.andMask)
      return putU16(buf, o + 5, msg.orMask)
    },
    read(buf, o, end) {
      expectLength(0x16, what, end - o, 7)
      return { function: 'maskWriteRegister', address: u16(buf, o + 1), andMask: u16(buf, o + 3), orMask: u16(buf, o + 5) }
    },
    frameLength: () => 7,
  }
}

/**
 * Read/Write Multiple Registers request (§6.17); the write is performed before the read:
 *   fc u8 | read address u16 | read quantity u16 (1..125) | write address u16 |
 *   write quantity u16 (1..121) | write byte count u8 = 2×wq | wq registers u16
 */
const readWriteRequest: PduCodec<ReadWriteMultipleRegistersRequest> = {
  size(msg) {
    const what = 'readWriteMultipleRegisters request'
    checkU16(0x17, what, 'readAddress', msg.readAddress)
    checkU16(0x17, what, 'writeAddress', msg.writeAddress)
    checkRange(0x17, what, 'readQuantity', msg.readQuantity, 1, MAX_RW_READ_REGISTERS, '§6.17')
    checkAddressSpan(0x17, what, 'readAddress', msg.readAddress, msg.readQuantity)
    checkRange(0x17, what, 'writeQuantity', msg.values.length, 1, MAX_RW_WRITE_REGISTERS, '§6.17')
    checkAddressSpan(0x17, what, 'writeAddress', msg.writeAddress, msg.values.length)
    checkWords(0x17, what, 'values', msg.values)
    return 10 + 2 * msg.values.length
  },
  write(msg, buf, o) {
    buf[o] = 0x17
    putU16(buf, o + 1, msg.readAddress)
    putU16(buf, o + 3, msg.readQuantity)
    putU16(buf, o + 5, msg.writeAddress)
    putU16(buf, o + 7, msg.values.length)
    buf[o + 9] = 2 * msg.values.length
    return writeWords(buf, o + 10, msg.values)
  },
  read(buf, o, end) {
    const what = 'readWriteMultipleRegisters request'
    expectAtLeast(0x17, what, end - o, 10)
    const readAddress = u16(buf, o + 1)
    const readQuantity = u16(buf, o + 3)
    const writeAddress = u16(buf, o + 5)
    const writeQuantity = u16(buf, o + 7)
    checkRange(0x17, what, 'readQuantity', readQuantity, 1, MAX_RW_READ_REGISTERS, '§6.17')
    checkAddressSpan(0x17, what, 'readAddress', readAddress, readQuantity)
    checkRange(0x17, what, 'writeQuantity', writeQuantity, 1, MAX_RW_WRITE_REGISTERS, '§6.17')
    checkAddressSpan(0x17, what, 'writeAddress', writeAddress, writeQuantity)
    checkByteCount(0x17, what, buf[o + 9], 2 * writeQuantity, `2 × write quantity ${writeQuantity}`)
    expectLength(0x17, what, end - o, 10 + 2 * writeQuantity)
    return {
      function: 'readWriteMultipleRegisters',
      readAddress,
      readQuantity,
      writeAddress,
      values: readWords(buf, o + 10, writeQuantity),
    }
  },
  frameLength: byteCountAt(9),
}

const EIGHT_ONES = [1, 1, 1, 1, 1, 1, 1, 1]

/** 03/04: a reply of 2 × quantity data bytes. */
function readRegistersSemantics(table: 'holdingRegisters' | 'inputRegisters'): RequestSemantics<ReadRequest<'readHoldingRegisters' | 'readInputRegisters'>> {
  return {
    effect: 'read',
    broadcast: false,
    reply: (pdu) => (pdu.length === 5 ? fixedReply(2 + 2 * u16(pdu, 3)) : openReply()),
    access: (r) => span(table, r.address, r.quantity, false),
  }
}

/** 06 and 16: the reply echoes the request. */
function singleRegisterWriteSemantics<R extends { address: number }>(): RequestSemantics<R> {
  return { effect: 'write', broadcast: true, reply: echoReply, access: (r) => span('holdingRegisters', r.address, 1, true) }
}

/** 10: the reply repeats function, address and quantity. */
const writeMultipleRegistersSemantics: RequestSemantics<WriteMultipleRegistersRequest> = {
  effect: 'write',
  broadcast: true,
  reply: () => fixedReply(5, 5),
  access: (r) => span('holdingRegisters', r.address, r.values.length, true),
}

/**
 * 17: the write comes first, then the read (§6.17); the reply carries 2 × read quantity bytes.
 * Broadcast keeps its write (SL §2.2 allows writes only; the read part is simply not returned).
 */
const readWriteSemantics: RequestSemantics<ReadWriteMultipleRegistersRequest> = {
  effect: 'write',
  broadcast: true,
  reply: (pdu) => (pdu.length >= 10 ? fixedReply(2 + 2 * u16(pdu, 3)) : openReply()),
  access: (r) => [
    { table: 'holdingRegisters', address: r.writeAddress, quantity: r.values.length, write: true },
    { table: 'holdingRegisters', address: r.readAddress, quantity: r.readQuantity, write: false },
  ],
}

/** Specs for 03, 04, 06, 10, 16, 17. */
export const REGISTER_FUNCTIONS: FunctionSpec[] = [
  {
    code: 0x03,
    name: 'readHoldingRegisters',
    family: 'registers',
    request: readRequestCodec('readHoldingRegisters', 0x03, MAX_READ_REGISTERS, '§6.3'),
    response: registersResponseCodec('readHoldingRegisters', 0x03, MAX_READ_REGISTERS, '§6.3'),
    semantics: readRegistersSemantics('holdingRegisters'),
    examples: () => [
      {
        request: { function: 'readHoldingRegisters', address: 0x12, quantity: 8 },
        response: { function: 'readHoldingRegisters', values: EIGHT_ONES },
      },
    ],
  },
  {
    code: 0x04,
    name: 'readInputRegisters',
    family: 'registers',
    request: readRequestCodec('readInputRegisters', 0x04, MAX_READ_REGISTERS, '§6.4'),
    response: registersResponseCodec('readInputRegisters', 0x04, MAX_READ_REGISTERS, '§6.4'),
    semantics: readRegistersSemantics('inputRegisters'),
    examples: () => [
      {
        request: { function: 'readInputRegisters', address: 0x12, quantity: 8 },
        response: { function: 'readInputRegisters', values: EIGHT_ONES },
      },
    ],
  },
  {
    code: 0x06,
    name: 'writeSingleRegister',
    family: 'registers',
    request: writeSingleRegisterCodec('request'),
    response: writeSingleRegisterCodec('response'),
    semantics: singleRegisterWriteSemantics<WriteSingleRegister>(),
    examples: () => [
      {
        request: { function: 'writeSingleRegister', address: 0x12, value: 1 },
        response: { function: 'writeSingleRegister', address: 0x12, value: 1 },
      },
    ],
  },
  {
    code: 0x10,
    name: 'writeMultipleRegisters',
    family: 'registers',
    request: writeMultipleRegistersRequest,
    response: writeMultipleResponseCodec('writeMultipleRegisters', 0x10, MAX_WRITE_REGISTERS, '§6.12'),
    semantics: writeMultipleRegistersSemantics,
    examples: () => [
      {
        request: { function: 'writeMultipleRegisters', address: 0x12, values: EIGHT_ONES },
        response: { function: 'writeMultipleRegisters', address: 0x12, quantity: 8 },
      },
    ],
  },
  {
    code: 0x16,
    name: 'maskWriteRegister',
    family: 'registers',
    request: maskWriteCodec('request'),
    response: maskWriteCodec('response'),
    semantics: singleRegisterWriteSemantics<MaskWriteRegister>(),
    examples: () => [
      {
        request: { function: 'maskWriteRegister', address: 0x12, andMask: 0xf2, orMask: 0x25 },
        response: { function: 'maskWriteRegister', address: 0x12, andMask: 0xf2, orMask: 0x25 },
      },
    ],
  },
  {
    code: 0x17,
    name: 'readWriteMultipleRegisters',
    family: 'registers',
    request: readWriteRequest,
    response: registersResponseCodec('readWriteMultipleRegisters', 0x17, MAX_RW_READ_REGISTERS, '§6.17'),
    semantics: readWriteSemantics,
    examples: () => [
      {
        request: { function: 'readWriteMultipleRegisters', readAddress: 0x12, readQuantity: 8, writeAddress: 0x12, values: EIGHT_ONES },
        response: { function: 'readWriteMultipleRegisters', values: EIGHT_ONES },
      },
    ],
  },
]
