/**
 * The conformance runner against an independent device: libmodbus (Debian's libmodbus-dev, 3.1.6),
 * a small server compiled at test time from fixtures/libmodbus-device.c — modbus_receive then
 * modbus_reply with a mapping of 100 of each table from address 0 — over Modbus TCP on 127.0.0.1
 * and over RTU on a socat PTY pair (unit 1, 19200 baud). Level strict, with a profile written for
 * that mapping; Report Server ID's id is one byte (libmodbus sends B4, the run indicator FF, then
 * "LMB" and its version).
 *
 * Every MUST failure is pinned, grouped by deviation, each with the spec section that makes it one
 * and what libmodbus's source does; any other MUST failure fails the test. What libmodbus does
 * (src/modbus.c, modbus_reply and _modbus_receive_msg):
 * - 05: the address is checked before the value (§6.5's diagram checks the value first: 03);
 * - 0F: the byte count is not checked against the quantity (§6.11: 03);
 * - Modbus/TCP: the MBAP protocol id is not checked (MB TCP guide §3.1.3: 0 is Modbus), and the
 *   length field is not read: a request is framed by its function code, so a malformed length
 *   leaves bytes behind or waits for more (SHOULD cases: warnings; the runner starts the case
 *   after a malformed request on a fresh connection, so the next case is not judged on leftovers);
 * - 07 is never answered (3.1.6's modbus_reply returns without a reply; §7 requires 01);
 * - RTU: frames are sized by their function code too, so a request for a function libmodbus does
 *   not implement that carries any data (08, 14, 15, 18, 2B, the unassigned codes) is cut after two
 *   bytes, fails its CRC and is dropped, never answered 01 (§7; SL §2.5.1.1: a frame ends at
 *   silence); and garbage before a frame swallows the frame (SL §2.5.1.1: t3.5 of silence starts a
 *   new frame).
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import { startUntilReady as start } from '../../helpers/spawn-ready.ts'
import * as assert from 'uvu/assert'
import { runConformance } from '../../../conformance/runner.ts'
import type { DeviceProfile } from '../../../conformance/profile.ts'
import type { ConformanceReport } from '../../../conformance/report.ts'
import { ptyPair } from '../../helpers/pty.ts'
import { setUp } from '../../interop/helpers.ts'
import { caseOf, describeFailures, idsWith } from './fixtures/report-checks.ts'

const SOURCE = fileURLToPath(new URL('./fixtures/libmodbus-device.c', import.meta.url))

/** What libmodbus-device.c serves. */
const PROFILE: DeviceProfile = {
  functions: [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0f, 0x10, 0x11, 0x16, 0x17],
  readable: { coils: [[0, 99]], discreteInputs: [[0, 99]], holdingRegisters: [[0, 99]], inputRegisters: [[0, 99]] },
  writable: { coils: [[0, 99]], holdingRegisters: [[0, 99]] },
  serverIdLength: 1,
}

/** Reply window and silence window, ms: libmodbus answers within a few ms, or after its 20 ms "flush". */
const WAIT_MS = 250
const SILENCE_MS = 100

/** Compiles the fixture with cc into a temporary folder; fails (never skips) without libmodbus-dev. */
function compile(onClose: (close: () => unknown) => void): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'libmodbus-device-'))
  onClose(() => rmSync(dir, { recursive: true, force: true }))
  const binary = join(dir, 'libmodbus-device')
  return new Promise((resolve, reject) => {
    execFile('cc', ['-O1', '-Wall', '-I/usr/include/modbus', '-o', binary, SOURCE, '-lmodbus'], { timeout: 60_000 }, (err, _out, stderr) => {
      if (err) reject(new Error(`cannot compile ${SOURCE} (.ci/run installs libmodbus-dev with apt-get): ${err.message}\n${stderr}`))
      else resolve(binary)
    })
  })
}

const vectors = (prefix: string, names: string[]) => names.map((n) => `vector.${prefix}-${n}`)

/** One deviation: the MUST cases it fails, the section that makes it one, what the runner says. */
interface Deviation {
  what: string
  spec: string
  ids: string[]
  message: RegExp
}

const COIL_VALUE_AFTER_ADDRESS: Deviation = {
  what: '05: the address (0x00AC, outside the map) is checked before the value',
  spec: '§6.5 state diagram: output value 0x0000 or 0xFF00, else 03, before the address',
  ids: vectors('05-req', ['value-0001', 'value-00ff', 'value-ff01', 'value-ffff', 'value-0100']),
  message: /^exception 0x02 instead of 0x03/,
}

const READ_EXCEPTION_STATUS_UNANSWERED: Deviation = {
  what: '07 (read exception status, not implemented) draws no reply at all',
  spec: '§7: a function the device does not implement draws exception 01',
  ids: ['vector.07-req-spec-example'],
  message: /^no reply$/,
}

/**
 * The failed MUST cases whose request is for a function libmodbus does not implement and carries
 * data (an RTU ADU longer than address, function and CRC). Every one must fail with "no reply";
 * any other failed MUST case must belong to another deviation.
 */
const UNFRAMED_UNKNOWN_FUNCTIONS = (report: ConformanceReport) =>
  report.cases
    .filter((c) => c.severity === 'must' && c.verdict === 'fail' && c.functionCode !== null && ![...PROFILE.functions, 0x07].includes(c.functionCode))
    .filter((c) => (c.request?.split(' ').length ?? 0) > 4)
    .map((c) => c.id)

// --- Modbus/TCP

const tcp = suite('conformance runner ↔ libmodbus 3.1.6 over Modbus/TCP (fixtures/libmodbus-device.c)')
const tcpReport = setUp(tcp, async (onClose): Promise<ConformanceReport> => {
  const binary = await compile(onClose)
  const [, port] = await start(binary, ['tcp'], /READY tcp (\d+)/, onClose)
  const r = await runConformance({ target: `tcp://127.0.0.1:${port}`, unit: 1, profile: PROFILE, level: 'strict', waitMs: WAIT_MS, silenceMs: SILENCE_MS })
  console.log(`conformance run against libmodbus over TCP: ${r.durationMs} ms, ${r.summary.total} cases, ${r.summary.bySeverity.must.failed} MUST failures, ${r.summary.warnings} warnings`)
  return r
})

const TCP_DEVIATIONS: Deviation[] = [
  COIL_VALUE_AFTER_ADDRESS,
  READ_EXCEPTION_STATUS_UNANSWERED,
  {
    what: '0F: a byte count that disagrees with the quantity is not refused',
    spec: '§6.11: byte count = ceil(quantity / 8), else 03',
    ids: vectors('0f-req', ['byte-count-high', 'byte-count-eight-plus-one']),
    message: /^answered normally instead of with an exception$/,
  },
  {
    what: 'MBAP: a frame with protocol id 1 is answered',
    spec: 'MB TCP guide §3.1.3: protocol identifier 0 = Modbus',
    ids: ['frame.mbap.protocol-id-dropped'],
    message: /^the device answered$/,
  },
]

tcp('the run fails on MUST failures, with no case left unjudged', () => {
  assert.is(tcpReport().summary.verdict, 'fail')
  assert.equal(idsWith(tcpReport(), ['error', 'not-run']), [])
})
for (const d of TCP_DEVIATIONS) {
  tcp(`deviation (${d.spec}): ${d.what}`, () => {
    for (const id of d.ids) {
      const c = caseOf(tcpReport(), id)
      assert.is(c.verdict, 'fail', id)
      assert.match(c.message ?? '', d.message, id)
    }
  })
}
tcp('the MUST failures are exactly those deviations', () => {
  assert.equal(idsWith(tcpReport(), ['fail'], 'must'), TCP_DEVIATIONS.flatMap((d) => d.ids).sort(), describeFailures(tcpReport()))
})
tcp('ignoring the MBAP length shows in SHOULD cases (warnings): a PDU one byte too long is served as if it ended early', () => {
  for (const id of vectors('06-req', ['too-long']).concat(vectors('10-req', ['too-long']))) {
    assert.is(caseOf(tcpReport(), id).verdict, 'fail', id)
    assert.match(caseOf(tcpReport(), id).message ?? '', /^answered normally instead of with an exception$/, id)
  }
  assert.ok(tcpReport().summary.warnings > 0)
})
tcp('no reply was judged as another case\'s: nothing late, duplicate or stray', () => {
  assert.equal(tcpReport().cases.flatMap((c) => c.wire), [])
  assert.is(caseOf(tcpReport(), 'wire.no-unsolicited-frames').verdict, 'pass')
})
tcp('Report Server ID: the id is B4 (the profile says 1 byte), the run indicator FF, then "LMB" and the version', () => {
  const c = caseOf(tcpReport(), 'vector.11-req-spec-example')
  assert.is(c.verdict, 'pass', c.message ?? '')
  assert.match(c.actual.description, /^reportServerId: server id b4, run indicator 0xFF, additional data 4c4d42/)
})
tcp.run()

// --- RTU on a PTY pair

const rtu = suite('conformance runner ↔ libmodbus 3.1.6 over RTU on a PTY pair (fixtures/libmodbus-device.c)')
const rtuReport = setUp(rtu, async (onClose): Promise<ConformanceReport> => {
  const binary = await compile(onClose)
  const pty = await ptyPair()
  onClose(pty.close)
  await start(binary, ['rtu', pty.a], /READY rtu/, onClose)
  const r = await runConformance({ target: `rtu://${pty.b}?baud=19200`, unit: 1, profile: PROFILE, level: 'strict', waitMs: WAIT_MS, silenceMs: SILENCE_MS })
  console.log(`conformance run against libmodbus over RTU: ${r.durationMs} ms, ${r.summary.total} cases, ${r.summary.bySeverity.must.failed} MUST failures, ${r.summary.warnings} warnings`)
  return r
})

rtu('the run fails on MUST failures, with no case left unjudged', () => {
  assert.is(rtuReport().summary.verdict, 'fail')
  assert.equal(idsWith(rtuReport(), ['error', 'not-run']), [])
})
rtu(`deviation (${COIL_VALUE_AFTER_ADDRESS.spec}): ${COIL_VALUE_AFTER_ADDRESS.what}`, () => {
  for (const id of COIL_VALUE_AFTER_ADDRESS.ids) assert.match(caseOf(rtuReport(), id).message ?? '', COIL_VALUE_AFTER_ADDRESS.message, id)
})
rtu(`deviation (${READ_EXCEPTION_STATUS_UNANSWERED.spec}): ${READ_EXCEPTION_STATUS_UNANSWERED.what}`, () => {
  for (const id of READ_EXCEPTION_STATUS_UNANSWERED.ids) assert.match(caseOf(rtuReport(), id).message ?? '', READ_EXCEPTION_STATUS_UNANSWERED.message, id)
})
rtu('deviation (§7 01; SL §2.5.1.1 frames end at silence): a request for a function libmodbus does not implement that carries data is never answered', () => {
  const ids = UNFRAMED_UNKNOWN_FUNCTIONS(rtuReport())
  assert.ok(ids.length > 50, `${ids.length} cases`)
  for (const id of ids) {
    const c = caseOf(rtuReport(), id)
    assert.is(c.verdict, 'fail', id)
    assert.match(c.message ?? '', /^no reply$/, id)
  }
})
rtu('deviation (SL §2.5.1.1: t3.5 of silence starts a new frame): garbage before a frame swallows the frame', () => {
  assert.match(caseOf(rtuReport(), 'frame.serial.garbage-before-frame').message ?? '', /^no reply$/)
})
rtu('the MUST failures are exactly those deviations', () => {
  const expected = [
    ...COIL_VALUE_AFTER_ADDRESS.ids,
    ...READ_EXCEPTION_STATUS_UNANSWERED.ids,
    ...UNFRAMED_UNKNOWN_FUNCTIONS(rtuReport()),
    'frame.serial.garbage-before-frame',
  ]
  assert.equal(idsWith(rtuReport(), ['fail'], 'must'), [...new Set(expected)].sort(), describeFailures(rtuReport()))
})
rtu('0F with a wrong byte count cannot be judged on RTU: libmodbus frames it by the byte count it carries', () => {
  for (const id of vectors('0f-req', ['byte-count-high', 'byte-count-eight-plus-one'])) assert.is(caseOf(rtuReport(), id).verdict, 'skip', id)
})
rtu('what libmodbus does right passes: reads, writes, the serial framing cases, the scenarios it can run', () => {
  const right = [
    'vector.03-req-spec-example',
    'vector.06-req-spec-example',
    'vector.10-req-spec-example',
    'vector.11-req-spec-example',
    'frame.serial.bad-checksum-silent',
    'frame.serial.other-unit-silent',
    'frame.serial.broadcast-write',
    'frame.serial.split-within-t15',
    'scenario.holding-register-write-read-back',
    'scenario.mask-write-formula',
    'wire.no-unsolicited-frames',
  ]
  for (const id of right) assert.is(caseOf(rtuReport(), id).verdict, 'pass', id)
})
rtu.run()
