import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ArgumentError } from '../../../core/errors.ts'
import { isPromiseLike, mapAwaitable } from '../../../core/datastore/index.ts'

const test = suite('awaitable')

test('isPromiseLike: promises and thenables yes, values and arrays no', () => {
  assert.ok(isPromiseLike(Promise.resolve(1)))
  assert.ok(isPromiseLike({ then() {} } as unknown as PromiseLike<number>))
  assert.not.ok(isPromiseLike(1))
  assert.not.ok(isPromiseLike([1, 2]))
  assert.not.ok(isPromiseLike(null as unknown as number))
})
test('mapAwaitable: a plain value gives a plain result, at once', () => {
  const result = mapAwaitable([1, 2], (v) => v.length)
  assert.is(result, 2)
})
test('mapAwaitable: a promise gives a promise of the mapped value', async () => {
  const result = mapAwaitable(Promise.resolve(3), (v) => v * 2)
  assert.ok(isPromiseLike(result))
  assert.is(await result, 6)
})
test('mapAwaitable: a throw in the mapper is thrown on the sync path', () => {
  const boom = new ArgumentError('no')
  try {
    mapAwaitable(1, () => {
      throw boom
    })
    assert.unreachable('should have thrown')
  } catch (err) {
    assert.is(err, boom)
  }
})
test('mapAwaitable: a throw in the mapper rejects on the async path', async () => {
  const boom = new ArgumentError('no')
  try {
    await mapAwaitable(Promise.resolve(1), () => {
      throw boom
    })
    assert.unreachable('should have rejected')
  } catch (err) {
    assert.is(err, boom)
  }
})
test.run()
