import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { lrc } from '../../../core/index.ts'

const test = suite('lrc')

test('SL §6.2.1: the two\'s complement of the byte sum (01 03 00 00 00 01 → FB)', () => {
  assert.is(lrc(Buffer.from([1, 3, 0, 0, 0, 1])), 0xfb)
})
test('the sum wraps at 8 bits', () => {
  assert.is(lrc(Buffer.from([0xff, 0xff, 0x02])), 0x00)
  assert.is(lrc(Buffer.from([0x80, 0x81])), 0xff)
})
test('bytes plus their LRC sum to zero', () => {
  const data = Buffer.from([0x11, 0x03, 0x00, 0x6b, 0x00, 0x03])
  const sum = [...data].reduce((a, b) => a + b, 0) + lrc(data)
  assert.is(sum & 0xff, 0)
})
test.run()
