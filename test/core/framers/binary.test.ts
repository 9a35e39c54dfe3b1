import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createBinaryFramer, encodeRequest } from '../../../core/index.ts'
import { feed, recorder, splitEverywhere } from '../../helpers/framing.ts'

const test = suite('binary framer')
const f = createBinaryFramer()

test('encode: "{" + address, PDU, CRC + "}", braces inside doubled', () => {
  const pdu = encodeRequest({ function: 'writeSingleRegister', address: 0x7b7d, value: 0x007d })
  const adu = f.encode(0x7b, pdu)
  assert.is(adu[0], 0x7b)
  assert.is(adu[adu.length - 1], 0x7d)
  assert.is(adu.subarray(1, 3).toString('hex'), '7b7b', 'unit 0x7B doubled')
  assert.ok(adu.includes(Buffer.from('7b7b7d7d', 'hex')), 'address bytes doubled')
})

test('escaped frames round-trip under every split (Spec over PyModbus: undoubled on receipt)', () => {
  const pdu = encodeRequest({ function: 'writeSingleRegister', address: 0x7b7d, value: 0x7d7b })
  const adu = f.encode(0x7d, pdu)
  for (const [label, chunks] of splitEverywhere(Buffer.concat([adu, adu]))) {
    const out = feed(createBinaryFramer, chunks, true)
    assert.equal(out.frames.map((x) => [x.unit, x.pdu]), [[0x7d, pdu.toString('hex')], [0x7d, pdu.toString('hex')]], label)
  }
})

test('a lone "}" at the end of input ends the frame when its CRC checks (no wait for more bytes)', () => {
  const adu = f.encode(1, encodeRequest({ function: 'readCoils', address: 0, quantity: 1 }))
  const sink = recorder()
  assert.is(createBinaryFramer().push(adu, sink), 0)
  assert.is(sink.frames.length, 1)
})

test('garbage and a bad-CRC frame before a good one', () => {
  const good = f.encode(1, encodeRequest({ function: 'readCoils', address: 0, quantity: 1 }))
  const bad = Buffer.from(good)
  bad[3] ^= 0x01
  for (const [label, chunks] of splitEverywhere(Buffer.concat([Buffer.from('0102', 'hex'), bad, good]))) {
    const out = feed(createBinaryFramer, chunks, true)
    assert.equal(out.frames.map((x) => x.raw), [good.toString('hex')], label)
    assert.is(out.framer.stats.checksumErrors, 1, label)
    assert.is(out.framer.stats.droppedBytes, 2 + bad.length, label)
  }
})

test('more than 256 unescaped bytes is oversize', () => {
  const out = feed(createBinaryFramer, [Buffer.concat([Buffer.from([0x7b]), Buffer.alloc(300, 0x11)])], true)
  assert.is(out.errors[0].code, 'MB_ERR_OVERSIZE')
})
test.run()
