/**
 * The report of a failing Modbus/TCP device, the size of a real run: every case the runner selects
 * for an MBAP target (about 275: ids, titles, spec sections and severities straight from the case
 * definitions), most passing, the serial-line-only functions skipped, and eleven cases that went
 * wrong across six function codes and the framing — eight MUST failures and an error that fail
 * the run, two SHOULD failures that are warnings — with real MBAP bytes built by core's codec, an
 * id mismatch, late and stray frames (one in a passing case), a capture, and a hostile message.
 */
import { createTcpFramer, encodeRequest, encodeResponse, type ModbusRequest, type ModbusResponse } from '../../../core/index.ts'
import { framingCases } from '../../../conformance/cases/framing-cases.ts'
import { scenarioCases } from '../../../conformance/cases/scenario-cases.ts'
import { unassignedCases } from '../../../conformance/cases/unassigned-cases.ts'
import { vectorCases } from '../../../conformance/cases/vector-cases.ts'
import { wireCases } from '../../../conformance/cases/wire-cases.ts'
import type { CaseDefinition } from '../../../conformance/cases/case.ts'
import { REPORT_SCHEMA, type CaseReport, type ConformanceReport, type Counts, type Severity } from '../../../conformance/report.ts'
import { failsRun } from '../../../conformance/runner.ts'
import { summarizeTimes } from '../../../conformance/timing.ts'
import { hexBytes, loadPduVectors } from '../../../vectors/loader.ts'

/** A message that tries to break out of the page. */
export const HOSTILE = '</script><img src=x onerror="alert(1)"> & <!-- done'

const UNIT = 1
const SERIAL_ONLY = new Set([0x07, 0x08, 0x0b, 0x0c, 0x11])
const tcp = createTcpFramer()

/** Spaced lower-case hex of an MBAP ADU around `pdu`. */
export function mbap(pdu: Buffer, tid: number, unit = UNIT): string {
  return spaced(tcp.encode(unit, pdu, tid))
}

function spaced(buf: Buffer): string {
  return buf.toString('hex').replace(/(..)(?!$)/g, '$1 ')
}

const req = (m: ModbusRequest) => encodeRequest(m)
const rsp = (m: ModbusResponse) => encodeResponse(m)
const exception = (fc: number, code: number) => Buffer.from([fc | 0x80, code])

function definitions(): CaseDefinition[] {
  return [...vectorCases(loadPduVectors()), ...unassignedCases(), ...framingCases('mbap'), ...scenarioCases(), ...wireCases({ strays: () => [] })]
}

type Patch = (c: CaseReport, tid: number) => Partial<CaseReport>

/** What went wrong, picked by what a case is, so the fixture follows the case list as it changes. */
const FAILURES: [string, (d: CaseDefinition) => boolean, Patch][] = [
  ['longer reply', (d) => d.functionCode === 0x03 && d.category === 'positive', (_c, tid) => ({
    verdict: 'fail',
    message: 'the reply has 2 registers; 1 was asked for',
    request: mbap(req({ function: 'readHoldingRegisters', address: 0, quantity: 1 }), tid),
    expected: { hex: mbap(rsp({ function: 'readHoldingRegisters', values: [10] }), tid), description: 'a normal readHoldingRegisters reply with 1 register' },
    actual: { hex: mbap(rsp({ function: 'readHoldingRegisters', values: [10, 11] }), tid), description: 'readHoldingRegisters {"values":[10,11]}' },
    responseMs: 4.2,
  })],
  ['normal instead of exception', (d) => d.functionCode === 0x03 && d.category === 'negative' && d.severity === 'must', (c, tid) => ({
    verdict: 'fail',
    message: 'answered normally instead of with an exception',
    request: mbap(hexBytes(vectorHex(c.id) ?? '03 00 00 00 00'), tid),
    expected: { hex: mbap(exception(0x03, 0x03), tid), description: `exception 0x03 (illegalDataValue): ${HOSTILE}` },
    actual: { hex: mbap(rsp({ function: 'readHoldingRegisters', values: [0] }), tid), description: 'readHoldingRegisters {"values":[0]}' },
    responseMs: 3.9,
  })],
  ['short reply', (d) => d.functionCode === 0x01 && d.category === 'positive', (_c, tid) => ({
    verdict: 'fail',
    message: 'the reply is one byte short of its byte count',
    request: mbap(req({ function: 'readCoils', address: 0, quantity: 10 }), tid),
    expected: { hex: mbap(rsp({ function: 'readCoils', values: [true, false, true, false, false, false, false, false, true, true] }), tid), description: 'a normal readCoils reply, 2 data bytes' },
    actual: { hex: mbap(Buffer.from([0x01, 0x02, 0x05]), tid), description: 'malformed 0x01 reply' },
    responseMs: 2.7,
  })],
  ['echo differs', (d) => d.functionCode === 0x05 && d.category === 'positive', (_c, tid) => ({
    verdict: 'fail',
    message: 'the echo says OFF; ON was written',
    request: mbap(req({ function: 'writeSingleCoil', address: 3, value: true }), tid),
    expected: { hex: mbap(req({ function: 'writeSingleCoil', address: 3, value: true }), tid), description: 'the request echoed' },
    actual: { hex: mbap(rsp({ function: 'writeSingleCoil', address: 3, value: false }), tid), description: 'writeSingleCoil {"address":3,"value":false}' },
    responseMs: 5.1,
  })],
  ['wrong exception', (d) => d.functionCode === 0x0f && d.category === 'negative' && d.severity === 'must', (c, tid) => ({
    verdict: 'fail',
    message: 'exception 0x02 instead of 0x03 (illegalDataValue)',
    request: mbap(hexBytes(vectorHex(c.id) ?? '0f 00 00 00 00 00'), tid),
    expected: { hex: mbap(exception(0x0f, 0x03), tid), description: 'exception 0x03 (illegalDataValue)' },
    actual: { hex: mbap(exception(0x0f, 0x02), tid), description: 'exception 0x02 (illegalDataAddress) to function 0x0F' },
    responseMs: 2.2,
  })],
  ['transport closed', (d) => d.functionCode === 0x10 && d.category === 'positive', (_c, tid) => ({
    verdict: 'error',
    message: 'transport closed <EOF> & no reply',
    request: mbap(req({ function: 'writeMultipleRegisters', address: 0, values: [1, 2] }), tid),
    expected: { hex: null, description: 'a normal writeMultipleRegisters reply' },
    actual: { hex: null, description: 'no reply; the device closed the connection' },
    responseMs: null,
  })],
  ['transaction id', (d) => d.functionCode === 0x17 && d.category === 'positive', (_c, tid) => ({
    verdict: 'fail',
    message: 'no reply with transaction id 0x0031 (a frame with transaction id 0x0030 came instead)',
    request: mbap(req({ function: 'readWriteMultipleRegisters', readAddress: 0, readQuantity: 1, writeAddress: 1, values: [7] }), 0x31),
    expected: { hex: mbap(rsp({ function: 'readWriteMultipleRegisters', values: [7] }), 0x31), description: 'a normal readWriteMultipleRegisters reply' },
    actual: { hex: mbap(rsp({ function: 'readWriteMultipleRegisters', values: [7] }), 0x30), description: 'no reply with transaction id 0x0031; a frame with transaction id 0x0030 came instead' },
    ids: [{ field: 'transaction id', sent: 0x31, received: 0x30 }],
    wire: [
      { kind: 'late', hex: mbap(rsp({ function: 'readWriteMultipleRegisters', values: [7] }), 0x31), afterMs: 1250.4, why: 'the reply to transaction 0x0031, 250 ms after its 1000 ms window', frame: true },
      { kind: 'stray', hex: mbap(rsp({ function: 'readHoldingRegisters', values: [1, 2, 3] }), 0x7777), afterMs: null, why: 'transaction id 0x7777 was never sent', frame: true },
    ],
    responseMs: 8.4,
  })],
  ['protocol id', (d) => d.id === 'frame.mbap.protocol-id-dropped', (_c, tid) => ({
    verdict: 'fail',
    message: 'a reply with MBAP protocol id 0x0001 (MB TCP guide §3.1.3: 0)',
    request: mbap(req({ function: 'readHoldingRegisters', address: 0, quantity: 1 }), tid).replace(/^(.. .. )00 00/, '$100 01'),
    expected: { hex: null, description: 'silence: the request is not Modbus' },
    actual: { hex: mbap(rsp({ function: 'readHoldingRegisters', values: [10] }), tid).replace(/^(.. .. )00 00/, '$100 01'), description: 'readHoldingRegisters {"values":[10]} (MBAP protocol id 0x0001)' },
    responseMs: 3.3,
  })],
  ['unsolicited bytes', (d) => d.id === 'wire.no-unsolicited-frames', () => ({
    verdict: 'fail',
    message: '2 unsolicited transmissions during the run',
    request: null,
    expected: { hex: null, description: 'nothing but replies' },
    actual: { hex: null, description: '2 stray transmissions' },
    wire: [{ kind: 'stray', hex: 'de ad be ef 00', afterMs: null, why: 'bytes that form no frame: MBAP protocol id 0xBEEF', frame: false }],
    responseMs: null,
  })],
  ['silence (warning)', (d) => d.functionCode === 0x03 && d.category === 'negative' && d.severity === 'should', (c, tid) => ({
    verdict: 'fail',
    message: 'no reply (silence)',
    request: mbap(hexBytes(vectorHex(c.id) ?? '03 00 00'), tid),
    expected: { hex: mbap(exception(0x03, 0x03), tid), description: 'exception 0x03 (illegalDataValue)' },
    actual: { hex: null, description: 'no reply (silence)' },
    responseMs: null,
  })],
  ['unit answered (warning)', (d) => d.id === 'frame.mbap.unknown-unit-refused', (_c, tid) => ({
    verdict: 'fail',
    message: 'unit 247 was answered as if it were this device',
    request: mbap(req({ function: 'readHoldingRegisters', address: 0, quantity: 1 }), tid, 247),
    expected: { hex: mbap(exception(0x03, 0x0b), tid, 247), description: 'exception 0x0A or 0x0B, or silence' },
    actual: { hex: mbap(rsp({ function: 'readHoldingRegisters', values: [10] }), tid, 247), description: 'readHoldingRegisters {"values":[10]}' },
    responseMs: 2.9,
  })],
  ['a stray frame in a passing case', (d) => d.functionCode === 0x04 && d.category === 'positive', (_c, tid) => ({
    wire: [{ kind: 'stray', hex: mbap(rsp({ function: 'readInputRegisters', values: [5] }), 0x0900), afterMs: null, why: 'transaction id 0x0900 was never sent', frame: true }],
    request: mbap(req({ function: 'readInputRegisters', address: 0, quantity: 1 }), tid),
  })],
]

let vectorIndex: Map<string, string> | undefined
function vectorHex(caseId: string): string | undefined {
  vectorIndex ??= new Map(loadPduVectors().map((v) => [`vector.${v.id}`, v.hex]))
  return vectorIndex.get(caseId)
}

function counts(cases: CaseReport[]): Counts {
  const n = (v: CaseReport['verdict']) => cases.filter((c) => c.verdict === v).length
  return { total: cases.length, passed: n('pass'), failed: n('fail'), skipped: n('skip'), errors: n('error'), notRun: n('not-run') }
}

/** The cases of the failing device, in run order. */
export function failingDeviceCases(): CaseReport[] {
  const patched = new Set<string>()
  return definitions().map((d, i) => {
    const tid = i + 1
    const base: CaseReport = {
      id: d.id, title: d.title, spec: d.spec, severity: d.severity, level: d.level, category: d.category, functionCode: d.functionCode,
      verdict: 'pass', message: null, request: mbap(req({ function: 'readHoldingRegisters', address: 0, quantity: 1 }), tid),
      expected: { hex: null, description: 'as the profile says' }, actual: { hex: null, description: 'as expected' },
      responseMs: 1 + (i % 7) * 0.6, wire: [], ids: [],
    }
    const failure = FAILURES.find(([name, pick]) => !patched.has(name) && pick(d))
    if (failure) {
      patched.add(failure[0])
      return { ...base, ...failure[2](base, tid) }
    }
    if (d.functionCode !== null && SERIAL_ONLY.has(d.functionCode)) {
      return { ...base, verdict: 'skip', message: 'serial line only: not claimed by a Modbus/TCP profile', request: null, responseMs: null }
    }
    return base
  })
}

/** The whole report: level strict, fail on MUST, capture written next to it. */
export function failingDeviceReport(cases: CaseReport[] = failingDeviceCases()): ConformanceReport {
  const of = (s: Severity) => counts(cases.filter((c) => c.severity === s))
  const failing = cases.filter((c) => failsRun(c, 'must')).length
  return {
    schema: REPORT_SCHEMA,
    tool: { name: 'modbridge', version: '0.1.0' },
    startedAt: '2026-12-01T09:00:00.000Z',
    finishedAt: '2026-12-01T09:00:41.300Z',
    durationMs: 41300,
    target: { address: 'tcp://192.0.2.10:502', unit: UNIT, framer: 'tcp' },
    level: 'strict',
    options: { timeoutMs: 1000, silenceMs: 500, failOn: 'must' },
    profile: { functions: [1, 2, 3, 4, 5, 6, 15, 16, 20, 21, 22, 23, 24, 43], readable: { holdingRegisters: [[0, 99]] }, writable: { holdingRegisters: [[0, 99]] } },
    notes: ['the connection was re-opened 1 times between cases (after the device closed it, or after an exchange that left it unclean)'],
    summary: {
      ...counts(cases),
      bySeverity: { must: of('must'), should: of('should'), may: of('may') },
      warnings: cases.filter((c) => c.verdict === 'fail' && !failsRun(c, 'must')).length,
      verdict: failing === 0 ? 'pass' : 'fail',
      stopped: null,
    },
    timing: { response: summarizeTimes(cases.flatMap((c) => (c.responseMs === null ? [] : [c.responseMs]))), wireMs: null, gapsInsideFrames: null },
    cases,
    capture: 'capture.pcapng',
  }
}

/** The failure names, for tests that check each one made it in. */
export const FAILURE_NAMES = FAILURES.map(([name]) => name)
