import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ArgumentError } from '../../../core/errors.ts'
import { decodePoint, encodePoint, pointCount, resolvePoint, scaleRaw, valueRange, type PointSpec } from '../../../core/simulator/points.ts'
import { decodeRegisters, encodeValues, type ValueType } from '../../../cli/value-types.ts'
import { caught } from '../../helpers/throws.ts'

const point = (spec: Partial<PointSpec>) => resolvePoint('p', { table: 'holdingRegisters', address: 0, type: 'uint16', ...spec } as PointSpec)

const test = suite('points: layout through core/payload')

test('registers per type: 1, 2, 4; string its length; bool 1; bits their length', () => {
  const counts = (['int16', 'uint16', 'int32', 'uint32', 'float32', 'int64', 'uint64', 'float64'] as const).map((type) => pointCount({ type }))
  assert.equal(counts, [1, 1, 2, 2, 2, 4, 4, 4])
  assert.is(pointCount({ type: 'string', length: 6 }), 6)
  assert.is(pointCount({ type: 'bool' }), 1)
  assert.is(pointCount({ type: 'bits', length: 9 }), 9)
  assert.is(pointCount({ type: 'bits' }), 1)
})

test('uint32 0x12345678 in the four orders lays out as byte-order.ts documents', () => {
  const at = (byteOrder: 'big' | 'little', wordOrder: 'big' | 'little') => encodePoint(point({ type: 'uint32', byteOrder, wordOrder }), 0x12345678, true)
  assert.equal(at('big', 'big'), [0x1234, 0x5678])
  assert.equal(at('little', 'big'), [0x3412, 0x7856])
  assert.equal(at('big', 'little'), [0x5678, 0x1234])
  assert.equal(at('little', 'little'), [0x7856, 0x3412])
})

test('float32 12.5 with word order little is [0x0000, 0x4148] and decodes back', () => {
  const p = point({ type: 'float32', wordOrder: 'little' })
  assert.equal(encodePoint(p, 12.5, true), [0x0000, 0x4148])
  assert.is(decodePoint(p, [0x0000, 0x4148]), 12.5)
})

test('every numeric type and order agrees with the command line typed values (value-types.ts)', () => {
  const samples: Record<string, (number | string)[]> = {
    int16: [-32768, -1, 0, 32767],
    uint16: [0, 1, 65535],
    int32: [-2147483648, -70000, 2147483647],
    uint32: [0, 4294967295],
    float32: [-2.5, 0, 3.25],
    float64: [Math.PI, -1e300],
    int64: ['-9223372036854775808', '-9007199254740993', '9223372036854775807'],
    uint64: ['0', '18446744073709551615'],
  }
  for (const [type, values] of Object.entries(samples)) {
    for (const byteOrder of ['big', 'little'] as const) {
      for (const wordOrder of ['big', 'little'] as const) {
        const p = point({ type: type as PointSpec['type'], byteOrder, wordOrder })
        for (const v of values) {
          const registers = encodePoint(p, v, true) as number[]
          assert.equal(registers, encodeValues([String(v)], type as ValueType, { byteOrder, wordOrder }, 'x'), `${type} ${v} ${byteOrder}/${wordOrder}`)
          const [cli] = decodeRegisters(registers, type as ValueType, { byteOrder, wordOrder })
          assert.equal(decodePoint(p, registers), cli)
          assert.is(String(cli), String(v))
        }
      }
    }
  }
})

test('a string fills its registers (padded with 0x00) and reads back trimmed, as the CLI reads it', () => {
  for (const byteOrder of ['big', 'little'] as const) {
    const p = point({ type: 'string', length: 4, byteOrder })
    const registers = encodePoint(p, 'PUMP-1', true) as number[]
    assert.is(registers.length, 4)
    assert.equal(registers, byteOrder === 'big' ? [0x5055, 0x4d50, 0x2d31, 0x0000] : [0x5550, 0x504d, 0x312d, 0x0000])
    assert.is(decodePoint(p, registers), 'PUMP-1')
    assert.equal(decodeRegisters(registers, 'string', { byteOrder, wordOrder: 'big' }), ['PUMP-1'])
  }
})

test('scale: the value is raw × scale; integer raws are rounded, and read back rounded to the scale', () => {
  const level = point({ type: 'uint16', scale: 0.1 })
  assert.equal(encodePoint(level, 3.7, true), [37])
  assert.is(decodePoint(level, [3]), 0.3)
  assert.is(decodePoint(level, [37]), 3.7)
  const quarter = point({ type: 'int16', scale: 0.25 })
  assert.equal(encodePoint(quarter, -1.25, true), [0xfffb])
  assert.is(decodePoint(quarter, [0xfffb]), -1.25)
  assert.is(scaleRaw({ type: 'uint32', scale: 10 }, 7), 70)
  assert.is(scaleRaw({ type: 'float32', scale: 0.5 }, 3), 1.5)
  assert.equal(valueRange({ type: 'uint16', scale: 0.1 }), [0, 6553.5])
})

test('bool and bits', () => {
  const bool = point({ table: 'coils', type: 'bool' })
  assert.equal(encodePoint(bool, true, true), [true])
  assert.equal(encodePoint(bool, 0, true), [false])
  assert.is(decodePoint(bool, [true]), true)
  const bits = point({ table: 'coils', type: 'bits', length: 4 })
  assert.equal(encodePoint(bits, [true, false, true], true), [true, false, true, false])
  assert.equal(decodePoint(bits, [false, true, true, false]), [false, true, true, false])
})

test('strict: a value that does not fit is an ArgumentError saying what fits', () => {
  const cases: [Partial<PointSpec>, unknown, string][] = [
    [{ type: 'uint16' }, 70000, 'expected a uint16 value (0..65535), got 70000'],
    [{ type: 'int16' }, 1.5, 'expected an int16 value (-32768..32767), a whole number, got 1.5'],
    [{ type: 'uint16', scale: 0.1 }, 7000, 'expected a uint16 value (raw 0..65535, scale 0.1), got 7000'],
    [{ type: 'uint16' }, '12', 'expected a uint16 value (0..65535), got "12"'],
    [{ type: 'int64' }, 'ten', 'expected an int64 value (-9223372036854775808..9223372036854775807) as a number or a decimal string, got "ten"'],
    [{ type: 'uint64' }, '-1', 'expected a uint64 value (0..18446744073709551615), got "-1"'],
    [{ type: 'float32' }, 1e39, 'expected a float32 value (±3.4028234663852886e+38), got 1e+39'],
    [{ type: 'string', length: 2 }, 'TOO LONG', 'expected at most 4 characters (2 registers), got 8'],
    [{ type: 'string', length: 2 }, 'Ω', 'has characters outside latin1'],
    [{ type: 'string', length: 2 }, 5, 'expected a string, got 5'],
    [{ table: 'coils', type: 'bool' }, 2, 'expected true/false (or 0/1), got 2'],
    [{ table: 'coils', type: 'bits', length: 2 }, [true, true, true], 'expected at most 2 bits, got 3'],
  ]
  for (const [spec, value, why] of cases) {
    const err = caught(() => encodePoint(point(spec), value, true))
    assert.instance(err, ArgumentError)
    assert.match((err as Error).message, why)
  }
})

test('loose (behaviours): numbers are clamped to the type, strings cut, bits cut, never more registers', () => {
  assert.equal(encodePoint(point({ type: 'uint16' }), 70000, false), [65535])
  assert.equal(encodePoint(point({ type: 'uint16' }), -3, false), [0])
  assert.equal(encodePoint(point({ type: 'int16', scale: 0.1 }), 5000, false), [0x7fff])
  assert.equal(encodePoint(point({ type: 'uint64' }), 2 ** 70, false), [0xffff, 0xffff, 0xffff, 0xffff])
  assert.equal(encodePoint(point({ type: 'int64' }), -(2 ** 70), false), [0x8000, 0, 0, 0])
  assert.equal(encodePoint(point({ type: 'uint16' }), 9n, false), [9])
  assert.equal(encodePoint(point({ type: 'float32' }), 1e39, false), [0x7f7f, 0xffff])
  assert.equal((encodePoint(point({ type: 'string', length: 1 }), 'ABC', false) as number[]).length, 1)
  assert.equal(encodePoint(point({ table: 'coils', type: 'bits', length: 2 }), [true, true, true], false), [true, true])
})

test.run()
