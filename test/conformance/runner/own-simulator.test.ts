/**
 * The conformance runner against modbridge's own simulator (buildDevices(defaultDeviceFile([1]))
 * served by createServer): over Modbus TCP on 127.0.0.1, and over RTU and ASCII on socat PTY pairs.
 * Level strict, no profile: the runner probes the device first. A correct device passes every
 * must case, and the must cases really run (they are not all skipped).
 */
import { suite, type Test } from 'uvu'
import * as assert from 'uvu/assert'
import { runConformance } from '../../../conformance/runner.ts'
import type { ConformanceReport } from '../../../conformance/report.ts'
import { buildDevices, createServer, defaultDeviceFile } from '../../../core/index.ts'
import { ptyPair } from '../../helpers/pty.ts'
import { setUp } from '../../interop/helpers.ts'
import { DEFAULT_PROFILE, UNIT } from './fixtures/defective-devices.ts'
import { caseOf, describeFailures, idsWith } from './fixtures/report-checks.ts'

/** Reply timeout and expected-silence window, ms: the simulator answers within a few ms on 127.0.0.1 and on a PTY. */
const WAIT_MS = 250
const SILENCE_MS = 150

type Start = (onClose: (close: () => unknown) => void) => Promise<ConformanceReport>

/**
 * Serves the default device on `address` and runs the runner against `target` — for a serial line
 * the other end of the PTY pair; for TCP the address the server bound (port 0 resolved).
 */
async function serveAndRun(onClose: (close: () => unknown) => void, address: string, target?: string): Promise<ConformanceReport> {
  const devices = buildDevices(defaultDeviceFile([UNIT]))
  const server = createServer(address, { context: devices.context })
  onClose(() => server.close())
  const served = await server.listen()
  const report = await runConformance({ target: target ?? served, unit: UNIT, level: 'strict', waitMs: WAIT_MS, silenceMs: SILENCE_MS })
  console.log(`conformance run against the simulator over ${report.target.framer}: ${report.durationMs} ms for ${report.summary.total} cases`)
  return report
}

const tcp: Start = (onClose) => serveAndRun(onClose, 'tcp://127.0.0.1:0')

function serial(kind: 'rtu' | 'ascii'): Start {
  return async (onClose) => {
    const pty = await ptyPair()
    onClose(pty.close)
    return serveAndRun(onClose, `${kind}://${pty.a}?baud=19200`, `${kind}://${pty.b}?baud=19200`)
  }
}

/** A suite with the checks every medium shares; `framing` is the prefix of the frame cases the medium runs. */
function simulatorSuite(name: string, framer: string, framing: string, start: Start): { test: Test; report: () => ConformanceReport } {
  const test = suite(`conformance runner ↔ modbridge simulator over ${name}`)
  const report = setUp(test, start)

  test(`the run used the ${framer} framer and judged at level strict`, () => {
    assert.is(report().target.framer, framer)
    assert.is(report().level, 'strict')
  })
  test('the probe finds what the default device has: the hand-written profile the defect tests use', () => {
    assert.equal(report().profile, { unit: UNIT, ...DEFAULT_PROFILE })
  })
  test('every must case passes or is skipped', () => {
    assert.equal(idsWith(report(), ['fail', 'error'], 'must'), [], describeFailures(report()))
  })
  test('the summary verdict is pass: no case of any severity failed', () => {
    assert.is(report().summary.verdict, 'pass', describeFailures(report()))
    assert.is(report().summary.failed + report().summary.errors, 0)
  })
  test('the must cases ran: more than 150 passed', () => {
    const must = report().summary.bySeverity.must
    assert.ok(must.passed > 150, `${must.passed} must cases passed`)
    assert.is(must.passed + must.skipped, must.total)
  })
  test(`the ${framing}* cases ran and passed`, () => {
    const frame = report().cases.filter((c) => c.id.startsWith(framing))
    assert.ok(frame.length >= 4, `${frame.length} ${framing} cases`)
    assert.equal(frame.filter((c) => c.verdict !== 'pass').map((c) => c.id), [])
  })
  return { test, report }
}

// --- Modbus TCP

const overTcp = simulatorSuite('Modbus TCP (127.0.0.1)', 'tcp', 'frame.mbap.', tcp)
overTcp.test('listen-only mode is a serial-line scenario: skipped over TCP, every other must case passed', () => {
  assert.equal(idsWith(overTcp.report(), ['skip'], 'must'), ['scenario.listen-only-and-restart'])
})
overTcp.test.run()

// --- RTU on a PTY pair

const overRtu = simulatorSuite('RTU on a PTY pair (19200 baud)', 'rtu', 'frame.serial.', serial('rtu'))
overRtu.test('listen-only mode and Restart Communications ran on the serial line and passed', () => {
  assert.is(caseOf(overRtu.report(), 'scenario.listen-only-and-restart').verdict, 'pass')
})
overRtu.test.run()

// --- ASCII on a PTY pair

const overAscii = simulatorSuite('ASCII on a PTY pair (19200 baud)', 'ascii', 'frame.serial.', serial('ascii'))
overAscii.test('listen-only mode and Restart Communications ran on the serial line and passed', () => {
  assert.is(caseOf(overAscii.report(), 'scenario.listen-only-and-restart').verdict, 'pass')
})
overAscii.test.run()
