import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createAsciiFramer, encodeRequest } from '../../../core/index.ts'
import { feed, recorder, splitEverywhere } from '../../helpers/framing.ts'

const test = suite('ascii framer')
const pdu = encodeRequest({ function: 'readHoldingRegisters', address: 0, quantity: 1 })
const text = (s: string) => Buffer.from(s, 'latin1')

test('encode: ":" + upper-case hex + LRC + CR LF', () => {
  assert.is(createAsciiFramer().encode(1, pdu).toString('latin1'), ':010300000001FB\r\n')
})

test('garbage, a bad-LRC frame and a good frame, split everywhere: the good frame decodes', () => {
  const input = text('zz\r\n:010300000001FA\r\n:010300000001FB\r\n')
  for (const [label, chunks] of splitEverywhere(input)) {
    const out = feed(createAsciiFramer, chunks, true)
    assert.equal(out.frames.map((f) => [f.unit, f.pdu]), [[1, pdu.toString('hex')]], label)
    assert.equal(out.errors.map((e) => e.code), ['MB_ERR_GARBAGE'], label)
    assert.is(out.framer.stats.droppedBytes, 4 + 17, label)
    assert.is(out.framer.stats.checksumErrors, 1, label)
  }
})

test('a bad LRC alone is reported as MB_ERR_CHECKSUM', () => {
  const out = feed(createAsciiFramer, [text(':010300000001FA\r\n')], true)
  assert.equal(out.errors.map((e) => e.code), ['MB_ERR_CHECKSUM'])
  assert.match(out.errors[0].message, 'expected 0xFB, got 0xFA')
})

test('a ":" inside a frame restarts it (SL §2.5.2.1)', () => {
  const out = feed(createAsciiFramer, [text(':0103:010300000001FB\r\n')], true)
  assert.equal(out.frames.map((f) => f.pdu), [pdu.toString('hex')])
  assert.is(out.framer.stats.droppedBytes, 5)
})

test('lower-case hex is accepted; odd length and non-hex are rejected', () => {
  assert.is(feed(createAsciiFramer, [text(':010300000001fb\r\n')]).frames.length, 1)
  assert.equal(feed(createAsciiFramer, [text(':010300000001F\r\n')]).errors.map((e) => e.code), [])
  assert.equal(feed(createAsciiFramer, [text(':010300000001F\r\n')], true).errors.map((e) => e.code), ['MB_ERR_LENGTH'])
  assert.equal(feed(createAsciiFramer, [text(':0103000000G1FB\r\n')], true).errors.map((e) => e.code), ['MB_ERR_GARBAGE'])
})

test('diagnostics 03 changes the delimiter: CR + the new character ends frames', () => {
  const f = createAsciiFramer()
  f.setDelimiter(0x21)
  const sink = recorder()
  f.push(text(':010300000001FB\r\n'), sink)
  assert.is(sink.frames.length, 0, 'CR LF no longer ends a frame')
  f.reset()
  f.push(text(':010300000001FB\r!'), sink)
  assert.is(sink.frames.length, 1)
  assert.is(f.encode(1, pdu).toString('latin1'), ':010300000001FB\r!')
})

test('more than 513 characters without CR LF is oversize', () => {
  const out = feed(createAsciiFramer, [text(':' + '0'.repeat(600))], true)
  assert.is(out.errors[0].code, 'MB_ERR_OVERSIZE')
  assert.is(out.frames.length, 0)
})
test.run()
