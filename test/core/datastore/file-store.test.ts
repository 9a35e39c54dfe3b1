import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ArgumentError, ModbusExceptionError } from '../../../core/errors.ts'
import { FileStore } from '../../../core/datastore/index.ts'
import { caught, exceptionOf } from '../../helpers/throws.ts'

const test = suite('file store')

const full = Array.from({ length: 10000 }, (_, i) => i)

test('§6.14: a file of 10000 records reads record 0 and record 9999 (0x270F)', () => {
  const store = new FileStore(new Map([[1, full]]))
  assert.equal(store.read(1, 0, 2), [0, 1])
  assert.equal(store.read(1, 0x270f, 1), [9999])
})
test('a range running one record past the end of the file is illegalAddress, naming the file size', () => {
  const store = new FileStore({ 3: [1, 2, 3] })
  assert.equal(store.read(3, 2, 1), [3])
  const err = exceptionOf(() => store.read(3, 2, 2))
  assert.is(err.exceptionCode, 0x02)
  assert.match(err.message, 'holds 3 records, 0x0000..0x0002')
})
test('record number 0x2710 is past the last record number (§6.14)', () => {
  const store = new FileStore({ 1: full })
  const err = exceptionOf(() => store.read(1, 0x2710, 1))
  assert.is(err.exceptionCode, 0x02)
  assert.match(err.message, '0x270F')
})
test('a missing file is illegalAddress, listing the files that exist', () => {
  const err = exceptionOf(() => new FileStore({ 1: [0], 2: [0] }).read(7, 0, 1))
  assert.is(err.exceptionCode, 0x02)
  assert.match(err.message, 'files: 0x0001, 0x0002')
  assert.match(exceptionOf(() => new FileStore().write(1, 0, [1])).message, 'files: none')
})
test('a write inside the file is stored; a write past its end writes nothing', () => {
  const store = new FileStore({ 1: [0, 0, 0] })
  store.write(1, 1, [5, 6])
  assert.equal(store.read(1, 0, 3), [0, 5, 6])
  assert.is(exceptionOf(() => store.write(1, 2, [8, 9])).exceptionCode, 0x02)
  assert.equal(store.read(1, 2, 1), [6])
})
test('set creates, replaces and resizes a file, copying its registers', () => {
  const store = new FileStore()
  const registers = [1, 2]
  store.set(9, registers)
  registers[0] = 100
  assert.equal(store.read(9, 0, 2), [1, 2])
  store.set(9, [7])
  assert.is(exceptionOf(() => store.read(9, 0, 2)).exceptionCode, 0x02)
  assert.equal(store.fileNumbers(), [9])
})
test('set refuses file 0, file 0x10000, more than 10000 records and values past 0xFFFF', () => {
  assert.instance(caught(() => new FileStore({ 0: [1] })), ArgumentError)
  assert.instance(caught(() => new FileStore().set(0x10000, [1])), ArgumentError)
  assert.instance(caught(() => new FileStore().set(1, [...full, 0])), ArgumentError)
  assert.instance(caught(() => new FileStore().set(1, [0x10000])), ArgumentError)
})
test.run()
