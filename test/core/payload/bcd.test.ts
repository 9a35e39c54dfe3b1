import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ArgumentError, ModbusError } from '../../../core/errors.ts'
import { MAX_BCD_BYTES, checkBcd, checkBcdBytes, readBcd, writeBcd } from '../../../core/payload/bcd.ts'
import { assertError, thrown } from '../../helpers/payload-vectors.ts'

// ---

const bcd = suite('payload bcd')

bcd('1234 in 2 bytes is 0x12 0x34, and 3 bytes add a leading zero byte', () => {
  const buf = Buffer.alloc(5)
  assert.is(writeBcd(1234, 2, buf, 0), 2)
  assert.is(writeBcd(1234, 3, buf, 2), 5)
  assert.is(buf.toString('hex'), '1234001234')
  assert.is(readBcd(buf, 0, 2), 1234)
  assert.is(readBcd(buf, 2, 3), 1234)
})

bcd('each byte 0x00..0x99 with decimal nibbles decodes to its two digits', () => {
  for (let hi = 0; hi <= 9; hi++) {
    for (let lo = 0; lo <= 9; lo++) assert.is(readBcd(Uint8Array.of((hi << 4) | lo), 0, 1), hi * 10 + lo)
  }
})

bcd('every byte with a nibble above 9 is refused with MB_ERR_VALUE', () => {
  let refused = 0
  for (let byte = 0; byte <= 0xff; byte++) {
    if ((byte >> 4) <= 9 && (byte & 15) <= 9) continue
    assertError(thrown(() => readBcd(Uint8Array.of(0x00, byte), 0, 2)), ModbusError, 'MB_ERR_VALUE')
    refused++
  }
  assert.is(refused, 256 - 100)
})

bcd('the error names the byte and its offset', () => {
  const err = thrown(() => readBcd(Uint8Array.of(0x12, 0x3c), 0, 2))
  assert.is((err as Error).message, 'bcd: byte 0x3C at offset 1 is not two decimal digits (nibbles 0..9)')
})

bcd('the widest field holds 14 nines exactly', () => {
  const buf = Buffer.alloc(MAX_BCD_BYTES)
  writeBcd(99999999999999, MAX_BCD_BYTES, buf, 0)
  assert.is(buf.toString('hex'), '99999999999999')
  assert.is(readBcd(buf, 0, MAX_BCD_BYTES), 99999999999999)
})

bcd('checkBcd refuses values that do not fit, negatives, fractions and non-numbers', () => {
  checkBcd('m', 99, 1)
  checkBcd('m', 0, 1)
  for (const [value, bytes] of [[100, 1], [-1, 1], [1.5, 2], ['12', 2], [10000, 2]] as const) {
    assertError(thrown(() => checkBcd('addBcd', value, bytes)), ArgumentError, 'MB_ERR_INVALID_ARGUMENT')
  }
})

bcd('checkBcdBytes takes 1..7 only', () => {
  for (let n = 1; n <= MAX_BCD_BYTES; n++) checkBcdBytes('m', n)
  for (const bad of [0, 8, 1.5, -1, '2']) {
    const err = thrown(() => checkBcdBytes('bcd', bad))
    assertError(err, ArgumentError, 'MB_ERR_INVALID_ARGUMENT')
    assert.match((err as Error).message, /^bcd: BCD width must be an integer 1\.\.7 bytes/)
  }
})

bcd.run()
