/** WriteListeners: MemoryUnit's listener rules for store units. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { WriteListeners } from '../../../core/datastore/write-listeners.ts'
import type { WriteEvent } from '../../../core/datastore/index.ts'

const test = suite('write listeners')
const event: WriteEvent = { table: 'coils', address: 1, values: [true] }

test('listeners run in the order they were added; unsubscribing removes one registration, twice is harmless', () => {
  const list = new WriteListeners()
  const seen: string[] = []
  list.add(() => seen.push('a'))
  const offB = list.add(() => seen.push('b'))
  list.add(() => seen.push('c'))
  list.emit(event)
  offB()
  offB()
  assert.is(list.size, 2)
  list.emit(event)
  assert.equal(seen, ['a', 'b', 'c', 'a', 'c'])
})

test('a listener that throws does not stop the others; the first error is rethrown after all ran', () => {
  const list = new WriteListeners()
  const seen: string[] = []
  list.add(() => {
    throw new RangeError('first')
  })
  list.add(() => seen.push('second ran'))
  list.add(() => {
    throw new TypeError('third')
  })
  try {
    list.emit(event)
    assert.unreachable('emit should rethrow')
  } catch (err) {
    assert.instance(err, RangeError)
  }
  assert.equal(seen, ['second ran'])
})

test.run()
