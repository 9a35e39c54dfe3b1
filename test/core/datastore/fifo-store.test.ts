import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ArgumentError, ModbusExceptionError } from '../../../core/errors.ts'
import { FifoStore } from '../../../core/datastore/index.ts'
import { caught, exceptionOf } from '../../helpers/throws.ts'

const test = suite('fifo store')

test('§6.18: an empty queue reads as no values', () => {
  assert.equal(new FifoStore({ 0x04de: [] }).read(0x04de), [])
})
test('§6.18 example: a queue of two values reads them oldest first', () => {
  assert.equal(new FifoStore({ 0x04de: [0x01b8, 0x1284] }).read(0x04de), [0x01b8, 0x1284])
})
test('31 values read in full; 32 is illegalValue (0x03: "queue count > 31")', () => {
  const store = new FifoStore()
  for (let i = 0; i < 31; i++) store.push(1, i)
  assert.is(store.read(1).length, 31)
  store.push(1, 31)
  const err = exceptionOf(() => store.read(1))
  assert.is(err.exceptionCode, 0x03)
  assert.match(err.message, 'holds 32 values')
})
test('a read leaves the queue as it is and returns a copy', () => {
  const store = new FifoStore(new Map([[5, [1, 2]]]))
  const first = store.read(5)
  first.push(3)
  assert.equal(store.read(5), [1, 2])
})
test('an address with no queue is illegalAddress', () => {
  assert.is(exceptionOf(() => new FifoStore().read(0)).exceptionCode, 0x02)
})
test('push creates a queue; set replaces or empties it', () => {
  const store = new FifoStore()
  store.push(0xffff, 9)
  assert.equal(store.read(0xffff), [9])
  store.set(0xffff, [])
  assert.equal(store.read(0xffff), [])
})
test('addresses and values outside 0..0xFFFF are refused with ArgumentError', () => {
  assert.instance(caught(() => new FifoStore({ 0x10000: [] })), ArgumentError)
  assert.instance(caught(() => new FifoStore().push(0, -1)), ArgumentError)
  assert.instance(caught(() => new FifoStore().set(0, [0x10000])), ArgumentError)
})
test.run()
