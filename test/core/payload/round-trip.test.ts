import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { PayloadBuilder } from '../../../core/payload/builder.ts'
import type { Endian, PayloadOrder } from '../../../core/payload/byte-order.ts'
import { PayloadDecoder } from '../../../core/payload/decoder.ts'
import { BIGINT_RANGES, INTEGER_RANGES, NUMERIC_SIZES, type NumericType } from '../../../core/payload/numeric.ts'
import { assertSame } from '../../helpers/payload-vectors.ts'
import { prng } from '../../helpers/random.ts'

const ORDERS: PayloadOrder[] = []
for (const byteOrder of ['big', 'little'] as Endian[]) {
  for (const wordOrder of ['big', 'little'] as Endian[]) ORDERS.push({ byteOrder, wordOrder })
}
const label = (o: PayloadOrder): string => `byte ${o.byteOrder}, word ${o.wordOrder}`

const SEED = 0x5eed
const random = prng(SEED)

/** Edge values plus 20 seeded random values of a type (floats already representable as the type). */
function samples(type: NumericType): (number | bigint)[] {
  const out: (number | bigint)[] = []
  if (type === 'int64' || type === 'uint64') {
    const [min, max] = BIGINT_RANGES[type]
    out.push(min, max, 0n, 1n)
    if (type === 'int64') out.push(-1n)
    for (let i = 0; i < 20; i++) {
      const raw = (BigInt(Math.floor(random() * 2 ** 32)) << 32n) | BigInt(Math.floor(random() * 2 ** 32))
      out.push(type === 'int64' ? BigInt.asIntN(64, raw) : raw)
    }
    return out
  }
  if (type === 'float32' || type === 'float64') {
    out.push(0, -0, 1, -1, Infinity, -Infinity, Number.NaN)
    out.push(type === 'float32' ? 3.4028234663852886e38 : Number.MAX_VALUE)
    out.push(type === 'float32' ? 1.401298464324817e-45 : Number.MIN_VALUE)
    const bytes = Buffer.alloc(8)
    for (let i = 0; i < 20; i++) {
      for (let j = 0; j < 8; j++) bytes[j] = Math.floor(random() * 256)
      out.push(type === 'float32' ? bytes.readFloatBE(0) : bytes.readDoubleBE(0))
    }
    return out
  }
  const [min, max] = INTEGER_RANGES[type]
  out.push(min, max, 0)
  for (let i = 0; i < 20; i++) out.push(min + Math.floor(random() * (max - min + 1)))
  return out
}

// ---

const numbers = suite('payload round trip: numbers')

for (const type of Object.keys(NUMERIC_SIZES) as NumericType[]) {
  for (const order of ORDERS) {
    numbers(`${type}, ${label(order)}: builder → registers → decoder gives the value back (seed ${SEED})`, () => {
      const values = samples(type)
      const b = new PayloadBuilder(order)
      for (const v of values) b.addNumeric(type, v)
      assert.is(b.byteLength, values.length * NUMERIC_SIZES[type])
      const d = PayloadDecoder.fromRegisters(b.toRegisters(), order)
      for (const v of values) assertSame(d.numeric(type), v, `${type} ${String(v)}`)
      assert.ok(d.remaining <= 1, 'only register padding is left')
    })
  }
}

numbers('word order changes nothing for 16-bit values; byte order changes nothing for 8-bit values', () => {
  for (const order of ORDERS) {
    const regs = new PayloadBuilder(order).addUint8(0x12).addUint8(0x34).toRegisters()
    assert.equal(regs, [0x1234], label(order))
  }
  const a = new PayloadBuilder({ wordOrder: 'big' }).addUint16(0x1234).toRegisters()
  const b = new PayloadBuilder({ wordOrder: 'little' }).addUint16(0x1234).toRegisters()
  assert.equal(a, b)
})

numbers('a value decoded in the wrong word order comes back different', () => {
  const regs = new PayloadBuilder({ wordOrder: 'little' }).addFloat32(-2.5).toRegisters()
  assert.is(PayloadDecoder.fromRegisters(regs, { wordOrder: 'little' }).float32(), -2.5)
  assert.is.not(PayloadDecoder.fromRegisters(regs).float32(), -2.5)
})

numbers.run()

// ---

const mixed = suite('payload round trip: mixed payloads')

for (const order of ORDERS) {
  mixed(`every type in one payload, ${label(order)}`, () => {
    const bits = [true, false, true, true, false, false, false, true, true]
    const b = new PayloadBuilder(order)
      .addInt8(-5)
      .addUint16(0xbeef)
      .addInt32(-123456)
      .addString('odd', { length: 5, pad: 0x20 })
      .addFloat32(0.5)
      .addBits(bits)
      .addUint64(0xfedcba9876543210n)
      .addBcd(135790, 3)
      .skip(3)
      .addFloat64(-1e-300)
      .addInt64(-0x123456789n)
      .addUint32(0xcafebabe)
      .addInt16(-32768)
      .addUint8(0xff)
    const d = PayloadDecoder.fromRegisters(b.toRegisters(), order)
    assert.is(d.int8(), -5)
    assert.is(d.uint16(), 0xbeef)
    assert.is(d.int32(), -123456)
    assert.is(d.string(5, { pad: 0x20, trim: true }), 'odd')
    assert.is(d.float32(), 0.5)
    assert.equal(d.bits(2), [...bits, false, false, false, false, false, false, false])
    assert.is(d.uint64(), 0xfedcba9876543210n)
    assert.is(d.bcd(3), 135790)
    d.skip(3)
    assert.is(d.float64(), -1e-300)
    assert.is(d.int64(), -0x123456789n)
    assert.is(d.uint32(), 0xcafebabe)
    assert.is(d.int16(), -32768)
    assert.is(d.uint8(), 0xff)
    assert.is(d.remaining, b.registerCount * 2 - b.byteLength)
  })
}

mixed('toBuffer → fromBuffer and toCoils → fromCoils give the same values as registers', () => {
  const order: PayloadOrder = { byteOrder: 'little', wordOrder: 'little' }
  const b = new PayloadBuilder(order).addUint32(0x12345678).addFloat64(Math.E).addString('xyz')
  for (const d of [PayloadDecoder.fromBuffer(b.toBuffer(), order), PayloadDecoder.fromCoils(b.toCoils(), order)]) {
    assert.is(d.uint32(), 0x12345678)
    assert.is(d.float64(), Math.E)
    assert.is(d.string(3), 'xyz')
  }
})

mixed('every BCD byte value 00..99 survives a round trip', () => {
  const b = new PayloadBuilder()
  for (let v = 0; v <= 99; v++) b.addBcd(v, 1)
  const d = PayloadDecoder.fromRegisters(b.toRegisters())
  for (let v = 0; v <= 99; v++) assert.is(d.bcd(1), v)
})

mixed('every latin1 character survives a round trip', () => {
  let text = ''
  for (let c = 0; c <= 0xff; c++) text += String.fromCharCode(c)
  const regs = new PayloadBuilder().addString(text).toRegisters()
  assert.is(regs.length, 128)
  assert.is(PayloadDecoder.fromRegisters(regs).string(256), text)
})

mixed('seeded random booleans survive addBits → bits for every length 0..40', () => {
  for (let n = 0; n <= 40; n++) {
    const bits = Array.from({ length: n }, () => random() < 0.5)
    const bytes = Math.ceil(n / 8)
    const d = PayloadDecoder.fromCoils(new PayloadBuilder().addBits(bits).toCoils())
    assert.equal(d.bits(bytes).slice(0, n), bits, `length ${n}`)
  }
})

mixed.run()
