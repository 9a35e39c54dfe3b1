/**
 * The conformance runner against an independent device: Debian's python3-pymodbus (3.0.0rc1) TCP
 * server, started from test/interop/fixtures/pymodbus-server.py (unit 1; 100 of each table from
 * address 0; identity "pymodbus-peer"). Level strict, with a profile written for that datastore.
 *
 * The report must list pymodbus's deviations from the spec and pass what it does right. The
 * failing cases are pinned exactly, grouped by deviation, so that a change on either side — a
 * pymodbus upgrade, or a runner case that starts judging differently — shows here.
 *
 * Observed against the interop notes: pymodbus 3.0.0rc1 does check the quantity of 01-04 (1..2000,
 * 1..125) and of 0F (1..1968); an unknown unit id gets no answer at all (not 0x0B); mask write uses
 * the spec's formula.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { runConformance } from '../../../conformance/runner.ts'
import type { DeviceProfile } from '../../../conformance/profile.ts'
import type { ConformanceReport } from '../../../conformance/report.ts'
import { requirePymodbus, setUp, startFixture } from '../../interop/helpers.ts'
import { caseOf, describeFailures, idsWith } from './fixtures/report-checks.ts'

/**
 * What pymodbus-server.py serves. pymodbus answers file record requests for any file, and FIFO
 * reads at any address with an empty queue. The profile claims files 1-4 (the files the vectors
 * use) and the FIFOs the vectors read (0, §6.18's 0x04DE, 0xFFFF): an empty queue at every
 * address is a datastore's choice, not a deviation, so it is not judged as one (re-audit: the
 * earlier pin "18: every pointer address is an empty FIFO" was the profile's claim, not the spec's).
 */
const PYMODBUS_PROFILE: DeviceProfile = {
  functions: [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x0b, 0x0c, 0x0f, 0x10, 0x11, 0x14, 0x15, 0x16, 0x17, 0x18, 0x2b],
  diagnostics: [0x00, 0x01, 0x02, 0x03, 0x04, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15],
  readable: { coils: [[0, 99]], discreteInputs: [[0, 99]], holdingRegisters: [[0, 99]], inputRegisters: [[0, 99]] },
  writable: { coils: [[0, 99]], holdingRegisters: [[0, 99]] },
  files: [1, 2, 3, 4].map((file) => ({ file, records: 10000 })),
  fifos: [0x0000, 0x04de, 0xffff],
  identity: { '0': 'pymodbus-peer', '1': 'PM', '2': '3.0', '3': 'https://example.invalid/peer', '4': 'peer server', '5': 'PM-1' },
}

const vectors = (prefix: string, names: string[]) => names.map((n) => `vector.${prefix}-${n}`)

/** pymodbus's deviations: the must cases each one fails, and what the runner says. */
const DEVIATIONS: { what: string; ids: string[]; message: RegExp }[] = [
  {
    what: '05: the address is checked before the coil value (02 at 0x00AC, outside its map, where §6.5 gives 03)',
    ids: vectors('05-req', ['value-0001', 'value-00ff', 'value-ff01', 'value-ffff', 'value-0100']),
    message: /^exception 0x02 instead of 0x03/,
  },
  {
    what: '08/00: Return Query Data with other than one data word drops the connection',
    ids: vectors('08-req', ['return-query-data-empty', 'return-query-data-two-words', 'return-query-data-max']),
    message: /^no reply(; the device closed the connection)?$/,
  },
  {
    what: '08/15: Modbus Plus statistics of 55 words (catalog §14 #28), and operations other than 03/04 answered',
    ids: vectors('08-req', ['modbus-plus-get', 'modbus-plus-op-0002', 'modbus-plus-op-0005']),
    message: /PDU is 115 bytes, expected 113|answered normally instead of with an exception/,
  },
  {
    what: '08: an unknown sub-function gets exception 04 (or a dropped connection) instead of 01',
    ids: vectors('08-req', ['unknown-sub-05', 'unknown-sub-16', 'unknown-sub-1234-empty', 'unknown-sub-1234-words']),
    message: /^exception 0x04 instead of 0x01|^no reply(; the device closed the connection)?$/,
  },
  {
    what: '08: the data field of sub-functions is not checked (restart, register, delimiter, listen-only, counters)',
    ids: vectors('08-req', [
      'restart-bad-data',
      'restart-bad-data-00ff',
      'diagnostic-register-bad-data',
      'change-delimiter-low-byte',
      'force-listen-only-bad-data',
      'clear-counters-bad-data',
      'server-busy-count-bad-data',
    ]),
    message: /answered normally instead of with an exception|^no reply(; the device closed the connection)?$/,
  },
  {
    what: '0F/10: a byte count that disagrees with the quantity is not refused (0F writes byte count × 8 coils; 10 drops the connection)',
    ids: [...vectors('0f-req', ['byte-count-low']), ...vectors('10-req', ['byte-count-low', 'byte-count-equals-quantity'])],
    message: /answered normally instead of with an exception|^no reply(; the device closed the connection)?$/,
  },
  {
    what: '14: file record read is a stub answering byte count 0 (catalog §14 #10), whatever the request',
    ids: vectors('14-req', [
      'spec-example',
      'minimum',
      'length-max',
      'two-records-reply-max',
      'file-record-max',
      'byte-count-max',
      'one-byte-short',
      'one-byte-long',
      'byte-count-0',
      'byte-count-6',
      'byte-count-f6',
      'byte-count-not-multiple-of-7',
      'reference-type-5',
      'reference-type-in-second',
      'file-0',
      'record-2710',
      'length-0',
    ]),
    message: /byteCount 0 \(0x0000\) is outside 3\.\.245|answered normally instead of with an exception|^no reply(; the device closed the connection)?$/,
  },
  {
    what: '15: file record write echoes any request and stores nothing',
    ids: [
      ...vectors('15-req', [
        'file-record-max',
        'one-byte-short',
        'one-byte-long',
        'reference-type-0',
        'byte-count-8',
        'file-0',
        'record-2710',
        'length-0',
        'length-123',
        'record-data-short',
        'sub-request-header-short',
      ]),
      'scenario.file-record-write-read-back',
    ],
    message: /answered normally instead of with an exception|^no reply(; the device closed the connection)?$|did not read back as written/,
  },
  {
    what: '2B: object 0xFF answered empty, read code 0 gets 04, MEI type 0x0D drops the connection',
    ids: vectors('2b-req', ['individual-object-ff', 'read-code-0', 'mei-0d-opaque', 'mei-0d-empty']),
    message: /answered normally instead of with an exception|^exception 0x04 instead of 0x03|^no reply(; the device closed the connection)?$/,
  },
  {
    what: 'MBAP: a frame with protocol id 1 is answered',
    ids: ['frame.mbap.protocol-id-dropped'],
    message: /^the device answered$/,
  },
]

/** The only should cases pymodbus passes: the rest are malformed PDUs that drop the connection or get a normal answer. */
const SHOULD_PASSED = ['frame.mbap.impossible-length', 'frame.mbap.unknown-unit-refused', 'vector.0f-req-no-data', 'vector.0f-req-truncated']

// --- pymodbus TCP server

const test = suite('conformance runner ↔ pymodbus 3.0.0rc1 TCP server (Debian python3-pymodbus)')
const report = setUp(test, async (onClose): Promise<ConformanceReport> => {
  await requirePymodbus()
  const server = await startFixture('pymodbus-server.py', ['tcp'], /READY tcp (\d+)/)
  onClose(server.kill)
  const r = await runConformance({ target: `tcp://127.0.0.1:${server.match[1]}`, unit: 1, profile: PYMODBUS_PROFILE, level: 'strict', waitMs: 500, silenceMs: 200 })
  console.log(`conformance run against pymodbus: ${r.durationMs} ms, ${r.summary.failed} of ${r.summary.total} cases failed`)
  return r
})

test('the run fails, with no case left unjudged (no verdict error)', () => {
  assert.is(report().summary.verdict, 'fail')
  assert.equal(idsWith(report(), ['error']), [])
})
for (const d of DEVIATIONS) {
  test(`deviation: ${d.what}`, () => {
    for (const id of d.ids) {
      const c = caseOf(report(), id)
      assert.is(c.verdict, 'fail', id)
      assert.match(c.message ?? '', d.message, id)
    }
  })
}
test('the failed must cases are exactly those deviations', () => {
  assert.equal(idsWith(report(), ['fail'], 'must'), DEVIATIONS.flatMap((d) => d.ids).sort(), describeFailures(report()))
})
test('every should case fails but the four it gets right (malformed PDUs drop the connection or are answered)', () => {
  const should = report().cases.filter((c) => c.severity === 'should').map((c) => c.id)
  assert.equal(idsWith(report(), ['fail'], 'should'), should.filter((id) => !SHOULD_PASSED.includes(id)).sort())
  for (const id of SHOULD_PASSED) assert.is(caseOf(report(), id).verdict, 'pass', id)
})
test('what pymodbus does right passes: reads, 06, MBAP echoes, scenarios', () => {
  const right = [
    'vector.03-req-spec-example',
    ...vectors('06-req', ['spec-example', 'zero', 'max', 'big-endian', 'value-ff00']),
    'frame.mbap.transaction-id-echoed',
    'frame.mbap.unit-id-echoed',
    'scenario.holding-register-write-read-back',
    'scenario.coil-write-read-back',
    'scenario.mask-write-formula',
    'scenario.read-write-multiple-order',
    'scenario.fifo-read',
    'scenario.device-identification-stream',
    'function.unassigned-12',
    'function.unassigned-7c',
  ]
  for (const id of right) assert.is(caseOf(report(), id).verdict, 'pass', id)
})
test('pymodbus 3.0.0rc1 checks the quantity of 01-04 and of 0F (not as the interop notes say)', () => {
  const quantity = ['01', '02', '03', '04'].flatMap((fc) => vectors(`${fc}-req`, ['quantity-zero', 'quantity-over-max', 'quantity-ffff']))
  for (const id of [...quantity, 'vector.0f-req-quantity-over-max', 'vector.0f-req-quantity-zero']) assert.is(caseOf(report(), id).verdict, 'pass', id)
})
test('an unknown unit id gets no answer at all (not exception 0x0B)', () => {
  const c = caseOf(report(), 'frame.mbap.unknown-unit-refused')
  assert.is(c.verdict, 'pass')
  assert.is(c.actual.hex, null)
})
test.run()
