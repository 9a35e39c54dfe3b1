import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ArgumentError } from '../../../core/errors.ts'
import { checkAddressRange, checkBitValues, checkRegisterValues, checkU16, formatRange, isRegisterValue } from '../../../core/datastore/value-checks.ts'
import { caught } from '../../helpers/throws.ts'

const test = suite('value checks')

test('isRegisterValue: integers 0..0xFFFF only', () => {
  assert.ok(isRegisterValue(0))
  assert.ok(isRegisterValue(0xffff))
  for (const bad of [-1, 0x10000, 1.5, NaN, '1', true]) assert.not.ok(isRegisterValue(bad), String(bad))
})
test('checkU16 names the value and what it is', () => {
  const err = caught(() => checkU16('start', 0x10000))
  assert.instance(err, ArgumentError)
  assert.is((err as Error).message, 'start: 65536 is not an integer 0..0xFFFF')
})
test('checkAddressRange: may end at 0x10000, not past it (§4.4)', () => {
  checkAddressRange('t', 0xffff, 1)
  checkAddressRange('t', 0, 0x10000)
  assert.instance(caught(() => checkAddressRange('t', 0xffff, 2)), ArgumentError)
  assert.instance(caught(() => checkAddressRange('t', 0, -1)), ArgumentError)
})
test('checkRegisterValues and checkBitValues name the first bad index', () => {
  assert.match((caught(() => checkRegisterValues('r', [1, 2, -3])) as Error).message, 'index 2')
  assert.match((caught(() => checkBitValues('b', [true, 0])) as Error).message, 'index 1')
})
test('formatRange: one address alone, several as first..last', () => {
  assert.is(formatRange(0x10, 1), '0x0010')
  assert.is(formatRange(0xfff0, 16), '0xFFF0..0xFFFF')
})
test.run()
