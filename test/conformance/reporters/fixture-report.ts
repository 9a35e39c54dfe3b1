/**
 * A small conformance report for the reporter and diff tests: a pass, a failure whose reply is
 * longer than expected, a skip, an error (nothing came back), a framing failure where silence
 * was expected, and text full of markup and control characters.
 */
import { REPORT_SCHEMA, type CaseReport, type ConformanceReport } from '../../../conformance/report.ts'

/** A message with every character the writers must escape: markup, quotes, ampersand, ESC and other controls. */
export const NASTY = `bad "quantity" <0> & 'zero' \x01\x1b[31m ]]> done`

/** A case with defaults: a passing 0x03 positive `must` case. */
export function caseReport(over: Partial<CaseReport> & { id: string }): CaseReport {
  return {
    title: `case ${over.id}`,
    spec: '§6.3',
    severity: 'must',
    level: 'interop',
    category: 'positive',
    functionCode: 0x03,
    verdict: 'pass',
    message: null,
    request: '01 03 00 00 00 01 84 0a',
    expected: { hex: '01 03 02 00 0a 38 43', description: 'one register' },
    actual: { hex: '01 03 02 00 0a 38 43', description: 'one register' },
    responseMs: 1.5,
    wire: [],
    ids: [],
    ...over,
  }
}

/** The seven fixture cases: 3 passed, 2 failed, 1 skipped, 1 error. */
export function fixtureCases(): CaseReport[] {
  return [
    caseReport({ id: 'fc03-read-one', title: 'Read one holding register', responseMs: 0.8 }),
    caseReport({
      id: 'fc03-byte-count',
      title: 'Byte count matches the quantity',
      category: 'negative',
      verdict: 'fail',
      message: NASTY,
      expected: { hex: '01 03 02 00 0a', description: 'byte count 2' },
      actual: { hex: '01 03 04 00 0a 00 0b', description: 'byte count 4 & two registers' },
      responseMs: 4.2,
    }),
    caseReport({
      id: 'fc06-write',
      title: 'Write single register',
      severity: 'should',
      functionCode: 0x06,
      verdict: 'skip',
      message: 'profile does not claim 0x06',
      actual: { hex: null, description: 'not sent' },
      responseMs: null,
    }),
    caseReport({
      id: 'fc10-timeout',
      title: 'Write multiple registers',
      functionCode: 0x10,
      verdict: 'error',
      message: 'transport closed <EOF> & no reply',
      actual: { hex: null, description: 'nothing came back' },
      responseMs: null,
    }),
    caseReport({
      id: 'rtu-bad-crc',
      title: 'A frame with a bad CRC is ignored',
      spec: 'SL §2.5.1.2',
      severity: 'should',
      level: 'strict',
      category: 'framing',
      functionCode: null,
      verdict: 'fail',
      message: 'replied to a corrupt frame',
      expected: { hex: null, description: 'silence' },
      actual: { hex: '01 03 02 00 0a 38 43', description: 'a reply' },
      responseMs: 3.1,
    }),
    caseReport({ id: 'fc2b-basic', title: 'Basic device identification', severity: 'may', functionCode: 0x2b, responseMs: 7 }),
    caseReport({
      id: 'poll-cycle',
      title: 'Poll <script>alert("x")</script> & repeat',
      severity: 'should',
      category: 'scenario',
      functionCode: null,
      responseMs: 12,
    }),
  ]
}

/** The fixture report: an RTU target over a serial line (so wire time is known), verdict fail. */
export function fixtureReport(cases: CaseReport[] = fixtureCases()): ConformanceReport {
  return {
    schema: REPORT_SCHEMA,
    tool: { name: 'modbridge', version: '0.1.0' },
    startedAt: '2026-03-01T10:00:00.000Z',
    finishedAt: '2026-03-01T10:00:02.100Z',
    durationMs: 2100,
    target: { address: 'rtu:///dev/ttyUSB0?baud=19200&parity=even', unit: 17, framer: 'rtu' },
    level: 'strict',
    options: { timeoutMs: 1000, silenceMs: 500, failOn: 'must' },
    notes: [],
    profile: { functions: [3, 16, 43], readable: { holdingRegisters: [[0, 99]] }, writable: {} },
    summary: {
      total: 7,
      passed: 3,
      failed: 2,
      skipped: 1,
      errors: 1,
      notRun: 0,
      bySeverity: {
        must: { total: 3, passed: 1, failed: 1, skipped: 0, errors: 1, notRun: 0 },
        should: { total: 3, passed: 1, failed: 1, skipped: 1, errors: 0, notRun: 0 },
        may: { total: 1, passed: 1, failed: 0, skipped: 0, errors: 0, notRun: 0 },
      },
      warnings: 1,
      verdict: 'fail',
      stopped: null,
    },
    timing: {
      response: {
        count: 5,
        minMs: 0.8,
        p50Ms: 4.2,
        p90Ms: 12,
        p99Ms: 12,
        maxMs: 12,
        histogram: [
          { upToMs: 1, count: 1 },
          { upToMs: 2, count: 0 },
          { upToMs: 5, count: 2 },
          { upToMs: 10, count: 1 },
          { upToMs: 20, count: 0 },
          { upToMs: null, count: 1 },
        ],
      },
      wireMs: 420,
      gapsInsideFrames: null,
    },
    cases,
  }
}
