import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ArgumentError, PayloadBuilder, PayloadDecoder } from '../../core/index.ts'
import { decodeRegisters, encodeValues, orderFromOptions, registersPerValue, VALUE_TYPES, type ValueType } from '../../cli/value-types.ts'

const big = { byteOrder: 'big', wordOrder: 'big' } as const
const hex = (regs: number[]) => regs.map((r) => r.toString(16).padStart(4, '0')).join(' ')

const test = suite('typed register values: encode then decode through core/payload')
// [type, text, registers (big/big), printed]
const CASES: [ValueType, string, string, string][] = [
  ['int16', '-2', 'fffe', '-2'],
  ['uint16', '65535', 'ffff', '65535'],
  ['int32', '-70000', 'fffe ee90', '-70000'],
  ['uint32', '0x12345678', '1234 5678', '305419896'],
  ['int64', '-9223372036854775808', '8000 0000 0000 0000', '-9223372036854775808'],
  ['uint64', '18446744073709551615', 'ffff ffff ffff ffff', '18446744073709551615'],
  ['float32', '-2.5', 'c020 0000', '-2.5'],
  ['float64', '1.5', '3ff8 0000 0000 0000', '1.5'],
  ['bcd', '1234', '1234', '1234'],
  ['hex', '0x1a2B', '1a2b', '0x1A2B'],
  ['bits', '0b0000000000000101', '0005', '0000000000000101'],
  ['string', 'ABC', '4142 4300', 'ABC'],
]
for (const [type, text, regs, printed] of CASES) {
  test(`${type} ${text} is registers ${regs} and prints as ${printed}`, () => {
    const registers = encodeValues([text], type, big, '--value')
    assert.is(hex(registers), regs)
    assert.is(registers.length, type === 'string' ? 2 : registersPerValue(type))
    assert.equal(decodeRegisters(registers, type, big).map(String), [printed])
  })
}
test('every --type has a case above', () => assert.equal([...new Set(CASES.map((c) => c[0]))].sort(), [...VALUE_TYPES].sort()))

test('word order little (--swap) swaps the registers of a 32-bit value, as PayloadBuilder does', () => {
  const order = orderFromOptions({ swap: true })
  assert.equal(order, { byteOrder: 'big', wordOrder: 'little' })
  const registers = encodeValues(['0x12345678'], 'uint32', order, '--value')
  assert.is(hex(registers), '5678 1234')
  assert.equal(registers, new PayloadBuilder(order).addUint32(0x12345678).toRegisters())
  assert.equal(decodeRegisters(registers, 'uint32', order), [0x12345678])
})
test('byte order little swaps the bytes inside each register; for text too', () => {
  const order = orderFromOptions({ byteOrder: 'little' })
  assert.is(hex(encodeValues(['0x1234'], 'uint16', order, '--value')), '3412')
  assert.is(PayloadDecoder.fromRegisters([0x3412], order).uint16(), 0x1234)
  assert.is(hex(encodeValues(['AB'], 'string', order, '--value')), '4241')
  assert.equal(decodeRegisters([0x4241], 'string', order), ['AB'])
})
test('several values are laid out one after another', () => {
  assert.is(hex(encodeValues(['1.5', '-2'], 'float32', big, '--values')), '3fc0 0000 c000 0000')
  assert.equal(decodeRegisters([0x3fc0, 0, 0xc000, 0], 'float32', big), [1.5, -2])
})

function refusal(fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    assert.instance(err, ArgumentError)
    return (err as Error).message
  }
  assert.unreachable('accepted')
  return ''
}
test('values a type cannot hold are refused, naming the option', () => {
  assert.match(refusal(() => encodeValues(['70000'], 'int16', big, '--value')), '--value (int16): "70000" is out of range -32768..32767')
  assert.match(refusal(() => encodeValues(['1.5'], 'int32', big, '--values')), 'is not an integer')
  assert.match(refusal(() => encodeValues(['18446744073709551616'], 'uint64', big, '--value')), 'out of range for uint64')
  assert.match(refusal(() => encodeValues(['12345'], 'hex', big, '--value')), 'is not a 16-bit hex value')
  assert.match(refusal(() => encodeValues(['102'], 'bits', big, '--value')), 'binary digits')
  assert.match(refusal(() => encodeValues(['10000'], 'bcd', big, '--value')), 'out of range 0..9999')
  assert.match(refusal(() => encodeValues(['abc'], 'float32', big, '--value')), 'is not a number')
  assert.match(refusal(() => orderFromOptions({ swap: true, wordOrder: 'big' })), 'not both')
})
test('registers that do not fill whole values are an error', () => {
  assert.match(refusal(() => decodeRegisters([1, 2, 3], 'float32', big)), '3 registers do not hold whole float32 values')
})
test.run()
