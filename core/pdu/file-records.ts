/**
 * File record access: 14 Read File Record, 15 Write File Record (§6.14, §6.15).
 * A PDU carries several sub-requests; each names a file (1..0xFFFF), a record (0..0x270F),
 * and a length in registers. The reference type is always 6.
 */
import { FILE_REFERENCE_TYPE, MAX_FILE_BYTE_COUNT, MAX_FILE_RECORD_NUMBER, MIN_FILE_BYTE_COUNT, MIN_FILE_NUMBER } from '../limits.ts'
import { PduError } from '../errors.ts'
import { byteCountAt } from './bits.ts'
import {
  badValue,
  checkByteCount,
  checkRange,
  checkU16,
  checkWords,
  expectAtLeast,
  putU16,
  readWords,
  u16,
  writeWords,
} from './field-checks.ts'
import type { FunctionSpec, PduCodec } from './registry.ts'
import { echoReply, fixedReply, openReply, type RequestSemantics } from './semantics.ts'
import type { FileRecordRead, FileRecordWrite, ReadFileRecordRequest, ReadFileRecordResponse, WriteFileRecord } from './types.ts'

const SUB_REQUEST = 7

function checkFileAndRecord(fc: number, what: string, file: number, record: number, section: string): void {
  checkRange(fc, what, 'file', file, MIN_FILE_NUMBER, 0xffff, section)
  checkRange(fc, what, 'record', record, 0, MAX_FILE_RECORD_NUMBER, section)
}

function checkReference(fc: number, what: string, type: number, section: string): void {
  if (type !== FILE_REFERENCE_TYPE) badValue(fc, what, 'referenceType', type, `6, ${section}`)
}

function checkBounds(fc: number, what: string, count: number, min: number, max: number, section: string): void {
  checkRange(fc, what, 'byteCount', count, min, max, section)
}

/**
 * Spec over its own table: §6.14 lets a request ask for a reply of up to 253 bytes, yet caps the
 * reply's data length at 0xF5; no server could answer more, so a request asking for more is invalid
 * (exception 03).
 */
function tooLong(fc: number, what: string, bytes: number): never {
  throw new PduError('MB_ERR_LENGTH', `${what}: the reply's data length would be ${bytes} bytes, more than 0xF5 (§6.14)`, {
    functionCode: fc,
    field: 'records',
    limit: `reply data length <= ${MAX_FILE_BYTE_COUNT}`,
    value: bytes,
  })
}

/**
 * Read File Record request (§6.14):
 *   fc u8 | byte count u8 (0x07..0xF5, 7 per sub-request) |
 *   { reference type u8 = 6 | file u16 | record u16 | record length u16 } ×n
 */
const readFileRecordRequest: PduCodec<ReadFileRecordRequest> = {
  size(msg) {
    const what = 'readFileRecord request'
    checkBounds(0x14, what, msg.records.length * SUB_REQUEST, MIN_FILE_BYTE_COUNT, MAX_FILE_BYTE_COUNT, '§6.14')
    let reply = 0
    for (const r of msg.records) {
      checkFileAndRecord(0x14, what, r.file, r.record, '§6.14')
      checkRange(0x14, what, 'length', r.length, 1, 0xffff, '§6.14')
      reply += 2 + 2 * r.length
    }
    if (reply > MAX_FILE_BYTE_COUNT) tooLong(0x14, what, reply)
    return 2 + SUB_REQUEST * msg.records.length
  },
  write(msg, buf, o) {
    buf[o] = 0x14
    buf[o + 1] = SUB_REQUEST * msg.records.length
    o += 2
    for (const r of msg.records) {
      buf[o] = FILE_REFERENCE_TYPE
      putU16(buf, o + 1, r.file)
      putU16(buf, o + 3, r.record)
      o = putU16(buf, o + 5, r.length)
    }
    return o
  },
  read(buf, o, end) {
    const what = 'readFileRecord request'
    expectAtLeast(0x14, what, end - o, 2)
    const count = buf[o + 1]
    checkByteCount(0x14, what, count, end - o - 2, 'bytes that follow')
    checkBounds(0x14, what, count, MIN_FILE_BYTE_COUNT, MAX_FILE_BYTE_COUNT, '§6.14')
    if (count % SUB_REQUEST !== 0) checkByteCount(0x14, what, count, count - (count % SUB_REQUEST), '7 bytes per sub-request')
    const records: FileRecordRead[] = []
    let reply = 0
    for (let p = o + 2; p < end; p += SUB_REQUEST) {
      checkReference(0x14, what, buf[p], '§6.14')
      const record = { file: u16(buf, p + 1), record: u16(buf, p + 3), length: u16(buf, p + 5) }
      checkFileAndRecord(0x14, what, record.file, record.record, '§6.14')
      checkRange(0x14, what, 'length', record.length, 1, 0xffff, '§6.14')
      reply += 2 + 2 * record.length
      records.push(record)
    }
    if (reply > MAX_FILE_BYTE_COUNT) tooLong(0x14, what, reply)
    return { function: 'readFileRecord', records }
  },
  frameLength: byteCountAt(1),
}

/**
 * Read File Record response (§6.14):
 *   fc u8 | response data length u8 |
 *   { file response length u8 = 1 + 2N | reference type u8 = 6 | N registers u16 } ×n
 */
const readFileRecordResponse: PduCodec<ReadFileRecordResponse> = {
  size(msg) {
    const what = 'readFileRecord response'
    let count = 0
    for (const r of msg.records) {
      checkRange(0x14, what, 'values.length', r.values.length, 1, (MAX_FILE_BYTE_COUNT - 2) >>> 1, '§6.14')
      checkWords(0x14, what, 'values', r.values)
      count += 2 + 2 * r.values.length
    }
    checkBounds(0x14, what, count, 3, MAX_FILE_BYTE_COUNT, '§6.14')
    return 2 + count
  },
  write(msg, buf, o) {
    const start = o
    buf[o] = 0x14
    o += 2
    for (const r of msg.records) {
      buf[o] = 1 + 2 * r.values.length
      buf[o + 1] = FILE_REFERENCE_TYPE
      o = writeWords(buf, o + 2, r.values)
    }
    buf[start + 1] = o - start - 2
    return o
  },
  read(buf, o, end) {
    const what = 'readFileRecord response'
    expectAtLeast(0x14, what, end - o, 2)
    const count = buf[o + 1]
    checkByteCount(0x14, what, count, end - o - 2, 'bytes that follow')
    checkBounds(0x14, what, count, 3, MAX_FILE_BYTE_COUNT, '§6.14')
    const records: { values: number[] }[] = []
    for (let p = o + 2; p < end; ) {
      const length = buf[p]
      if (length < 3 || (length & 1) === 0) badValue(0x14, what, 'fileResponseLength', length, 'odd and >= 3: 1 + 2 × registers, §6.14')
      if (p + 1 + length > end) checkByteCount(0x14, what, count, p + 1 + length - o - 2, 'the sub-responses it must hold')
      checkReference(0x14, what, buf[p + 1], '§6.14')
      records.push({ values: readWords(buf, p + 2, (length - 1) >>> 1) })
      p += 1 + length
    }
    return { function: 'readFileRecord', records }
  },
  frameLength: byteCountAt(1),
}

/**
 * Write File Record request and its echo response (§6.15):
 *   fc u8 | request data length u8 (0x09..0xFB) |
 *   { reference type u8 = 6 | file u16 | record u16 | record length N u16 | N registers u16 } ×n
 */
function writeFileRecordCodec(side: 'request' | 'response'): PduCodec<WriteFileRecord> {
  const what = `writeFileRecord ${side}`
  return {
    size(msg) {
      let count = 0
      for (const r of msg.records) {
        checkFileAndRecord(0x15, what, r.file, r.record, '§6.15')
        checkRange(0x15, what, 'values.length', r.values.length, 1, (0xfb - 7) >>> 1, '§6.15')
        checkWords(0x15, what, 'values', r.values)
        count += 7 + 2 * r.values.length
      }
      checkBounds(0x15, what, count, 0x09, 0xfb, '§6.15')
      return 2 + count
    },
    write(msg, buf, o) {
      const start = o
      buf[o] = 0x15
      o += 2
      for (const r of msg.records) {
        buf[o] = FILE_REFERENCE_TYPE
        putU16(buf, o + 1, r.file)
        putU16(buf, o + 3, r.record)
        putU16(buf, o + 5, r.values.length)
        o = writeWords(buf, o + 7, r.values)
      }
      buf[start + 1] = o - start - 2
      return o
    },
    read(buf, o, end) {
      expectAtLeast(0x15, what, end - o, 2)
      const count = buf[o + 1]
      checkByteCount(0x15, what, count, end - o - 2, 'bytes that follow')
      checkBounds(0x15, what, count, 0x09, 0xfb, '§6.15')
      const records: FileRecordWrite[] = []
      for (let p = o + 2; p < end; ) {
        if (end - p < 7) checkByteCount(0x15, `${what} sub-request at offset ${p - o}`, end - p, 7, 'a sub-request header is 7 bytes')
        checkReference(0x15, what, buf[p], '§6.15')
        const file = u16(buf, p + 1)
        const record = u16(buf, p + 3)
        const length = u16(buf, p + 5)
        checkFileAndRecord(0x15, what, file, record, '§6.15')
        checkRange(0x15, what, 'length', length, 1, (0xfb - 7) >>> 1, '§6.15')
        if (p + 7 + 2 * length > end) checkByteCount(0x15, `${what} sub-request at offset ${p - o}`, end - p - 7, 2 * length, `record length ${length} registers`)
        records.push({ file, record, values: readWords(buf, p + 7, length) })
        p += 7 + 2 * length
      }
      return { function: 'writeFileRecord', records }
    },
    frameLength: byteCountAt(1),
  }
}

/**
 * 14: the reply carries, per sub-request, a length byte, the reference type and 2 × length bytes,
 * after the fc and a byte count.
 */
const readFileRecordSemantics: RequestSemantics<ReadFileRecordRequest, ReadFileRecordResponse> = {
  effect: 'read',
  broadcast: false,
  reply(pdu) {
    if (pdu.length < 2 || pdu.length !== 2 + pdu[1] || pdu[1] % SUB_REQUEST !== 0) return openReply()
    let length = 2
    for (let p = 2; p < pdu.length; p += SUB_REQUEST) length += 2 + 2 * u16(pdu, p + 5)
    return fixedReply(length)
  },
  access: (r) => r.records.map((x) => ({ table: 'file' as const, file: x.file, address: x.record, quantity: x.length, write: false })),
  content(r, res) {
    if (res.records.length !== r.records.length) return `${res.records.length} sub-responses for ${r.records.length} sub-requests (§6.14)`
    for (let i = 0; i < r.records.length; i++) {
      if (res.records[i].values.length !== r.records[i].length) return `sub-response ${i} holds ${res.records[i].values.length} registers, asked ${r.records[i].length}`
    }
    return null
  },
}

/** 15: the reply echoes the request. */
const writeFileRecordSemantics: RequestSemantics<WriteFileRecord> = {
  effect: 'write',
  broadcast: true,
  reply: echoReply,
  access: (r) => r.records.map((x) => ({ table: 'file' as const, file: x.file, address: x.record, quantity: x.values.length, write: true })),
}

/** Specs for 14 and 15. */
export const FILE_RECORD_FUNCTIONS: FunctionSpec[] = [
  {
    code: 0x14,
    name: 'readFileRecord',
    family: 'file-records',
    request: readFileRecordRequest,
    response: readFileRecordResponse,
    semantics: readFileRecordSemantics,
    examples: () => [
      {
        request: { function: 'readFileRecord', records: [{ file: 1, record: 0x12, length: 8 }] },
        response: { function: 'readFileRecord', records: [{ values: [1, 1, 1, 1, 1, 1, 1, 1] }] },
      },
    ],
  },
  {
    code: 0x15,
    name: 'writeFileRecord',
    family: 'file-records',
    request: writeFileRecordCodec('request'),
    response: writeFileRecordCodec('response'),
    semantics: writeFileRecordSemantics,
    examples: () => {
      const msg: WriteFileRecord = { function: 'writeFileRecord', records: [{ file: 1, record: 0x12, values: [1, 1, 1, 1, 1, 1, 1, 1] }] }
      return [{ request: msg, response: msg }]
    },
  },
]
