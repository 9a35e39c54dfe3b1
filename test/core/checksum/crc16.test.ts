import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { checkCrc16, crc16, writeCrc16 } from '../../../core/index.ts'

const test = suite('crc16')

test('CRC-16/MODBUS check value of "123456789" is 0x4B37', () => {
  assert.is(crc16(Buffer.from('123456789', 'latin1')), 0x4b37)
})
test('SL §6.2.2: 01 03 00 00 00 01 is followed on the wire by 84 0a (low byte first)', () => {
  const buf = Buffer.from([1, 3, 0, 0, 0, 1, 0, 0])
  assert.is(writeCrc16(buf, 0, 6), 8)
  assert.equal([...buf.subarray(6)], [0x84, 0x0a])
  assert.ok(checkCrc16(buf, 0, 6))
})
test('a single flipped bit fails the check', () => {
  const buf = Buffer.from([1, 3, 0, 0, 0, 1, 0x84, 0x0a])
  for (let bit = 0; bit < 48; bit++) {
    const bad = Buffer.from(buf)
    bad[bit >> 3] ^= 1 << (bit & 7)
    assert.not.ok(checkCrc16(bad, 0, 6), `bit ${bit}`)
  }
})
test('a range inside a larger buffer', () => {
  const buf = Buffer.from([0xaa, 1, 3, 0, 0, 0, 1, 0xbb])
  assert.is(crc16(buf, 1, 7), 0x0a84)
})
test.run()
