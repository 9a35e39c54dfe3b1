import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createRtuFramer, encodeRequest, encodeResponse, type Adu, type FrameError } from '../../../core/index.ts'
import { LineReceiver } from '../../../core/transport/line-receiver.ts'
import { createAsciiFramer } from '../../../core/framers/ascii.ts'

const test = suite('line receiver: one receive side for serial lines and RTU over TCP')

function collect(framing: 'rtu' | 'ascii' | 'binary') {
  const frames: string[] = []
  const errors: FrameError[] = []
  const line = new LineReceiver({
    framing,
    expect: 'response',
    sink: { frame: (a: Adu) => frames.push(`${a.unit}:${a.pdu.toString('hex')}`), error: (e) => errors.push(e) },
  })
  return { line, frames, errors }
}

test('rtu: a reply only the request can size (08/00) is framed once the request is known', () => {
  const request = encodeRequest({ function: 'diagnostics', subFunction: 0, data: [1, 2, 3] })
  const reply = createRtuFramer({ expect: 'response' }).encode(4, encodeResponse({ function: 'diagnostics', subFunction: 0, data: [1, 2, 3] }))
  const { line, frames } = collect('rtu')
  line.push(reply)
  assert.equal(frames, [], 'without the request the frame waits for silence')
  line.reset()
  line.expectReplyTo(request)
  line.push(reply)
  assert.equal(frames, [`4:${request.toString('hex')}`])
})

test('rtu: garbage and a bad CRC are counted as framing errors; the good frame after them still arrives', () => {
  const good = createRtuFramer({ expect: 'response' }).encode(1, encodeResponse({ function: 'readHoldingRegisters', values: [7] }))
  const bad = Buffer.from(good)
  bad[bad.length - 1] ^= 0xff
  const { line, frames, errors } = collect('rtu')
  line.push(Buffer.concat([bad, good]))
  line.end()
  assert.equal(frames, ['1:03020007'])
  assert.ok(errors.length >= 1)
  assert.is(line.stats.framingErrors, errors.length)
  assert.ok(line.stats.checksumErrors >= 1)
})

test('ascii: the end delimiter follows 08/03 when set', () => {
  const { line, frames } = collect('ascii')
  const adu = createAsciiFramer().encode(2, encodeResponse({ function: 'readHoldingRegisters', values: [1] }))
  line.setAsciiDelimiter(0x21)
  line.push(Buffer.concat([adu.subarray(0, adu.length - 1), Buffer.from('!')]))
  assert.equal(frames, ['2:03020001'])
})

test('the time of the last byte is kept for the t3.5 gap', () => {
  const { line } = collect('binary')
  assert.is(line.lastActivity, 0)
  line.push(Buffer.from([0]))
  assert.ok(line.lastActivity > 0)
})

test.run()
