import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ArgumentError } from '../../../core/errors.ts'
import { SequentialBlock, bits, registers } from '../../../core/datastore/index.ts'
import { caught } from '../../helpers/throws.ts'

const test = suite('sequential block')

test('has: the first and the last address of the block exist', () => {
  const block = registers(10, 100)
  assert.ok(block.has(10, 1))
  assert.ok(block.has(109, 1))
  assert.ok(block.has(10, 100))
})
test('has: one before the start and one past the end do not', () => {
  const block = registers(10, 100)
  assert.not.ok(block.has(9, 1))
  assert.not.ok(block.has(110, 1))
  assert.not.ok(block.has(109, 2))
  assert.not.ok(block.has(9, 2))
})
test('has: a block may end exactly at 0x10000 (§4.4) and its last address 0xFFFF is readable', () => {
  const block = registers(0xfff0, 16)
  assert.ok(block.has(0xffff, 1))
  assert.ok(block.has(0xfff0, 16))
  assert.not.ok(block.has(0xffff, 2))
  assert.equal(registers(0, 0x10000).has(0, 0x10000), true)
})
test('has: a count of 0 is true inside the block and at its end (PyModbus validate)', () => {
  const block = registers(0, 4)
  assert.ok(block.has(4, 0))
  assert.not.ok(block.has(5, 0))
})
test('a block running past 0x10000 is refused with ArgumentError', () => {
  const err = caught(() => registers(0xffff, 2))
  assert.instance(err, ArgumentError)
  assert.is((err as ArgumentError).code, 'MB_ERR_INVALID_ARGUMENT')
  assert.match((err as Error).message, '0x10000')
  assert.instance(caught(() => bits(-1, 1)), ArgumentError)
  assert.instance(caught(() => bits(0, 0x10001)), ArgumentError)
})
test('register values outside 0..0xFFFF are refused, naming the index', () => {
  const err = caught(() => registers(0, [1, 0x10000]))
  assert.instance(err, ArgumentError)
  assert.match((err as Error).message, 'index 1')
  assert.instance(caught(() => registers(0, [-1])), ArgumentError)
  assert.instance(caught(() => registers(0, [1.5])), ArgumentError)
})
test('registers: a length gives zeros; values are copied from the given array', () => {
  assert.equal(registers(0, 3).get(0, 3), [0, 0, 0])
  const source = [0x1234, 0xffff]
  const block = registers(100, source)
  source[0] = 7
  assert.equal(block.get(100, 2), [0x1234, 0xffff])
})
test('get returns a plain array that does not alias the store', () => {
  const block = registers(0, [1, 2, 3])
  const out = block.get(1, 2)
  assert.ok(Array.isArray(out))
  assert.equal(out, [2, 3])
  out[0] = 99
  assert.equal(block.get(1, 1), [2])
})
test('set overwrites from the given address and leaves neighbours alone', () => {
  const block = registers(5, [1, 2, 3, 4])
  block.set(6, [20, 30])
  assert.equal(block.get(5, 4), [1, 20, 30, 4])
})
test('bits: a length gives false; get returns booleans; set stores them', () => {
  const block = bits(0, 4)
  assert.equal(block.get(0, 4), [false, false, false, false])
  block.set(1, [true, false, true])
  assert.equal(block.get(0, 4), [false, true, false, true])
  assert.equal(bits(2, [true, false]).get(2, 2), [true, false])
})
test('bits: non-boolean values are refused', () => {
  assert.instance(caught(() => bits(0, [true, 1 as unknown as boolean])), ArgumentError)
})
test('start, length, kind and describe say what the block holds', () => {
  const block = SequentialBlock.registers(0x10, 0x20)
  assert.is(block.start, 0x10)
  assert.is(block.length, 0x20)
  assert.is(block.kind, 'registers')
  assert.is(block.describe(), 'registers 0x0010..0x002F (32 addresses)')
  assert.is(SequentialBlock.bits(0, 0).describe(), 'bits: empty')
})
test.run()
