import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ArgumentError, ModbusExceptionError } from '../../../core/errors.ts'
import { SparseBlock, sparseBits, sparseRegisters } from '../../../core/datastore/index.ts'
import { caught } from '../../helpers/throws.ts'

const test = suite('sparse block')

test('has: every address of the range must exist', () => {
  const block = sparseRegisters({ 0: 1, 1: 2, 5: 3 })
  assert.ok(block.has(0, 2))
  assert.ok(block.has(5, 1))
  assert.not.ok(block.has(0, 3))
  assert.not.ok(block.has(2, 1))
  assert.not.ok(block.has(4, 2))
})
test('has: a count of 0 is false', () => {
  assert.not.ok(sparseRegisters({ 0: 1 }).has(0, 0))
})
test('an array gives index = address, and its holes are gaps', () => {
  const values: number[] = []
  values[0] = 10
  values[2] = 30
  const block = sparseRegisters(values)
  assert.ok(block.has(0, 1))
  assert.not.ok(block.has(1, 1))
  assert.equal(block.get(2, 1), [30])
  assert.is(block.size, 2)
})
test('a Map and address 0xFFFF are accepted', () => {
  const block = sparseBits(new Map([[0xffff, true]]))
  assert.equal(block.get(0xffff, 1), [true])
  assert.equal(block.addresses(), [0xffff])
})
test('set overwrites existing addresses', () => {
  const block = sparseRegisters({ 3: 0, 4: 0 })
  block.set(3, [7, 8])
  assert.equal(block.get(3, 2), [7, 8])
})
test('set never creates an address: a gap throws illegalAddress (0x02) and nothing is written', () => {
  const block = sparseRegisters({ 3: 0, 5: 0 })
  const err = caught(() => block.set(3, [1, 2, 3]))
  assert.instance(err, ModbusExceptionError)
  assert.is((err as ModbusExceptionError).exceptionCode, 0x02)
  assert.match((err as Error).message, '0x0004 is a gap')
  assert.equal(block.get(3, 1), [0])
  assert.not.ok(block.has(4, 1))
})
test('addresses outside 0..0xFFFF are refused with ArgumentError', () => {
  assert.instance(caught(() => sparseRegisters({ 0x10000: 1 })), ArgumentError)
  assert.instance(caught(() => sparseRegisters({ [-1]: 1 })), ArgumentError)
  assert.instance(caught(() => new SparseBlock<number>(new Map([[1.5, 1]]))), ArgumentError)
})
test('sparseRegisters refuses values outside 0..0xFFFF; sparseBits refuses non-booleans', () => {
  const err = caught(() => sparseRegisters({ 2: 0x10000 }))
  assert.instance(err, ArgumentError)
  assert.match((err as Error).message, '0x0002')
  assert.instance(caught(() => sparseBits({ 0: 1 as unknown as boolean })), ArgumentError)
})
test('the values are copied from the source object', () => {
  const source: Record<number, number> = { 1: 5 }
  const block = sparseRegisters(source)
  source[1] = 6
  source[2] = 7
  assert.equal(block.get(1, 1), [5])
  assert.not.ok(block.has(2, 1))
})
test('describe lists a few addresses, or counts many', () => {
  assert.is(sparseRegisters({ 0: 0, 5: 0 }).describe(), 'sparse block: 0x0000, 0x0005')
  const many = sparseRegisters(Array.from({ length: 20 }, () => 0))
  assert.is(many.describe(), 'sparse block: 20 addresses in 0x0000..0x0013')
  assert.is(sparseRegisters({}).describe(), 'sparse block: empty')
})
test.run()
