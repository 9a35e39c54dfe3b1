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
    return runConformance({ target: target ?? device.target, unit: UNIT, profile: DEFAULT_PROFILE, level: 'strict', only, waitMs: WAIT_MS, silenceMs: SILENCE_MS })
  }
}

/** What a run against a defective device must show. */
interface Expectation {
  /** Cases that fail because of the defect (exactly these fail). */
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

  test('the run fails', () => {
    assert.is(report().summary.verdict, 'fail')
  })
  test(`exactly the cases that name the defect do not pass: ${e.failed.join(', ')}`, () => {
    assert.equal(idsWith(report(), ['fail']), [...e.failed].sort(), describeFailures(report()))
    assert.equal(idsWith(report(), ['error']), [...(e.errors ?? [])].sort(), describeFailures(report()))
    assert.equal(notPassed(report()), [...e.failed, ...(e.errors ?? [])].sort())
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
correctTcp('passes every case; only the serial-line scenario is skipped', () => {
  assert.is(tcpBaseline().summary.verdict, 'pass', describeFailures(tcpBaseline()))
  assert.equal(idsWith(tcpBaseline(), ['skip']), ['scenario.listen-only-and-restart'])
  assert.ok(tcpBaseline().summary.bySeverity.must.passed > 150)
})
correctTcp.run()

// --- the RTU device without a defect

const correctRtu = suite('conformance runner ↔ the RTU fixture on a PTY without a defect')
const rtuBaseline = setUp(correctRtu, startAndRun(NO_DEFECT.rtu))
correctRtu('passes every case, the serial framing and listen-only cases included', () => {
  assert.is(rtuBaseline().summary.verdict, 'pass', describeFailures(rtuBaseline()))
  assert.equal(idsWith(rtuBaseline(), ['skip']), [])
  assert.ok(rtuBaseline().summary.bySeverity.must.passed > 150)
  assert.ok(rtuBaseline().cases.filter((c) => c.id.startsWith('frame.serial.')).length === 5)
})
correctRtu.run()

// --- (a) RTU: CRC bytes swapped in every reply

// Every reply is dropped by the runner's framer, so each case that needs a reply waits out the
// timeout: the run is limited to 03 and 06 (and the broadcast case, which is 06).
// frame.serial.bad-checksum-silent is about the device's receiver, not its replies: not run here,
// and the should-level length cases pass (silence is accepted for them on a serial line).
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
    'frame.serial.broadcast-write',
  ],
  message: /^no valid reply \(MB_ERR_CHECKSUM: CRC mismatch|did not take effect/,
  unaffected: ['vector.03-req-truncated', 'vector.03-req-too-long', 'vector.06-req-truncated'],
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
