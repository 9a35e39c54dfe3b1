import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { caretLines, diffHex, hexTokens, type HexByte } from '../../../conformance/reporters/hex-diff.ts'

const test = suite('hex diff')
const marked = (bytes: HexByte[] | null) => (bytes ?? []).map((b) => (b.differs ? `[${b.text}]` : b.text)).join(' ')

test('tokens: spaces ignored, lower-cased, an odd digit left as its own token', () => {
  assert.equal(hexTokens('01 03\n0A0b c'), ['01', '03', '0a', '0b', 'c'])
})
test('equal strings mark nothing and report no difference', () => {
  const d = diffHex('01 03 02', '010302')
  assert.is(marked(d.expected), '01 03 02')
  assert.is(marked(d.actual), '01 03 02')
  assert.is(d.firstDifference, null)
  assert.is(d.lengthDelta, 0)
})
test('byte-aligned: a changed byte is marked on both sides, the longer tail only on its own side', () => {
  const d = diffHex('01 03 02 00 0a', '01 03 04 00 0A 00 0b')
  assert.is(marked(d.expected), '01 03 [02] 00 0a')
  assert.is(marked(d.actual), '01 03 [04] 00 0a [00] [0b]')
  assert.is(d.firstDifference, 2)
  assert.is(d.lengthDelta, 2)
})
test('a shorter actual marks the missing tail on the expected side', () => {
  const d = diffHex('01 03 02 00 0a', '01 03')
  assert.is(marked(d.expected), '01 03 [02] [00] [0a]')
  assert.is(marked(d.actual), '01 03')
  assert.is(d.firstDifference, 2)
  assert.is(d.lengthDelta, -3)
})
test('a side without bytes (silence, or no reply) marks nothing on the other', () => {
  const d = diffHex(null, '01 03')
  assert.is(d.expected, null)
  assert.is(marked(d.actual), '01 03')
  assert.is(d.firstDifference, null)
  assert.is(marked(diffHex('01 03', '').expected), '01 03')
})
test('each byte says how it compares: same, differs, or extra past the end of the other side', () => {
  const d = diffHex('01 03 02 00', '01 03 04 00 0a 0b')
  assert.equal(d.expected?.map((b) => b.mark), ['same', 'same', 'differs', 'same'])
  assert.equal(d.actual?.map((b) => b.mark), ['same', 'same', 'differs', 'same', 'extra', 'extra'])
  assert.ok(d.actual?.every((b) => b.differs === (b.mark !== 'same')))
  assert.equal(diffHex('01 02', '01 02').actual?.map((b) => b.mark), ['same', 'same'])
  assert.equal(diffHex(null, '01 02').actual?.map((b) => b.mark), ['same', 'same'], 'nothing to compare with: nothing marked')
})
test('caret lines put carets under exactly the differing bytes and descriptions after the bytes', () => {
  const lines = caretLines(diffHex('01 03 02 00 0a', '01 03 04 00 0a 00'), 'one register', '')
  assert.equal(lines, ['expected: 01 03 02 00 0a  (one register)', 'actual:   01 03 04 00 0a 00', '                ^^       ^^'])
})
test('caret lines show the description alone for a side without bytes and leave out the caret line', () => {
  assert.equal(caretLines(diffHex(null, '01 03'), 'silence', 'a reply'), ['expected: (no bytes) silence', 'actual:   01 03  (a reply)'])
})

test.run()
