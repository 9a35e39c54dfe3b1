import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ArgumentError } from '../../../core/errors.ts'
import { layoutsFor } from '../../../core/payload/byte-order.ts'
import {
  BIGINT_RANGES,
  FLOAT32_MAX,
  INTEGER_RANGES,
  NUMERIC_SIZES,
  checkNumeric,
  isBigIntType,
  isNumericType,
  readNumeric,
  writeNumeric,
} from '../../../core/payload/numeric.ts'
import { assertError, thrown } from '../../helpers/payload-vectors.ts'

// ---

const tables = suite('payload numeric: tables')

tables('sizes are the widths the names say', () => {
  assert.equal(NUMERIC_SIZES, {
    int8: 1, uint8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, int64: 8, uint64: 8, float32: 4, float64: 8,
  })
})

tables('integer ranges match two\'s complement for each width', () => {
  for (const [type, [min, max]] of Object.entries(INTEGER_RANGES)) {
    const bits = NUMERIC_SIZES[type as keyof typeof INTEGER_RANGES] * 8
    if (type.startsWith('u')) assert.equal([min, max], [0, 2 ** bits - 1], type)
    else assert.equal([min, max], [-(2 ** (bits - 1)), 2 ** (bits - 1) - 1], type)
  }
  assert.equal(BIGINT_RANGES.int64, [-(2n ** 63n), 2n ** 63n - 1n])
  assert.equal(BIGINT_RANGES.uint64, [0n, 2n ** 64n - 1n])
})

tables('FLOAT32_MAX is binary32 0x7F7FFFFF', () => {
  assert.is(FLOAT32_MAX, Buffer.from('7f7fffff', 'hex').readFloatBE(0))
})

tables('type guards', () => {
  assert.ok(isNumericType('uint16'))
  assert.not.ok(isNumericType('string'))
  assert.not.ok(isNumericType('toString'))
  assert.ok(isBigIntType('int64') && isBigIntType('uint64'))
  assert.not.ok(isBigIntType('float64'))
})

tables.run()

// ---

const checks = suite('payload numeric: checks')

checks('accepts each integer type\'s bounds and refuses one past them', () => {
  for (const [type, [min, max]] of Object.entries(INTEGER_RANGES)) {
    const t = type as keyof typeof INTEGER_RANGES
    checkNumeric('m', t, min)
    checkNumeric('m', t, max)
    for (const bad of [min - 1, max + 1]) {
      const err = thrown(() => checkNumeric('addX', t, bad))
      assertError(err, ArgumentError, 'MB_ERR_INVALID_ARGUMENT')
      assert.is((err as Error).message, `addX: value ${bad} is outside the ${t} range ${min}..${max}`)
    }
  }
})

checks('accepts bigint bounds and refuses one past them', () => {
  for (const [type, [min, max]] of Object.entries(BIGINT_RANGES)) {
    const t = type as keyof typeof BIGINT_RANGES
    checkNumeric('m', t, min)
    checkNumeric('m', t, max)
    assertError(thrown(() => checkNumeric('m', t, min - 1n)), ArgumentError, 'MB_ERR_INVALID_ARGUMENT')
    assertError(thrown(() => checkNumeric('m', t, max + 1n)), ArgumentError, 'MB_ERR_INVALID_ARGUMENT')
  }
})

checks('floats take NaN and infinities; float64 takes any number', () => {
  for (const v of [Number.NaN, Infinity, -Infinity, -0]) {
    checkNumeric('m', 'float32', v)
    checkNumeric('m', 'float64', v)
  }
  checkNumeric('m', 'float64', Number.MAX_VALUE)
  assertError(thrown(() => checkNumeric('m', 'float32', Number.MAX_VALUE)), ArgumentError, 'MB_ERR_INVALID_ARGUMENT')
})

checks('refuses a bigint for a number type and a number for a bigint type', () => {
  assert.match((thrown(() => checkNumeric('m', 'uint32', 1n)) as Error).message, /uint32 takes a number, got bigint 1n/)
  assert.match((thrown(() => checkNumeric('m', 'int64', 1)) as Error).message, /int64 takes a bigint, got number 1/)
})

checks.run()

// ---

const io = suite('payload numeric: write and read')

io('writes at an offset and returns the offset after the value', () => {
  const buf = Buffer.alloc(7)
  const layouts = layoutsFor({ byteOrder: 'big', wordOrder: 'little' })
  assert.is(writeNumeric('uint8', 0xaa, layouts, buf, 0), 1)
  assert.is(writeNumeric('int16', -2, layouts, buf, 1), 3)
  assert.is(writeNumeric('uint32', 0x12345678, layouts, buf, 3), 7)
  assert.is(buf.toString('hex'), 'aafffe56781234')
  assert.is(readNumeric('uint32', layouts, buf, 3), 0x12345678)
  assert.is(readNumeric('int16', layouts, buf, 1), -2)
  assert.is(readNumeric('uint8', layouts, buf, 0), 0xaa)
})

io('int8 reads the sign bit', () => {
  const layouts = layoutsFor({ byteOrder: 'little', wordOrder: 'little' })
  assert.is(readNumeric('int8', layouts, Uint8Array.of(0x80), 0), -128)
  assert.is(readNumeric('uint8', layouts, Uint8Array.of(0x80), 0), 128)
})

io.run()
