import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ArgumentError } from '../../core/index.ts'
import { parseBigInt, parseCoilValue, parseDecimal, parseInteger, parseIntegerList, splitList } from '../../cli/numbers.ts'

/** The message of the ArgumentError `fn` throws (fails the test when it throws nothing or something else). */
function refusal(fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    assert.instance(err, ArgumentError)
    return (err as ArgumentError).message
  }
  assert.unreachable('no ArgumentError was thrown')
  return ''
}

const integers = suite('parseInteger: decimal, hex, binary and octal, nothing else')
for (const [text, value] of [['10', 10], ['0x1F', 31], ['0b101', 5], ['0o17', 15], ['-5', -5], ['+7', 7], ['007', 7], [3, 3]] as const) {
  integers(`${JSON.stringify(text)} is ${value}`, () => assert.is(parseInteger(text, '--n'), value))
}
for (const text of ['abc', '3z', '1.5', '', ' 1', '0x', '1e3', 'NaN', '--1']) {
  integers(`${JSON.stringify(text)} is refused, naming the option`, () => assert.match(refusal(() => parseInteger(text, '--quantity')), `--quantity: ${JSON.stringify(text)} is not an integer`))
}
integers('a value outside the range is refused with the range', () => {
  assert.match(refusal(() => parseInteger('256', '--unit', 0, 255)), '--unit: "256" is out of range 0..255')
})
integers('an option given twice (yargs makes an array) is refused', () => {
  assert.match(refusal(() => parseInteger(['1', '2'], '--unit')), '--unit is given 2 times')
})
integers.run()

// ---
const coils = suite('parseCoilValue: only 0/1, on/off, true/false')
for (const [text, value] of [['1', true], ['on', true], ['ON', true], ['true', true], ['0', false], ['off', false], ['False', false]] as const) {
  coils(`${text} is ${value ? 'ON' : 'OFF'}`, () => assert.is(parseCoilValue(text, '--value'), value))
}
for (const text of ['maybe', 'yes', '2', '0xff00', '', 'no', '10']) {
  coils(`${JSON.stringify(text)} is refused`, () => assert.match(refusal(() => parseCoilValue(text, '--value')), 'is not a coil value'))
}
coils.run()

// ---
const lists = suite('lists and other numbers')
lists('a list splits on commas and trims spaces', () => assert.equal(splitList('1, 2,3', '--values'), ['1', '2', '3']))
lists('an empty item is refused with its position', () => assert.match(refusal(() => splitList('1,,2', '--values')), 'item 2 of "1,,2" is empty'))
lists('a trailing comma is refused', () => assert.match(refusal(() => splitList('1,2,', '--values')), 'item 3'))
lists('an integer list checks each item', () => {
  assert.equal(parseIntegerList('0xff00,0', '--data', 0, 0xffff), [0xff00, 0])
  assert.match(refusal(() => parseIntegerList('1,x', '--data', 0, 0xffff)), '--data: "x" is not an integer')
})
lists('decimals: plain, exponent, inf and nan; not text', () => {
  assert.is(parseDecimal('-2.5', '--v'), -2.5)
  assert.is(parseDecimal('1e3', '--v'), 1000)
  assert.is(parseDecimal('-inf', '--v'), -Infinity)
  assert.ok(Number.isNaN(parseDecimal('nan', '--v')))
  assert.match(refusal(() => parseDecimal('1.2.3', '--v')), 'is not a number')
})
lists('64-bit integers keep every digit', () => {
  assert.is(parseBigInt('18446744073709551615', '--v'), 18446744073709551615n)
  assert.is(parseBigInt('-0x10', '--v'), -16n)
  assert.match(refusal(() => parseBigInt('1.0', '--v')), 'is not an integer')
})
lists.run()
