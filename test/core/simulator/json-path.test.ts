import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { formatPath, pointerSegments, showValue } from '../../../core/simulator/json-path.ts'

const test = suite('json paths in messages')

test('keys are dotted, indexes bracketed, odd keys quoted; a base is continued', () => {
  assert.is(formatPath(['units', '1', 'holdingRegisters', 'values', 3]), 'units.1.holdingRegisters.values[3]')
  assert.is(formatPath(['points', 'flow rate', 'value']), 'points["flow rate"].value')
  assert.is(formatPath(['points', 'a.b'], 'units.1'), 'units.1.points["a.b"]')
  assert.is(formatPath([]), '')
})

test('a JSON Pointer becomes segments, indexes only where the value is an array', () => {
  const root = { units: { '1': { values: [0, 1, { 'a/b': { '~x': 1 } }] } } }
  assert.equal(pointerSegments('/units/1/values/2/a~1b/~0x', root), ['units', '1', 'values', 2, 'a/b', '~x'])
  assert.equal(pointerSegments('', root), [])
  assert.equal(pointerSegments('/missing/0', root), ['missing', '0'])
})

test('values are shown short', () => {
  assert.equal([showValue('x'), showValue(70000), showValue(null), showValue([1, 2]), showValue({}), showValue(undefined), showValue(Infinity)], ['"x"', '70000', 'null', 'an array of 2', 'an object', 'nothing', 'Infinity'])
  assert.is(showValue('y'.repeat(100)), `"${'y'.repeat(36)}...`)
})

test.run()
