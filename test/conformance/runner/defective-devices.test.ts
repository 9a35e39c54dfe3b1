/**
 * The conformance runner against deliberately defective devices (fixtures/defective-devices.ts):
 * modbridge's own framer, request handler and default device, with exactly one thing wrong. Each
 * run uses the hand-written DEFAULT_PROFILE, so the verdicts do not depend on a probe the defect
 * could mislead. For every defect the run fails, the cases that name the defect fail, and no other
 * case fails: the set of cases that did not pass (any severity) is asserted exactly.
 *
 * The same devices without a defect pass every case: the first two sections show it, so that a
 * failure below is the defect's and not the fixture's.
 */
import { suite, type Test } from 'uvu'
import * as assert from 'uvu/assert'
import { runConformance } from '../../../conformance/runner.ts'
import type { ConformanceReport } from '../../../conformance/report.ts'
import { ptyPair } from '../../helpers/pty.ts'
import { setUp } from '../../interop/helpers.ts'
import { DEFAULT_PROFILE, DEFECTS, NO_DEFECT, startDevice, UNIT, type Defect } from './fixtures/defective-devices.ts'
import { caseOf, describeFailures, idsWith, notPassed } from './fixtures/report-checks.ts'

/** Reply timeout and expected-silence window, ms: the devices answer within a few ms. */
const WAIT_MS = 250
const SILENCE_MS = 100

/**
 * Cases the correct devices fail: none. (Core's request handler asks whether a diagnostics
 * sub-function is supported before it looks at the data, so `08 00 16 00` draws 01 as §6.8 says.)
 */
const BASELINE_WARNINGS: string[] = []

/** Starts the device (an RTU one on a fresh PTY pair) and runs the runner against it. */
function startAndRun(defect: Defect, only?: number[]) {
  return async (onClose: (close: () => unknown) => void): Promise<ConformanceReport> => {
    let target: string | undefined
    let ptyPath: string | undefined
    if (defect.medium === 'rtu') {
      const pty = await ptyPair()
      onClose(pty.close)
      ptyPath = pty.a
      target = `rtu://${pty.b}?baud=19200`
    }
    const device = await startDevice(defect, ptyPath)
    onClose(device.close)
    return runConformance({ target: target ?? device.target, unit: UNIT, profile: DEFAULT_PROFILE, level: 'strict', only, waitMs: WAIT_MS, silenceMs: SILENCE_MS, reconnectMs: 300 })
  }
}

/** What a run against a defective device must show. */
interface Expectation {
  /** Cases that fail because of the defect (exactly these fail, besides BASELINE_WARNINGS when they run). */
  failed: string[]
  /** Cases whose message must match `message` (default: every failed case). */
  explained?: string[]
  /** Cases that cannot be judged because of the defect (verdict error); none by default. */
  errors?: string[]
  /** What the runner says about each failed case. */
  message: RegExp
  /** Cases the defect is easily mistaken for, which must still pass. */
  unaffected: string[]
  /** Restrict the run to these function codes (a defect that costs every reply a timeout). */
  only?: number[]
}

function defectSuite(defect: Defect, e: Expectation): Test {
  const test = suite(`conformance runner ↔ defective device: ${defect.name}`)
  const report = setUp(test, startAndRun(defect, e.only))
  const failed = () => [...e.failed, ...BASELINE_WARNINGS.filter((id) => report().cases.some((c) => c.id === id) && !e.failed.includes(id))].sort()

  test('the run fails', () => {
    assert.is(report().summary.verdict, 'fail')
  })
  test(`exactly the cases that name the defect do not pass: ${e.failed.join(', ')}`, () => {
    assert.equal(idsWith(report(), ['fail']), failed(), describeFailures(report()))
    assert.equal(idsWith(report(), ['error']), [...(e.errors ?? [])].sort(), describeFailures(report()))
    assert.equal(notPassed(report()), [...failed(), ...(e.errors ?? [])].sort())
  })
  test(`the runner says why: ${e.message}`, () => {
    for (const id of e.explained ?? e.failed) assert.match(caseOf(report(), id).message ?? '', e.message, id)
  })
  test(`the cases the defect could be mistaken for pass: ${e.unaffected.join(', ')}`, () => {
    for (const id of e.unaffected) assert.is(caseOf(report(), id).verdict, 'pass', id)
  })
  return test
}

// --- the TCP device without a defect

const correctTcp = suite('conformance runner ↔ the TCP fixture without a defect')
const tcpBaseline = setUp(correctTcp, startAndRun(NO_DEFECT.tcp))
correctTcp('passes every MUST case; only the serial-line scenario is skipped', () => {
  assert.is(tcpBaseline().summary.verdict, 'pass', describeFailures(tcpBaseline()))
  assert.equal(idsWith(tcpBaseline(), ['skip']), ['scenario.listen-only-and-restart'])
  assert.equal(notPassed(tcpBaseline()), BASELINE_WARNINGS)
  assert.is(tcpBaseline().summary.warnings, BASELINE_WARNINGS.length)
  assert.ok(tcpBaseline().summary.bySeverity.must.passed > 150)
})
correctTcp('no byte the device sent was late, duplicate or stray', () => {
  assert.equal(tcpBaseline().cases.flatMap((c) => c.wire), [])
})
correctTcp('every exception and echo case carries its expected bytes, and they equal what came back', () => {
  const judged = tcpBaseline().cases.filter((c) => c.expected.hex !== null)
  assert.ok(judged.length > 100, `${judged.length} cases with expected bytes`)
  for (const c of judged.filter((c) => c.verdict === 'pass')) assert.is(c.actual.hex, c.expected.hex, c.id)
})
correctTcp.run()

// --- the RTU device without a defect

const correctRtu = suite('conformance runner ↔ the RTU fixture on a PTY without a defect')
const rtuBaseline = setUp(correctRtu, startAndRun(NO_DEFECT.rtu))
correctRtu('passes every MUST case, the serial framing and listen-only cases included', () => {
  assert.is(rtuBaseline().summary.verdict, 'pass', describeFailures(rtuBaseline()))
  assert.equal(idsWith(rtuBaseline(), ['skip']), [])
  assert.equal(notPassed(rtuBaseline()), BASELINE_WARNINGS)
  assert.ok(rtuBaseline().summary.bySeverity.must.passed > 150)
  assert.ok(rtuBaseline().cases.filter((c) => c.id.startsWith('frame.serial.')).length === 5)
})
correctRtu('no byte the device sent was late, duplicate or stray', () => {
  assert.equal(rtuBaseline().cases.flatMap((c) => c.wire), [])
})
correctRtu.run()

// --- (a) RTU: CRC bytes swapped in every reply

// Every reply is dropped by the runner's framer, so each case that needs a reply waits out the
// timeout: the run is limited to 03 and 06 (and the broadcast case, which is 06).
// frame.serial.bad-checksum-silent is about the device's receiver, not its replies: not run here.
// The should-level length cases fail too: silence would be accepted for them on a serial line, but
// the device did answer, with a bad CRC.
defectSuite(DEFECTS.crcSwapped, {
  only: [0x03, 0x06],
  failed: [
    'vector.03-req-spec-example',
    'vector.03-req-quantity-min',
    'vector.03-req-quantity-max',
    'vector.03-req-address-max',
    'vector.03-req-span-max',
    'vector.03-req-typical',
    'vector.03-req-quantity-zero',
    'vector.03-req-quantity-over-max',
    'vector.03-req-quantity-ffff',
    'vector.03-req-span-over',
    'vector.03-req-span-over-quantity-2',
    'vector.06-req-spec-example',
    'vector.06-req-zero',
    'vector.06-req-max',
    'vector.06-req-big-endian',
    'vector.06-req-value-ff00',
    'vector.03-req-truncated',
    'vector.03-req-function-only',
    'vector.03-req-too-long',
    'vector.06-req-truncated',
    'vector.06-req-function-only',
    'vector.06-req-too-long',
    'frame.serial.broadcast-write',
  ],
  message: /^no valid reply \(MB_ERR_CHECKSUM: CRC mismatch|did not take effect/,
  unaffected: ['wire.no-unsolicited-frames'],
}).run()

// --- (b) read coils: padding bits of the last byte set

defectSuite(DEFECTS.coilPaddingSet, {
  // 2000 coils fill 250 bytes exactly, so quantity-max has no padding to get wrong.
  failed: ['vector.01-req-spec-example', 'vector.01-req-quantity-min', 'vector.01-req-typical'],
  message: /padding bits of the last byte are not zero/,
  unaffected: ['vector.01-req-quantity-max', 'scenario.coil-write-read-back', 'vector.02-req-spec-example'],
}).run()

// --- (c) no exception 02 for a read past the map

defectSuite(DEFECTS.noIllegalAddress, {
  failed: ['01', '02', '03', '04'].flatMap((fc) => [`vector.${fc}-req-address-max`, `vector.${fc}-req-span-max`]),
  message: /answered normally instead of with an exception/,
  // Past 0x10000 the codec still answers 02; inside the map nothing changes.
  unaffected: ['vector.03-req-span-over', 'vector.01-req-span-over-quantity-2', 'vector.03-req-typical', 'vector.05-req-address-max'],
}).run()

// --- (d) RTU: a broadcast is answered

defectSuite(DEFECTS.broadcastAnswered, {
  failed: ['frame.serial.broadcast-write'],
  message: /the device answered a broadcast/,
  unaffected: ['frame.serial.other-unit-silent', 'frame.serial.bad-checksum-silent', 'vector.06-req-spec-example'],
}).run()

// --- (e) read holding registers: byte count 2 too high

defectSuite(DEFECTS.holdingByteCount, {
  failed: [
    'vector.03-req-spec-example',
    'vector.03-req-quantity-min',
    'vector.03-req-quantity-max',
    'vector.03-req-typical',
    // These scenarios read registers back with 03 and cannot decode the reply, so they fail too.
    'scenario.holding-register-write-read-back',
    'scenario.mask-write-formula',
  ],
  explained: ['vector.03-req-spec-example', 'vector.03-req-quantity-min', 'vector.03-req-quantity-max', 'vector.03-req-typical'],
  message: /byte count \d+, expected \d+/,
  unaffected: ['vector.04-req-spec-example', 'vector.17-req-spec-example', 'frame.mbap.unit-id-echoed', 'vector.03-req-address-max'],
}).run()

// --- (f) TCP: transaction id echoed as tid & 0xff

defectSuite(DEFECTS.tidLowByte, {
  failed: ['frame.mbap.transaction-id-echoed'],
  message: /^transaction id 0 in the reply$/,
  unaffected: ['frame.mbap.unit-id-echoed', 'vector.03-req-spec-example'],
}).run()

// --- (g) read coils: quantity 2001 answered with data

defectSuite(DEFECTS.coilQuantityUnchecked, {
  failed: ['vector.01-req-quantity-over-max'],
  message: /answered normally instead of with an exception/,
  unaffected: ['vector.01-req-quantity-max', 'vector.01-req-quantity-ffff', 'vector.02-req-quantity-over-max'],
}).run()

// --- (g') read holding registers: quantity 126 answered with data

// 126 registers make a 254-byte PDU (MBAP length 255), which the runner's framer refuses: the case
// fails as "no valid reply", naming the impossible MBAP length.
defectSuite(DEFECTS.registerQuantityUnchecked, {
  failed: ['vector.03-req-quantity-over-max'],
  message: /^no valid reply \(MB_ERR_LENGTH: MBAP length 255/,
  unaffected: ['vector.03-req-quantity-max', 'vector.03-req-quantity-ffff', 'vector.03-req-spec-example'],
}).run()

// --- (h) RTU: another unit's frame is answered

defectSuite(DEFECTS.otherUnitAnswered, {
  failed: ['frame.serial.other-unit-silent'],
  message: /^the device answered$/,
  unaffected: ['frame.serial.broadcast-write', 'frame.serial.bad-checksum-silent'],
}).run()

// --- (i) RTU: a frame with a bad CRC is answered

defectSuite(DEFECTS.badCrcAnswered, {
  failed: ['frame.serial.bad-checksum-silent'],
  message: /^the device answered$/,
  unaffected: ['frame.serial.other-unit-silent', 'frame.serial.garbage-before-frame', 'frame.serial.split-within-t15'],
}).run()

// --- (j) TCP: the unit id is not echoed

defectSuite(DEFECTS.unitIdNotEchoed, {
  failed: ['frame.mbap.unit-id-echoed'],
  message: /^unit id 0$/,
  unaffected: ['frame.mbap.transaction-id-echoed', 'frame.mbap.unknown-unit-refused', 'vector.03-req-spec-example'],
}).run()

// --- (k) TCP: every reply to 06 sent twice

// Every request with function 06 draws two replies: each case that sends one fails, the mask-write
// scenario too (it writes its start value with 06). Nothing else is judged on the second copy.
defectSuite(DEFECTS.repliesTwice, {
  failed: [...['spec-example', 'zero', 'max', 'big-endian', 'value-ff00', 'truncated', 'function-only', 'too-long'].map((n) => `vector.06-req-${n}`), 'scenario.mask-write-formula'],
  message: /answered twice: a second reply/,
  unaffected: ['vector.03-req-spec-example', 'vector.10-req-spec-example', 'wire.no-unsolicited-frames', 'scenario.holding-register-write-read-back'],
}).run()

// --- (l) RTU: replies to 07 after the window

// The late reply arrives while the runner drains the line before the next case: it is attributed
// to the case that caused it, not taken as the next case's answer. The 07 cases fail with "no
// reply", the late reply named; the 08 and 0B cases that follow pass.
defectSuite(DEFECTS.repliesLate, {
  only: [0x07, 0x08, 0x0b],
  failed: ['vector.07-req-spec-example'],
  message: /^no reply; answered late: a reply \d+(\.\d+)? ms after the request/,
  unaffected: ['vector.08-req-spec-example', 'vector.0b-req-spec-example', 'wire.no-unsolicited-frames'],
}).run()

// --- (m) TCP: protocol id 1 answered

defectSuite(DEFECTS.answersProtocolId1, {
  failed: ['frame.mbap.protocol-id-dropped'],
  message: /^the device answered$/,
  unaffected: ['frame.mbap.transaction-id-echoed', 'vector.03-req-spec-example', 'wire.no-unsolicited-frames'],
}).run()

// --- (n) TCP: the connection dropped on 16

// Each case that sends 16 fails with the connection closed; the runner reconnects and goes on.
defectSuite(DEFECTS.dropsOnMaskWrite, {
  failed: [...['spec-example', 'zero', 'max', 'big-endian', 'truncated', 'no-or-mask', 'function-only', 'too-long'].map((n) => `vector.16-req-${n}`), 'scenario.mask-write-formula'],
  explained: ['spec-example', 'zero', 'max', 'big-endian', 'truncated', 'no-or-mask', 'function-only', 'too-long'].map((n) => `vector.16-req-${n}`),
  message: /the device closed the connection/,
  unaffected: ['vector.17-req-spec-example', 'vector.06-req-spec-example', 'frame.mbap.transaction-id-echoed', 'wire.no-unsolicited-frames'],
}).run()

// --- (o) TCP: an unsolicited frame after the reply to 11

// Two requests with function 11 are sent (the spec example and one too long): two stray frames,
// each noted in the case it arrived in, which still passes.

defectSuite(DEFECTS.strayFrame, {
  failed: ['wire.no-unsolicited-frames'],
  message: /^2 unsolicited frames; the first while vector\.11-req-spec-example ran: a frame with transaction id 0x7777/,
  unaffected: ['vector.11-req-spec-example', 'vector.14-req-spec-example'],
}).run()

// --- (n') TCP: the device goes away on 16

const gone = suite('conformance runner ↔ defective device: tcp: the device goes away on mask write register')
const goneReport = setUp(gone, startAndRun(DEFECTS.vanishesOnMaskWrite))
const firstMaskWrite = () => goneReport().cases.findIndex((c) => c.functionCode === 0x16)
gone('the case that made it drop fails, saying so', () => {
  const c = goneReport().cases[firstMaskWrite()]
  assert.is(c.verdict, 'fail')
  assert.match(c.message ?? '', /the device closed the connection/)
})
gone('every later case is not-run (none an error), and the run says why it stopped', () => {
  const later = goneReport().cases.slice(firstMaskWrite() + 1)
  assert.ok(later.length > 10)
  assert.equal([...new Set(later.map((c) => c.verdict))], ['not-run'])
  assert.equal(idsWith(goneReport(), ['error']), [])
  assert.match(goneReport().summary.stopped ?? '', /^cannot reconnect to tcp:\/\/127\.0\.0\.1:\d+ \(\d+ tries\)/)
  assert.is(goneReport().summary.notRun, later.length)
  assert.is(goneReport().summary.verdict, 'fail')
})
gone('the cases before it were judged as usual', () => {
  const before = goneReport().cases.slice(0, firstMaskWrite())
  assert.ok(before.length > 100)
  assert.equal(before.filter((c) => c.verdict === 'fail' || c.verdict === 'error').map((c) => c.id), BASELINE_WARNINGS.filter((id) => before.some((c) => c.id === id)))
})
gone.run()
