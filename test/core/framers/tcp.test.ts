import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ArgumentError, createTcpFramer, encodeRequest, FrameError } from '../../../core/index.ts'
import { feed, recorder, splitEverywhere } from '../../helpers/framing.ts'

const test = suite('tcp framer (MBAP)')
const pdu = encodeRequest({ function: 'readHoldingRegisters', address: 0x12, quantity: 8 })
const framer = createTcpFramer()

test('encode writes tid, protocol id 0, length = 1 + PDU, unit', () => {
  assert.is(framer.encode(0x11, pdu, 0x1234).toString('hex'), '123400000006110300120008')
})

test('two frames back to back, split at every offset, keep their transaction ids', () => {
  const input = Buffer.concat([framer.encode(1, pdu, 0xffff), framer.encode(2, pdu, 0x0100)])
  for (const [label, chunks] of splitEverywhere(input)) {
    const out = feed(createTcpFramer, chunks)
    assert.equal(out.frames.map((f) => [f.tid, f.unit, f.pdu]), [[0xffff, 1, pdu.toString('hex')], [0x0100, 2, pdu.toString('hex')]], label)
    assert.is(out.buffered, 0, label)
    assert.is(out.errors.length, 0, label)
    assert.is(out.framer.stats.frames, 2, label)
  }
})

test('a protocol id other than 0 is a FrameError and every buffered byte is dropped', () => {
  const bad = Buffer.from('000100010006110300120008', 'hex')
  const out = feed(createTcpFramer, [Buffer.concat([bad, framer.encode(1, pdu, 2)])])
  assert.is(out.frames.length, 0)
  assert.is(out.errors.length, 1)
  assert.instance(out.errors[0], FrameError)
  assert.is(out.errors[0].code, 'MB_ERR_PROTOCOL_ID')
  assert.is(out.framer.stats.droppedBytes, 24)
  assert.is(out.buffered, 0)
})

test('a length of 1 or 255 is MB_ERR_LENGTH; a later clean stream decodes again', () => {
  for (const length of ['0001', '00ff']) {
    const f = createTcpFramer()
    const sink = recorder()
    f.push(Buffer.from(`00010000${length}11`, 'hex'), sink)
    assert.equal(sink.errors.map((e) => e.code), ['MB_ERR_LENGTH'])
    f.push(framer.encode(1, pdu, 3), sink)
    assert.is(sink.frames.length, 1)
  }
})

test('a partial frame stays buffered; end() reports it truncated', () => {
  const adu = framer.encode(1, pdu, 9)
  const f = createTcpFramer()
  const sink = recorder()
  assert.is(f.push(adu.subarray(0, 9), sink), 9)
  assert.is(sink.frames.length, 0)
  f.end(sink)
  assert.equal(sink.errors.map((e) => e.code), ['MB_ERR_TRUNCATED'])
  assert.is(sink.errors[0].bytes.length, 9)
})

test('frames are views into the pushed chunk when nothing was pending (no copy)', () => {
  const chunk = framer.encode(1, pdu, 4)
  let seen: Buffer | undefined
  createTcpFramer().push(chunk, { frame: (a) => (seen = a.pdu), error: () => {} })
  assert.ok(seen && seen.buffer === chunk.buffer)
})

test('encode rejects a unit, tid or PDU out of range', () => {
  for (const [unit, tid, body] of [[256, 0, pdu], [1, 0x10000, pdu], [1, 0, Buffer.alloc(0)], [1, 0, Buffer.alloc(254)]] as const) {
    try {
      framer.encode(unit, body, tid)
      assert.unreachable('encoded')
    } catch (err) {
      assert.instance(err, ArgumentError)
    }
  }
})
test.run()
