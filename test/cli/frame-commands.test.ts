import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createFramer, FRAMER_KINDS, prepare } from '../../core/index.ts'
import { generateFrames } from '../../core/framers/generate.ts'
import { inspectFrames, type InspectedFrame } from '../../core/framers/inspect.ts'
import { runCli } from '../helpers/run-cli.ts'

const roundTrip = suite('frame tools: decode → encode reproduces every generated frame')
for (const kind of FRAMER_KINDS) {
  for (const direction of ['request', 'response'] as const) {
    roundTrip(`${kind} ${direction}s`, () => {
      const generated = generateFrames(kind, { direction })
      assert.ok(generated.length >= (direction === 'request' ? 35 : 34), 'one per function code and diagnostics sub-function (listen-only has no reply)')
      for (const g of generated) {
        const found = inspectFrames(kind, g.adu, { direction: 'auto' })
        assert.is(found.length, 1, `${g.name}: one frame`)
        const frame = found[0] as InspectedFrame
        const msg = frame[direction]
        assert.ok(msg, `${g.name} decodes as a ${direction}: ${JSON.stringify(frame)}`)
        const again = createFramer(kind).encodeWith(frame.unit, prepare(msg!, direction), frame.tid)
        assert.is(again.toString('hex'), g.adu.toString('hex'), g.name)
      }
    })
  }
}
roundTrip.run()

// ---
const cli = suite('modbridge frame (the real command)')

cli('decode prints the frame as JSON with the request decoded and the response error named', async () => {
  const r = await runCli(['frame', 'decode', '--framer', 'rtu', '--hex', '01 03 00 00 00 0a c5 cd'])
  assert.is(r.code, 0, r.stderr)
  const frame = JSON.parse(r.stdout.trim())
  assert.equal(frame.request, { function: 'readHoldingRegisters', address: 0, quantity: 10 })
  assert.is(frame.unit, 1)
  assert.is(frame.response, null)
  assert.is(frame.responseError.code, 'MB_ERR_BYTE_COUNT')
})

cli('encode builds the ASCII frame of the issue example (LRC E2)', async () => {
  const r = await runCli(['frame', 'encode', '--framer', 'ascii', '--unit', '1', '--tid', '7', '--request', '{"function":"readHoldingRegisters","address":18,"quantity":8}'])
  assert.is(r.code, 0, r.stderr)
  assert.is(Buffer.from(r.stdout.trim(), 'hex').toString('latin1'), ':010300120008E2\r\n')
})

cli('generate lists every function code with its ADU', async () => {
  const r = await runCli(['frame', 'generate', '--framer', 'tcp', '--direction', 'request'])
  assert.is(r.code, 0, r.stderr)
  const lines = r.stdout.trim().split('\n')
  assert.ok(lines.some((l) => l === 'readHoldingRegisters\t000100000006ff0300120008'), 'defaults: tid 1, unit 0xFF, address 0x12, quantity 8')
  assert.ok(lines.some((l) => l.startsWith('diagnostics/returnBusMessageCount\t')))
})

cli('a framing error is reported in the output, not thrown', async () => {
  const r = await runCli(['frame', 'decode', '--framer', 'rtu', '--direction', 'request', '--hex', '01 03 00 00 00 0a c5 ce'])
  assert.is(r.code, 0, r.stderr)
  assert.is(JSON.parse(r.stdout.trim().split('\n')[0]).framingError.code, 'MB_ERR_CHECKSUM')
})

cli('bad input gets a clear error and exit code 2', async () => {
  const bad = await runCli(['frame', 'decode', '--framer', 'rtu', '--hex', 'zz'])
  assert.is(bad.code, 2)
  assert.match(bad.stderr, 'MB_ERR_INVALID_ARGUMENT')
  const json = await runCli(['frame', 'encode', '--framer', 'rtu', '--request', '{"function":"readCoils","address":0,"quantity":0}'])
  assert.is(json.code, 2)
  assert.match(json.stderr, 'MB_ERR_RANGE')
  assert.match(json.stderr, 'quantity 0')
  const missing = await runCli(['frame', 'decode', '--hex', '00'])
  assert.is(missing.code, 2)
  assert.match(missing.stderr, 'framer')
})
cli.run()
