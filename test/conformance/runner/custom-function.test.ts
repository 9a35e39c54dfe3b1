/**
 * A user function code registered once is judged by the conformance runner like a built-in one.
 * Code 0x41 (§5.1: user-defined, 65-72) 'readCounter': request `41 | address u16`, response
 * `41 | value u32`, whose semantics say the correct reply is 5 bytes. The same registry serves the
 * device (core's createServer, over TCP on 127.0.0.1) and is handed to the runner with a request
 * vector for the code; defective devices answer with one byte too few or too many. The response
 * codec only checks that the bytes it reads are there, so a reply that is too long decodes: its
 * length is judged by the reply rule alone.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { buildDevices, createServer, defaultDeviceFile, defaultRegistry, PduError, type FunctionSpec, type PduCodec } from '../../../core/index.ts'
import { runConformance } from '../../../conformance/runner.ts'
import type { ConformanceReport } from '../../../conformance/report.ts'
import type { PduVector } from '../../../vectors/loader.ts'
import { setUp } from '../../interop/helpers.ts'
import { DEFAULT_PROFILE, startTcpDevice, UNIT, type Defect } from './fixtures/defective-devices.ts'
import { caseOf } from './fixtures/report-checks.ts'

const READ_COUNTER = 0x41
const WAIT_MS = 250
const SILENCE_MS = 100

interface ReadCounterRequest {
  function: 'readCounter'
  address: number
}
interface ReadCounterResponse {
  function: 'readCounter'
  value: number
}

function lengthError(what: string, got: number, expected: number): PduError {
  return new PduError('MB_ERR_LENGTH', `readCounter ${what}: PDU is ${got} bytes, expected ${expected}`, { functionCode: READ_COUNTER })
}

/** 41 | address u16 */
const request: PduCodec<ReadCounterRequest> = {
  size: () => 3,
  write(msg, buf, o) {
    buf[o] = READ_COUNTER
    buf.writeUInt16BE(msg.address, o + 1)
    return o + 3
  },
  read(buf, o, end) {
    if (end - o !== 3) throw lengthError('request', end - o, 3)
    return { function: 'readCounter', address: buf.readUInt16BE(o + 1) }
  },
  frameLength: () => 3,
}

/** 41 | value u32 (trailing bytes are not the codec's business: the reply rule judges the length) */
const response: PduCodec<ReadCounterResponse> = {
  size: () => 5,
  write(msg, buf, o) {
    buf[o] = READ_COUNTER
    buf.writeUInt32BE(msg.value, o + 1)
    return o + 5
  },
  read(buf, o, end) {
    if (end - o < 5) throw lengthError('response', end - o, 5)
    return { function: 'readCounter', value: buf.readUInt32BE(o + 1) }
  },
  frameLength: () => 5,
}

const readCounter: FunctionSpec<ReadCounterRequest, ReadCounterResponse> = {
  code: READ_COUNTER,
  name: 'readCounter',
  family: 'user',
  request,
  response,
  semantics: { effect: 'read', broadcast: false, reply: () => ({ length: 5, echo: 1 }) },
}

/** The one registration: the device serves it, the runner judges by it. */
const registry = defaultRegistry.clone().register(readCounter)

/** The device's side of the code: the counter at `address`. */
const executors = { readCounter: (r: ReadCounterRequest): ReadCounterResponse => ({ function: 'readCounter', value: 0x00010000 + r.address }) }

/** The request vector the runner replays for the code. */
const VECTOR: PduVector = {
  id: '41-req-read-counter',
  spec: '§5.1 (user-defined function code)',
  direction: 'request',
  hex: '41 00 07',
  fields: { function: 'readCounter', address: 7 },
  file: '(custom-function.test.ts)',
  function: 'readCounter',
  code: READ_COUNTER,
}
const CASE_ID = `vector.${VECTOR.id}`

function run(target: string): Promise<ConformanceReport> {
  return runConformance({
    target,
    unit: UNIT,
    profile: { ...DEFAULT_PROFILE, functions: [...DEFAULT_PROFILE.functions, READ_COUNTER] },
    level: 'strict',
    only: [READ_COUNTER],
    registry,
    vectors: [VECTOR],
    waitMs: WAIT_MS,
    silenceMs: SILENCE_MS,
  })
}

/** Serves the default device plus readCounter with core's TCP server. */
async function correctDevice(onClose: (close: () => unknown) => void): Promise<ConformanceReport> {
  const devices = buildDevices(defaultDeviceFile([UNIT]))
  const server = createServer('tcp://127.0.0.1:0', { context: devices.context, registry, executors })
  onClose(() => server.close())
  return run(await server.listen())
}

/** A device that serves readCounter with the same registry and then cuts or pads each reply to `length` bytes. */
function defectiveDevice(length: number) {
  const defect: Defect = {
    name: `readCounter answered with ${length} bytes`,
    medium: 'tcp',
    reply(req, reply) {
      if (!reply || req[0] !== READ_COUNTER) return reply
      const out = Buffer.alloc(length)
      reply.copy(out, 0, 0, Math.min(length, reply.length))
      return out
    },
  }
  return async (onClose: (close: () => unknown) => void): Promise<ConformanceReport> => {
    const device = await startTcpDevice(defect, { registry, executors })
    onClose(device.close)
    return run(device.target)
  }
}

// --- a correct device

const correct = suite('conformance runner ↔ a user function code (0x41 readCounter, registered once): correct device')
const correctReport = setUp(correct, correctDevice)

correct('the run replays the vector for 0x41 and nothing else but the run-level wire case (only: [0x41])', () => {
  assert.equal(correctReport().cases.map((c) => c.id), [CASE_ID, 'wire.no-unsolicited-frames'])
})
correct('a 5-byte reply passes the registry reply check', () => {
  const c = caseOf(correctReport(), CASE_ID)
  assert.is(c.verdict, 'pass', c.message ?? '')
  assert.ok(c.actual.hex?.endsWith('41 00 01 00 07'), c.actual.hex ?? 'no reply')
})
correct("the report describes the reply with the runner's registry", () => {
  assert.match(caseOf(correctReport(), CASE_ID).actual.description, /^readCounter \{"value":65543\}$/)
})
correct.run()

// --- one byte short, one byte long

for (const length of [4, 6]) {
  const defective = suite(`conformance runner ↔ a user function code (0x41 readCounter): a ${length}-byte reply`)
  const report = setUp(defective, defectiveDevice(length))
  defective('the run fails on that case alone', () => {
    assert.is(report().summary.verdict, 'fail')
    assert.is(caseOf(report(), CASE_ID).verdict, 'fail')
    assert.equal(report().cases.map((c) => c.id), [CASE_ID, 'wire.no-unsolicited-frames'])
    assert.is(caseOf(report(), 'wire.no-unsolicited-frames').verdict, 'pass')
  })
  defective(`the reason names the length: ${length} bytes where 5 are due`, () => {
    assert.match(caseOf(report(), CASE_ID).message ?? '', new RegExp(`\\b${length} bytes\\b.*\\b5\\b`))
  })
  defective.run()
}
