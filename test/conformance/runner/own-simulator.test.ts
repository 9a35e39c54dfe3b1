/**
 * The conformance runner against modbridge's own simulator (buildDevices(defaultDeviceFile([1]))
 * served by createServer): over Modbus TCP on 127.0.0.1, and over RTU and ASCII on socat PTY pairs.
 * Level strict, no profile: the runner probes the device first. A correct device passes every
 * must case, and the must cases really run (they are not all skipped).
 *
 * No case of any severity fails on any medium (SIMULATOR_WARNINGS is empty). Last, a simulator that
 * implements fewer diagnostics sub-functions and no MEI type, judged against a profile that says
 * so: every case passes or is skipped.
 */
import { suite, type Test } from 'uvu'
import * as assert from 'uvu/assert'
import { runConformance } from '../../../conformance/runner.ts'
import type { ConformanceReport } from '../../../conformance/report.ts'
import { buildDevices, createServer, defaultDeviceFile, defaultRegistry, PduError, type Registry } from '../../../core/index.ts'
import { ptyPair } from '../../helpers/pty.ts'
import { setUp } from '../../interop/helpers.ts'
import { DEFAULT_PROFILE, UNIT } from './fixtures/defective-devices.ts'
import { caseOf, describeFailures, idsWith } from './fixtures/report-checks.ts'

/** Reply timeout and expected-silence window, ms: the simulator answers within a few ms on 127.0.0.1 and on a PTY. */
const WAIT_MS = 250
const SILENCE_MS = 150

/**
 * The simulator has no deviation left: its request handler asks whether the sub-function is
 * supported before it looks at 08's data, so `08 00 16 00` (unknown sub-function 0x16, one odd byte
 * of data) draws 01 as §6.8's state diagram says.
 */
const SIMULATOR_WARNINGS: string[] = []

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
  test('the probe says what it could not determine', () => {
    const notes = report().notes.join('\n')
    assert.match(notes, /scanned every \d+ addresses, then each edge bisected/)
    assert.match(notes, /Report Server ID \(11\): the server id's length cannot be told/)
  })
  test('every must case passes or is skipped', () => {
    assert.equal(idsWith(report(), ['fail', 'error'], 'must'), [], describeFailures(report()))
  })
  test('the summary verdict is pass, with no warning either', () => {
    assert.is(report().summary.verdict, 'pass', describeFailures(report()))
    assert.equal(idsWith(report(), ['fail', 'error']), SIMULATOR_WARNINGS)
    assert.is(report().summary.warnings, SIMULATOR_WARNINGS.length)
  })
  test('no byte the simulator sent was late, duplicate or stray', () => {
    assert.equal(report().cases.flatMap((c) => c.wire), [])
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
overTcp.test('the whole TCP run, probe included, takes under 2 s', () => {
  assert.ok(overTcp.report().durationMs < 2000, `${overTcp.report().durationMs} ms`)
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

// --- fewer sub-functions and no MEI type

/** The diagnostics sub-functions the limited simulator implements. */
const FEW_SUB_FUNCTIONS = [0x00, 0x0a, 0x0b, 0x0c]

/**
 * The default registry with 08 and 2B refusing what the device lacks the way the spec orders it:
 * the request decoder throws MB_ERR_UNKNOWN_FUNCTION (exception 01) for a sub-function or MEI type
 * not in the list before it looks at the data (which would be 03). The server decodes with it.
 */
function limitedRegistry(subFunctions: readonly number[], meiTypes: readonly number[]): Registry {
  const registry = defaultRegistry.clone()
  for (const [code, allowed] of [
    [0x08, subFunctions],
    [0x2b, meiTypes],
  ] as const) {
    const spec = registry.get(code)!
    const request = spec.request
    registry.register({
      ...spec,
      request: {
        ...request,
        read(buf, offset, end) {
          const sub = spec.semantics?.subFunction?.(buf.subarray(offset, end))
          if (sub !== undefined && !allowed.includes(sub)) throw new PduError('MB_ERR_UNKNOWN_FUNCTION', `sub-function ${sub} is not implemented`, { functionCode: code })
          return request.read(buf, offset, end)
        },
      },
    })
  }
  return registry
}

const limited = suite('conformance runner ↔ modbridge simulator with fewer diagnostics sub-functions and no MEI type (TCP)')
const limitedReport = setUp(limited, async (onClose) => {
  const devices = buildDevices(defaultDeviceFile([UNIT]))
  const server = createServer('tcp://127.0.0.1:0', { context: devices.context, registry: limitedRegistry(FEW_SUB_FUNCTIONS, []) })
  onClose(() => server.close())
  const profile = { ...DEFAULT_PROFILE, diagnostics: FEW_SUB_FUNCTIONS, meiTypes: [] }
  return runConformance({ target: await server.listen(), unit: UNIT, profile, level: 'strict', waitMs: WAIT_MS, silenceMs: SILENCE_MS })
})
limited('no case of any severity fails: 01 is demanded before 03 for what the profile says the device lacks', () => {
  assert.is(limitedReport().summary.verdict, 'pass', describeFailures(limitedReport()))
  assert.equal(idsWith(limitedReport(), ['fail', 'error']), [], describeFailures(limitedReport()))
})
limited('a malformed request for a sub-function the device lacks expects exception 01, with its bytes', () => {
  for (const id of ['vector.08-req-restart-bad-data', 'vector.08-req-modbus-plus-op-0002', 'vector.08-req-unknown-sub-odd']) {
    const c = caseOf(limitedReport(), id)
    assert.is(c.verdict, 'pass', id)
    assert.match(c.expected.description, /^exception 0x01 \(illegalFunction\): diagnostics sub-function \d+ is not claimed/, id)
    assert.ok(c.expected.hex?.endsWith('01 88 01'), `${id}: ${c.expected.hex}`)
  }
})
limited('every 2B request expects 01 (no MEI type claimed), malformed ones included; the identification scenario is skipped', () => {
  for (const id of ['vector.2b-req-spec-example', 'vector.2b-req-read-code-0', 'vector.2b-req-mei-0d-opaque']) {
    assert.is(caseOf(limitedReport(), id).verdict, 'pass', id)
    assert.match(caseOf(limitedReport(), id).expected.description, /^exception 0x01 \(illegalFunction\): MEI type 0x(0E|0D) is not claimed/, id)
  }
  assert.is(caseOf(limitedReport(), 'scenario.device-identification-stream').verdict, 'skip')
})
limited.run()
