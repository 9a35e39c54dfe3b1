/**
 * Serial-line functions (§6.7-§6.13, Serial Line guide §6): 07 Read Exception Status,
 * 08 Diagnostics (with its sub-function table), 0B Get Comm Event Counter, 0C Get Comm Event Log,
 * 11 Report Server ID.
 */
import { MAX_EVENT_LOG, MAX_PDU } from '../limits.ts'
import { byteCountAt } from './bits.ts'
import {
  badValue,
  checkByteCount,
  checkRange,
  checkU16,
  checkU8,
  checkWords,
  expectAtLeast,
  expectLength,
  hexToBytes,
  putU16,
  readWords,
  u16,
  writeWords,
} from './field-checks.ts'
import { NEED_MORE, UNKNOWN_LENGTH, type FunctionSpec, type PduCodec } from './registry.ts'
import { echoReply, fixedReply, openReply, type Effect, type ReplyRule, type RequestSemantics } from './semantics.ts'
import type {
  Diagnostics,
  EmptyRequest,
  GetCommEventCounterResponse,
  GetCommEventLogResponse,
  ReadExceptionStatusResponse,
  ReportServerIdResponse,
} from './types.ts'

/**
 * How one diagnostics sub-function shapes its data (§6.8.1). Word counts exclude the
 * sub-function field; 'any' means the echo of whatever was sent, 'none' that no reply is sent.
 */
export interface DiagnosticSubFunction {
  code: number
  name: string
  requestWords: number | 'any'
  responseWords: number | 'any' | 'none'
  /** Allowed request data values; absent means any. */
  requestData?: readonly number[]
  /** The response echoes the request data, so the same values are checked on it. */
  echo?: boolean
  /** Data the request carries when built with defaults. */
  defaultData: number
  /** What the sub-function does (Get/Clear Modbus Plus Statistics: 'diagnostic'; its clear operation is 'control'). */
  effect: Effect
}

/** Get/Clear Modbus Plus Statistics operations (sub-function 0x15). */
export const MODBUS_PLUS_OPERATIONS = { getStatistics: 0x0003, clearStatistics: 0x0004 } as const
/** Words of statistics after the operation word in a Get Modbus Plus Statistics reply. */
export const MODBUS_PLUS_STATISTIC_WORDS = 54

const ZERO = [0x0000] as const

/** The sub-functions of the Serial Line guide (§6.8.1), plus 0x13 which PyModbus also serves. */
export const DIAGNOSTIC_SUB_FUNCTIONS: readonly DiagnosticSubFunction[] = [
  { code: 0x00, name: 'returnQueryData', effect: 'read', requestWords: 'any', responseWords: 'any', defaultData: 0x0000 },
  { code: 0x01, name: 'restartCommunicationsOption', effect: 'control', requestWords: 1, responseWords: 1, requestData: [0x0000, 0xff00], echo: true, defaultData: 0x0000 },
  { code: 0x02, name: 'returnDiagnosticRegister', effect: 'diagnostic', requestWords: 1, responseWords: 1, requestData: ZERO, defaultData: 0x0000 },
  { code: 0x03, name: 'changeAsciiInputDelimiter', effect: 'control', requestWords: 1, responseWords: 1, echo: true, defaultData: 0x0a00 },
  { code: 0x04, name: 'forceListenOnlyMode', effect: 'control', requestWords: 1, responseWords: 'none', requestData: ZERO, defaultData: 0x0000 },
  { code: 0x0a, name: 'clearCountersAndDiagnosticRegister', effect: 'control', requestWords: 1, responseWords: 1, requestData: ZERO, echo: true, defaultData: 0x0000 },
  { code: 0x0b, name: 'returnBusMessageCount', effect: 'diagnostic', requestWords: 1, responseWords: 1, requestData: ZERO, defaultData: 0x0000 },
  { code: 0x0c, name: 'returnBusCommunicationErrorCount', effect: 'diagnostic', requestWords: 1, responseWords: 1, requestData: ZERO, defaultData: 0x0000 },
  { code: 0x0d, name: 'returnBusExceptionErrorCount', effect: 'diagnostic', requestWords: 1, responseWords: 1, requestData: ZERO, defaultData: 0x0000 },
  { code: 0x0e, name: 'returnServerMessageCount', effect: 'diagnostic', requestWords: 1, responseWords: 1, requestData: ZERO, defaultData: 0x0000 },
  { code: 0x0f, name: 'returnServerNoResponseCount', effect: 'diagnostic', requestWords: 1, responseWords: 1, requestData: ZERO, defaultData: 0x0000 },
  { code: 0x10, name: 'returnServerNakCount', effect: 'diagnostic', requestWords: 1, responseWords: 1, requestData: ZERO, defaultData: 0x0000 },
  { code: 0x11, name: 'returnServerBusyCount', effect: 'diagnostic', requestWords: 1, responseWords: 1, requestData: ZERO, defaultData: 0x0000 },
  { code: 0x12, name: 'returnBusCharacterOverrunCount', effect: 'diagnostic', requestWords: 1, responseWords: 1, requestData: ZERO, defaultData: 0x0000 },
  { code: 0x13, name: 'returnIopOverrunCount', effect: 'diagnostic', requestWords: 1, responseWords: 1, requestData: ZERO, defaultData: 0x0000 },
  { code: 0x14, name: 'clearOverrunCounterAndFlag', effect: 'control', requestWords: 1, responseWords: 1, requestData: ZERO, echo: true, defaultData: 0x0000 },
  {
    code: 0x15,
    name: 'getClearModbusPlusStatistics',
    effect: 'diagnostic',
    requestWords: 1,
    responseWords: 'any',
    requestData: [MODBUS_PLUS_OPERATIONS.getStatistics, MODBUS_PLUS_OPERATIONS.clearStatistics],
    echo: true,
    defaultData: MODBUS_PLUS_OPERATIONS.getStatistics,
  },
]

const SUB_TABLE: (DiagnosticSubFunction | undefined)[] = new Array(0x10000)
for (const sub of DIAGNOSTIC_SUB_FUNCTIONS) SUB_TABLE[sub.code] = sub

/** The sub-function entry for a code, or undefined for codes the guide does not define. */
export function diagnosticSubFunction(code: number): DiagnosticSubFunction | undefined {
  return SUB_TABLE[code]
}

/** Words a response to sub-function `sub` carries, given its first data word; -1 when unknown. */
function responseWords(sub: DiagnosticSubFunction | undefined, firstWord: number): number {
  if (!sub || sub.responseWords === 'any' && sub.code !== 0x15) return -1
  if (sub.code === 0x15) return firstWord === MODBUS_PLUS_OPERATIONS.getStatistics ? 1 + MODBUS_PLUS_STATISTIC_WORDS : 1
  return sub.responseWords === 'none' ? -1 : (sub.responseWords as number)
}

/** Checks a data word against what the sub-function allows (§6.8.1). */
function checkSubData(sub: DiagnosticSubFunction, what: string, value: number): void {
  if (sub.requestData && !sub.requestData.includes(value)) {
    badValue(0x08, what, 'data', value, sub.requestData.map((v) => '0x' + v.toString(16).padStart(4, '0')).join(' or ') + ', §6.8.1')
  }
  if (sub.code === 0x03 && (value & 0xff) !== 0) badValue(0x08, what, 'data', value, 'CHAR 00: low byte 0x00, §6.8.1')
}

const MAX_DIAGNOSTIC_WORDS = (MAX_PDU - 3) >>> 1

/**
 * Diagnostics request and response (§6.8):
 *   fc u8 | sub-function u16 | data N×u16
 * Requests of known sub-functions carry one data word (returnQueryData: any number); the reply
 * echoes or answers with one word, except Get Modbus Plus Statistics (operation + 54 words).
 */
function diagnosticsCodec(side: 'request' | 'response'): PduCodec<Diagnostics> {
  const what = `diagnostics ${side}`
  return {
    size(msg) {
      checkU16(0x08, what, 'subFunction', msg.subFunction)
      checkRange(0x08, what, 'data.length', msg.data.length, 0, MAX_DIAGNOSTIC_WORDS, '§4.1 PDU size')
      checkWords(0x08, what, 'data', msg.data)
      return 3 + 2 * msg.data.length
    },
    write(msg, buf, o) {
      buf[o] = 0x08
      putU16(buf, o + 1, msg.subFunction)
      return writeWords(buf, o + 3, msg.data)
    },
    read(buf, o, end) {
      expectAtLeast(0x08, what, end - o, 3)
      const code = u16(buf, o + 1)
      const bytes = end - o - 3
      if (bytes & 1) expectLength(0x08, `${what}: data must be whole 16-bit words`, end - o, end - o - 1)
      const sub = SUB_TABLE[code]
      if (sub) {
        if (side === 'request' && sub.requestWords !== 'any') {
          expectLength(0x08, `${what} ${sub.name}`, end - o, 3 + 2 * sub.requestWords)
          checkSubData(sub, `${what} ${sub.name}`, u16(buf, o + 3))
        } else if (side === 'response') {
          if (sub.responseWords === 'none') {
            badValue(0x08, what, 'subFunction', code, `${sub.name} has no response, §6.8.1`)
          }
          const words = bytes >= 2 ? responseWords(sub, u16(buf, o + 3)) : responseWords(sub, -1)
          if (words >= 0) expectLength(0x08, `${what} ${sub.name}`, end - o, 3 + 2 * words)
          if (sub.echo && bytes >= 2) checkSubData(sub, `${what} ${sub.name}`, u16(buf, o + 3))
        }
      }
      return { function: 'diagnostics', subFunction: code, data: readWords(buf, o + 3, bytes >>> 1) }
    },
    frameLength(buf, o, end) {
      if (end - o < 3) return NEED_MORE
      const sub = SUB_TABLE[u16(buf, o + 1)]
      if (!sub) return UNKNOWN_LENGTH
      if (side === 'request') return sub.requestWords === 'any' ? UNKNOWN_LENGTH : 3 + 2 * sub.requestWords
      if (sub.code === 0x15) return end - o < 5 ? NEED_MORE : 3 + 2 * responseWords(sub, u16(buf, o + 3))
      return sub.responseWords === 'any' || sub.responseWords === 'none' ? UNKNOWN_LENGTH : 3 + 2 * sub.responseWords
    },
  }
}

/** A request that is the function code alone (07, 0B, 0C, 11). */
function emptyRequest<N extends 'readExceptionStatus' | 'getCommEventCounter' | 'getCommEventLog' | 'reportServerId'>(
  name: N,
  fc: number,
): PduCodec<EmptyRequest<N>> {
  return {
    size: () => 1,
    write(_msg, buf, o) {
      buf[o] = fc
      return o + 1
    },
    read(_buf, o, end) {
      expectLength(fc, `${name} request`, end - o, 1)
      return { function: name }
    },
    frameLength: () => 1,
  }
}

/**
 * Read Exception Status response (§6.7):
 *   fc u8 | output data u8 (eight device-specific status bits)
 */
const readExceptionStatusResponse: PduCodec<ReadExceptionStatusResponse> = {
  size(msg) {
    checkU8(0x07, 'readExceptionStatus response', 'status', msg.status)
    return 2
  },
  write(msg, buf, o) {
    buf[o] = 0x07
    buf[o + 1] = msg.status
    return o + 2
  },
  read(buf, o, end) {
    expectLength(0x07, 'readExceptionStatus response', end - o, 2)
    return { function: 'readExceptionStatus', status: buf[o + 1] }
  },
  frameLength: () => 2,
}

function checkStatusWord(fc: number, what: string, status: number): void {
  if (status !== 0x0000 && status !== 0xffff) badValue(fc, what, 'status', status, '0x0000 ready or 0xFFFF busy, §6.9')
}

/**
 * Get Comm Event Counter response (§6.9):
 *   fc u8 | status u16 (0x0000 ready, 0xFFFF busy) | event count u16
 */
const getCommEventCounterResponse: PduCodec<GetCommEventCounterResponse> = {
  size(msg) {
    const what = 'getCommEventCounter response'
    checkStatusWord(0x0b, what, msg.status)
    checkU16(0x0b, what, 'eventCount', msg.eventCount)
    return 5
  },
  write(msg, buf, o) {
    buf[o] = 0x0b
    putU16(buf, o + 1, msg.status)
    return putU16(buf, o + 3, msg.eventCount)
  },
  read(buf, o, end) {
    const what = 'getCommEventCounter response'
    expectLength(0x0b, what, end - o, 5)
    const status = u16(buf, o + 1)
    checkStatusWord(0x0b, what, status)
    return { function: 'getCommEventCounter', status, eventCount: u16(buf, o + 3) }
  },
  frameLength: () => 5,
}

/**
 * Get Comm Event Log response (§6.10):
 *   fc u8 | byte count u8 = 6 + N | status u16 | event count u16 | message count u16 | N event bytes (N <= 64)
 */
const getCommEventLogResponse: PduCodec<GetCommEventLogResponse> = {
  size(msg) {
    const what = 'getCommEventLog response'
    checkStatusWord(0x0c, what, msg.status)
    checkU16(0x0c, what, 'eventCount', msg.eventCount)
    checkU16(0x0c, what, 'messageCount', msg.messageCount)
    checkRange(0x0c, what, 'events.length', msg.events.length, 0, MAX_EVENT_LOG, '§6.10')
    for (let i = 0; i < msg.events.length; i++) checkU8(0x0c, what, `events[${i}]`, msg.events[i])
    return 8 + msg.events.length
  },
  write(msg, buf, o) {
    buf[o] = 0x0c
    buf[o + 1] = 6 + msg.events.length
    putU16(buf, o + 2, msg.status)
    putU16(buf, o + 4, msg.eventCount)
    putU16(buf, o + 6, msg.messageCount)
    for (let i = 0; i < msg.events.length; i++) buf[o + 8 + i] = msg.events[i]
    return o + 8 + msg.events.length
  },
  read(buf, o, end) {
    const what = 'getCommEventLog response'
    expectAtLeast(0x0c, what, end - o, 2)
    const count = buf[o + 1]
    checkByteCount(0x0c, what, count, end - o - 2, 'bytes that follow')
    checkRange(0x0c, what, 'byteCount', count, 6, 6 + MAX_EVENT_LOG, '§6.10')
    const status = u16(buf, o + 2)
    checkStatusWord(0x0c, what, status)
    const events = new Array<number>(count - 6)
    for (let i = 0; i < events.length; i++) events[i] = buf[o + 8 + i]
    return { function: 'getCommEventLog', status, eventCount: u16(buf, o + 4), messageCount: u16(buf, o + 6), events }
  },
  frameLength: byteCountAt(1),
}

/**
 * Report Server ID response (§6.13):
 *   fc u8 | byte count u8 | server id (device specific) … | run indicator u8 | additional data …
 * Where the id ends is device specific, so the data stays opaque (`splitServerId` reads it when the
 * id length is known); at least the run indicator must be there.
 */
const reportServerIdResponse: PduCodec<ReportServerIdResponse> = {
  size(msg) {
    const what = 'reportServerId response'
    const data = hexToBytes(0x11, what, msg.data)
    checkRange(0x11, what, 'byteCount', data.length, 1, MAX_PDU - 2, '§6.13, §4.1 PDU size')
    return 2 + data.length
  },
  write(msg, buf, o) {
    const data = hexToBytes(0x11, 'reportServerId response', msg.data)
    buf[o] = 0x11
    buf[o + 1] = data.length
    data.copy(buf, o + 2)
    return o + 2 + data.length
  },
  read(buf, o, end) {
    const what = 'reportServerId response'
    expectAtLeast(0x11, what, end - o, 3)
    const count = buf[o + 1]
    checkByteCount(0x11, what, count, end - o - 2, 'bytes that follow')
    return { function: 'reportServerId', data: buf.toString('hex', o + 2, end) }
  },
  frameLength: byteCountAt(1),
}

/** A Report Server ID reply's data split at a known id length: id, run indicator, additional data (hex). */
export function splitServerId(data: string, idLength: number): { serverId: string; runIndicator: number | undefined; additionalData: string } {
  const bytes = Buffer.from(data, 'hex')
  return {
    serverId: bytes.toString('hex', 0, Math.min(idLength, bytes.length)),
    runIndicator: idLength < bytes.length ? bytes[idLength] : undefined,
    additionalData: bytes.toString('hex', Math.min(idLength + 1, bytes.length)),
  }
}

/** Generator example for a sub-function: default data, counters answering 1, echoes echoing. */
function diagnosticExample(sub: DiagnosticSubFunction): { label: string; request: Diagnostics; response?: Diagnostics } {
  const request: Diagnostics = { function: 'diagnostics', subFunction: sub.code, data: [sub.code === 0x00 ? 0x0001 : sub.defaultData] }
  if (sub.responseWords === 'none') return { label: sub.name, request }
  const echo = sub.responseWords === 'any' || sub.echo === true
  const data =
    sub.code === 0x15
      ? [sub.defaultData, ...new Array<number>(MODBUS_PLUS_STATISTIC_WORDS).fill(0)]
      : echo
        ? request.data
        : [0x0001]
  return { label: sub.name, request, response: { function: 'diagnostics', subFunction: sub.code, data } }
}

/**
 * 08: everything hangs on the sub-function (§6.8.1). Return Query Data echoes the whole request;
 * Force Listen Only Mode draws no reply; the others answer fc, sub-function and their words, the
 * data echoed where the guide says so. Unknown sub-functions: fc and sub-function echoed, length open.
 */
const diagnosticsSemantics: RequestSemantics<Diagnostics> = {
  effect(pdu) {
    const sub = pdu.length >= 3 ? SUB_TABLE[u16(pdu, 1)] : undefined
    if (!sub) return 'control'
    if (sub.code === 0x15 && pdu.length >= 5 && u16(pdu, 3) !== MODBUS_PLUS_OPERATIONS.getStatistics) return 'control'
    return sub.effect
  },
  subFunction: (pdu) => (pdu.length >= 3 ? u16(pdu, 1) : undefined),
  broadcast: false,
  reply(pdu): ReplyRule {
    const sub = pdu.length >= 3 ? SUB_TABLE[u16(pdu, 1)] : undefined
    if (!sub) return openReply(3)
    if (sub.responseWords === 'none') return { length: undefined, echo: 0, none: true }
    if (sub.code === 0x00) return echoReply(pdu)
    const words = responseWords(sub, pdu.length >= 5 ? u16(pdu, 3) : -1)
    if (words < 0) return openReply(3)
    return fixedReply(3 + 2 * words, sub.echo && pdu.length >= 5 ? 5 : 3)
  },
}

/** A request without data that reads something: 07, 0B, 0C, 11. */
function readOnlyQuery(length: number | undefined): RequestSemantics {
  return { effect: 'read', broadcast: false, reply: () => (length === undefined ? openReply() : fixedReply(length)) }
}

/** Specs for 07, 08, 0B, 0C, 11. */
export const SERIAL_LINE_FUNCTIONS: FunctionSpec[] = [
  {
    code: 0x07,
    name: 'readExceptionStatus',
    family: 'serial-line',
    serialLineOnly: true,
    request: emptyRequest('readExceptionStatus', 0x07),
    response: readExceptionStatusResponse,
    semantics: readOnlyQuery(2),
    examples: () => [{ request: { function: 'readExceptionStatus' }, response: { function: 'readExceptionStatus', status: 0x01 } }],
  },
  {
    code: 0x08,
    name: 'diagnostics',
    family: 'serial-line',
    serialLineOnly: true,
    request: diagnosticsCodec('request'),
    response: diagnosticsCodec('response'),
    semantics: diagnosticsSemantics,
    examples: () => DIAGNOSTIC_SUB_FUNCTIONS.map(diagnosticExample),
  },
  {
    code: 0x0b,
    name: 'getCommEventCounter',
    family: 'serial-line',
    serialLineOnly: true,
    request: emptyRequest('getCommEventCounter', 0x0b),
    response: getCommEventCounterResponse,
    semantics: readOnlyQuery(5),
    examples: () => [{ request: { function: 'getCommEventCounter' }, response: { function: 'getCommEventCounter', status: 0, eventCount: 1 } }],
  },
  {
    code: 0x0c,
    name: 'getCommEventLog',
    family: 'serial-line',
    serialLineOnly: true,
    request: emptyRequest('getCommEventLog', 0x0c),
    response: getCommEventLogResponse,
    semantics: readOnlyQuery(undefined),
    examples: () => [
      {
        request: { function: 'getCommEventLog' },
        response: { function: 'getCommEventLog', status: 0, eventCount: 1, messageCount: 1, events: [0x20] },
      },
    ],
  },
  {
    code: 0x11,
    name: 'reportServerId',
    family: 'serial-line',
    serialLineOnly: true,
    request: emptyRequest('reportServerId', 0x11),
    response: reportServerIdResponse,
    semantics: readOnlyQuery(undefined),
    examples: () => [{ request: { function: 'reportServerId' }, response: { function: 'reportServerId', data: '01ff' } }],
  },
]
