import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createRtuFramer, defaultRegistry, encodeRequest, encodeResponse } from '../../../core/index.ts'
import { feed, recorder, splitEverywhere } from '../../helpers/framing.ts'

const test = suite('rtu framer')
const requests = () => createRtuFramer({ expect: 'request' })
const responses = () => createRtuFramer({ expect: 'response' })
const read = encodeRequest({ function: 'readHoldingRegisters', address: 0, quantity: 10 })
const adu = requests().encode(1, read)

test('encode appends the CRC low byte first (01 03 00 00 00 0a c5 cd)', () => {
  assert.is(adu.toString('hex'), '01030000000ac5cd')
})

test('a bad-CRC frame followed by a good one: the good one decodes, one checksum error, 8 bytes dropped', () => {
  const bad = Buffer.from(adu)
  bad[7] ^= 0xff
  const input = Buffer.concat([bad, adu])
  for (const [label, chunks] of splitEverywhere(input)) {
    const out = feed(requests, chunks, true)
    assert.equal(out.frames.map((f) => f.raw), [adu.toString('hex')], label)
    assert.equal(out.errors.map((e) => e.code), ['MB_ERR_CHECKSUM'], label)
    assert.is(out.errors[0].bytes.toString('hex'), bad.toString('hex'), label)
    assert.is(out.framer.stats.checksumErrors, 1, label)
    assert.is(out.framer.stats.droppedBytes, 8, label)
  }
})

test('leading garbage is dropped one byte at a time until a frame checks', () => {
  const input = Buffer.concat([Buffer.from([0x00, 0x55, 0x01]), adu])
  for (const [label, chunks] of splitEverywhere(input)) {
    const out = feed(requests, chunks, true)
    assert.equal(out.frames.map((f) => f.raw), [adu.toString('hex')], label)
    assert.is(out.framer.stats.droppedBytes, 3, label)
    assert.is(out.errors.length, 1, label)
  }
})

test('response side: byte-count responses and 5-byte exception responses back to back', () => {
  const r = responses()
  const ok = r.encode(1, encodeResponse({ function: 'readHoldingRegisters', values: [1, 2, 3] }))
  const ex = r.encode(1, encodeResponse({ function: 'readHoldingRegisters', exception: 2 }))
  assert.is(ex.length, 5)
  for (const [label, chunks] of splitEverywhere(Buffer.concat([ok, ex, ok]))) {
    const out = feed(responses, chunks)
    assert.equal(out.frames.map((f) => f.pdu), ['0306000100020003', '8302', '0306000100020003'], label)
    assert.is(out.buffered, 0, label)
  }
})

test('a byte count that disagrees with the frame: when the CRC holds over all that arrived, that is the frame (SL §2.5.1.1: silence ends a frame)', () => {
  // libmodbus's unit test: write multiple registers, quantity 0, byte count 0, then six data bytes.
  const crafted = requests().encode(0x11, Buffer.from('100160000000022b00010064', 'hex'))
  const whole = feed(requests, [crafted], true)
  assert.equal(whole.frames.map((f) => f.pdu), ['100160000000022b00010064'], 'delivered for the request checks to answer 03')
  assert.is(whole.errors.length, 0)
  // The same for a reply whose byte count lies: the client's reply check then refuses it.
  const lying = responses().encode(1, Buffer.from('0304000100020003', 'hex'))
  assert.equal(feed(responses, [lying], true).frames.map((f) => f.pdu), ['0304000100020003'])
  // Followed by a good frame in the same chunk, the CRC over both does not hold: the good one is found by resync.
  const out = feed(requests, [Buffer.concat([crafted.subarray(0, 9), adu])], true)
  assert.equal(out.frames.map((f) => f.raw), [adu.toString('hex')])
})

test('an unknown function code ends at line silence, not before', () => {
  const custom = requests().encode(7, Buffer.from([0x41, 1, 2, 3]))
  const f = requests()
  const sink = recorder()
  assert.is(f.push(custom, sink), custom.length)
  assert.is(sink.frames.length, 0)
  f.end(sink)
  assert.equal(sink.frames.map((x) => x.pdu), ['41010203'])
})

test('with probe, an unknown-length frame ends as soon as its CRC checks (RTU over TCP)', () => {
  const loop = encodeRequest({ function: 'diagnostics', subFunction: 0, data: [0xa537, 0x1234] })
  const input = Buffer.concat([requests().encode(1, loop), adu])
  const out = feed(() => createRtuFramer({ expect: 'request', probe: true }), [input.subarray(0, 11), input.subarray(11)])
  assert.equal(out.frames.map((f) => f.pdu), [loop.toString('hex'), read.toString('hex')])
})

test('expectReplyTo sizes a reply whose length only the request knows, by the registry reply rule', () => {
  const echo = encodeResponse({ function: 'diagnostics', subFunction: 0, data: [1, 2, 3] })
  const f = createRtuFramer({ expect: 'response' })
  f.expectReplyTo(encodeRequest({ function: 'diagnostics', subFunction: 0, data: [1, 2, 3] }))
  const sink = recorder()
  assert.is(f.push(f.encode(1, echo), sink), 0)
  assert.equal(sink.frames.map((x) => x.pdu), [echo.toString('hex')])
})

test('a byte count implying more than 256 bytes is oversize and resyncs', () => {
  const out = feed(requests, [Buffer.concat([Buffer.from('011000000078ff', 'hex'), adu])], true)
  assert.equal(out.frames.map((f) => f.raw), [adu.toString('hex')])
  assert.is(out.errors[0].code, 'MB_ERR_OVERSIZE')
})

test('a user function code registered with a fixed length frames without silence', () => {
  const registry = defaultRegistry.clone().register({
    code: 0x41,
    name: 'vendorPing',
    family: 'user',
    request: { size: () => 2, write: (_m, b, o) => ((b[o] = 0x41), (b[o + 1] = 0), o + 2), read: () => ({ function: 'vendorPing' }), frameLength: () => 2 },
    response: { size: () => 2, write: (_m, b, o) => ((b[o] = 0x41), (b[o + 1] = 1), o + 2), read: () => ({ function: 'vendorPing' }), frameLength: () => 2 },
  })
  const f = createRtuFramer({ expect: 'request', registry })
  const sink = recorder()
  assert.is(f.push(f.encode(3, Buffer.from([0x41, 0])), sink), 0)
  assert.equal(sink.frames.map((x) => x.pdu), ['4100'])
})
test.run()
