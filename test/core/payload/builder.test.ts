import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ArgumentError, ModbusError } from '../../../core/errors.ts'
import { PayloadBuilder } from '../../../core/payload/builder.ts'
import {
  assertError,
  buildCase,
  hexRegisters,
  payloadCases,
  orderOf,
  parseRegisters,
  parseValue,
  thrown,
} from '../../helpers/payload-vectors.ts'

const { values: valueCases, coils: coilCases } = payloadCases()

// ---

const vectors = suite('payload builder: vectors')

for (const c of valueCases) {
  if (c.direction === 'decode') continue
  if (c.error !== undefined) {
    vectors(`build ${c.id} → ${c.error}`, () => {
      const err = thrown(() => buildCase(new PayloadBuilder(orderOf(c)), c, parseValue(c.type, c.value)))
      assertError(err, c.error === 'MB_ERR_INVALID_ARGUMENT' ? ArgumentError : ModbusError, c.error as string)
    })
    continue
  }
  vectors(`build ${c.id}`, () => {
    const b = buildCase(new PayloadBuilder(orderOf(c)), c, parseValue(c.type, c.value))
    assert.equal(hexRegisters(b.toRegisters()), c.registers)
  })
}

for (const c of coilCases) {
  if (c.direction === 'decode') continue
  vectors(`toCoils ${c.id}`, () => {
    const b = new PayloadBuilder()
    for (const r of parseRegisters(c.registers as string[])) b.addUint16(r)
    const expected = [...c.coils.replace(/ /g, '')].map((ch) => ch === '1')
    assert.equal(b.toCoils(), expected)
  })
}

vectors.run()

// ---

const output = suite('payload builder: output')

output('chains every add method and lays values out in call order', () => {
  const regs = new PayloadBuilder()
    .addUint8(0x01)
    .addInt8(-1)
    .addUint16(0x1234)
    .addInt16(-2)
    .addUint32(0x12345678)
    .addInt32(-1)
    .addUint64(0x0102030405060708n)
    .addInt64(-1n)
    .addFloat32(1)
    .addFloat64(-2.5)
    .addString('AB')
    .addBits([true])
    .addBcd(12, 1)
    .skip(2)
    .toRegisters()
  assert.equal(hexRegisters(regs), [
    '0x01FF', '0x1234', '0xFFFE', '0x1234', '0x5678', '0xFFFF', '0xFFFF',
    '0x0102', '0x0304', '0x0506', '0x0708', '0xFFFF', '0xFFFF', '0xFFFF', '0xFFFF',
    '0x3F80', '0x0000', '0xC004', '0x0000', '0x0000', '0x0000',
    '0x4142', '0x0112', '0x0000',
  ])
})

output('toBuffer is exact; toRegisters pads an odd length with one zero byte', () => {
  const b = new PayloadBuilder().addUint16(0xabcd).addUint8(0xef)
  assert.is(b.byteLength, 3)
  assert.is(b.registerCount, 2)
  assert.is(b.toBuffer().toString('hex'), 'abcdef')
  assert.equal(hexRegisters(b.toRegisters()), ['0xABCD', '0xEF00'])
})

output('toCoils covers every register, 16 coils each', () => {
  const b = new PayloadBuilder().addUint16(0xffff).addUint8(0x01)
  const coils = b.toCoils()
  assert.is(coils.length, 32)
  assert.ok(coils.slice(0, 16).every((x) => x), 'first register all set')
  assert.equal(coils.slice(16), [true, ...new Array<boolean>(15).fill(false)])
})

output('an empty builder gives empty output', () => {
  const b = new PayloadBuilder()
  assert.is(b.toBuffer().length, 0)
  assert.equal(b.toRegisters(), [])
  assert.equal(b.toCoils(), [])
})

output('each output call returns a fresh buffer with the same bytes', () => {
  const b = new PayloadBuilder().addUint32(0xdeadbeef)
  const first = b.toBuffer()
  first.fill(0)
  assert.is(b.toBuffer().toString('hex'), 'deadbeef')
})

output('addBits copies its array: later changes do not leak in', () => {
  const bits = [true, false]
  const b = new PayloadBuilder().addBits(bits)
  bits[1] = true
  assert.equal(hexRegisters(b.toRegisters()), ['0x0100'])
})

output('addString without a length uses the encoded length', () => {
  assert.is(new PayloadBuilder().addString('abc').byteLength, 3)
  assert.is(new PayloadBuilder().addString('\u00e9', { encoding: 'utf8' }).byteLength, 2)
})

output('reset forgets values and keeps the order', () => {
  const b = new PayloadBuilder({ byteOrder: 'little' }).addUint16(1).addUint16(2)
  b.reset().addUint16(0x1234)
  assert.is(b.byteLength, 2)
  assert.equal(hexRegisters(b.toRegisters()), ['0x3412'])
})

output('addNumeric writes the same bytes as the named method', () => {
  const a = new PayloadBuilder({ wordOrder: 'little' }).addNumeric('float64', Math.PI).addNumeric('uint64', 7n)
  const b = new PayloadBuilder({ wordOrder: 'little' }).addFloat64(Math.PI).addUint64(7n)
  assert.is(a.toBuffer().toString('hex'), b.toBuffer().toString('hex'))
})

output('exposes its settled order', () => {
  assert.equal(new PayloadBuilder().order, { byteOrder: 'big', wordOrder: 'big' })
  assert.equal(new PayloadBuilder({ wordOrder: 'little' }).order, { byteOrder: 'big', wordOrder: 'little' })
})

output.run()

// ---

const errors = suite('payload builder: errors')

errors('addUint16(70000) names the method, the range and the value', () => {
  const err = thrown(() => new PayloadBuilder().addUint16(70000))
  assertError(err, ArgumentError, 'MB_ERR_INVALID_ARGUMENT')
  const msg = (err as Error).message
  assert.ok(msg.includes('addUint16'), msg)
  assert.ok(msg.includes('0..65535'), msg)
  assert.ok(msg.includes('70000'), msg)
})

errors('addInt8(200) names the method, the range and the value', () => {
  const msg = (thrown(() => new PayloadBuilder().addInt8(200)) as Error).message
  assert.ok(msg.includes('addInt8') && msg.includes('-128..127') && msg.includes('200'), msg)
})

errors('addInt32(1.5) says the value is not an integer', () => {
  const err = thrown(() => new PayloadBuilder().addInt32(1.5))
  assertError(err, ArgumentError, 'MB_ERR_INVALID_ARGUMENT')
  assert.match((err as Error).message, /addInt32: value 1\.5 is not an integer/)
})

errors('addUint64 refuses a number and names the expected bigint', () => {
  const err = thrown(() => new PayloadBuilder().addUint64(5 as unknown as bigint))
  assertError(err, ArgumentError, 'MB_ERR_INVALID_ARGUMENT')
  assert.match((err as Error).message, /addUint64: uint64 takes a bigint, got number 5/)
})

errors('addUint16 refuses a string', () => {
  const err = thrown(() => new PayloadBuilder().addUint16('12' as unknown as number))
  assertError(err, ArgumentError, 'MB_ERR_INVALID_ARGUMENT')
  assert.match((err as Error).message, /got string "12"/)
})

errors('addInt64 out of range names the bigint range', () => {
  const msg = (thrown(() => new PayloadBuilder().addInt64(2n ** 63n)) as Error).message
  assert.ok(msg.includes('-9223372036854775808..9223372036854775807'), msg)
})

errors('addFloat32 refuses a finite value that would overflow to Infinity', () => {
  const err = thrown(() => new PayloadBuilder().addFloat32(-1e39))
  assertError(err, ArgumentError, 'MB_ERR_INVALID_ARGUMENT')
  assert.match((err as Error).message, /addFloat32: value -1e\+39 is outside the float32 range/)
})

errors('addFloat32 accepts a value that rounds to the largest float32', () => {
  const regs = new PayloadBuilder().addFloat32(3.4028235e38).toRegisters()
  assert.equal(hexRegisters(regs), ['0x7F7F', '0xFFFF'])
})

errors('a failed add leaves the builder unchanged', () => {
  const b = new PayloadBuilder().addUint16(1)
  thrown(() => b.addUint16(-1))
  assert.is(b.byteLength, 2)
  assert.equal(b.toRegisters(), [1])
})

errors('addString too long says how long and the limit', () => {
  const msg = (thrown(() => new PayloadBuilder().addString('ABCDE', { length: 4 })) as Error).message
  assert.match(msg, /addString: text is 5 bytes in latin1, longer than the field length 4/)
})

errors('addString in latin1 names the character that does not fit', () => {
  const msg = (thrown(() => new PayloadBuilder().addString('a\u20ac')) as Error).message
  assert.match(msg, /U\+20AC at index 1/)
})

errors('addBcd names the range for its width', () => {
  const err = thrown(() => new PayloadBuilder().addBcd(1000, 1))
  assertError(err, ArgumentError, 'MB_ERR_INVALID_ARGUMENT')
  assert.match((err as Error).message, /addBcd: value 1000 is outside the 1-byte BCD range 0\.\.99/)
})

errors('skip refuses a fraction', () => {
  assertError(thrown(() => new PayloadBuilder().skip(1.5)), ArgumentError, 'MB_ERR_INVALID_ARGUMENT')
})

errors('addBits refuses a non-array', () => {
  assertError(thrown(() => new PayloadBuilder().addBits('1010' as unknown as boolean[])), ArgumentError, 'MB_ERR_INVALID_ARGUMENT')
})

errors('addNumeric refuses an unknown type', () => {
  const err = thrown(() => new PayloadBuilder().addNumeric('uint24' as 'uint16', 1))
  assertError(err, ArgumentError, 'MB_ERR_INVALID_ARGUMENT')
  assert.match((err as Error).message, /unknown numeric type uint24/)
})

errors('the constructor refuses an unknown order', () => {
  const err = thrown(() => new PayloadBuilder({ wordOrder: 'middle' as 'big' }))
  assertError(err, ArgumentError, 'MB_ERR_INVALID_ARGUMENT')
  assert.match((err as Error).message, /PayloadBuilder: wordOrder must be 'big' or 'little', got "middle"/)
})

errors.run()
