import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ArgumentError } from '../../../core/errors.ts'
import {
  DEFAULT_ORDER,
  ENDIAN,
  type Endian,
  type OrderedWidth,
  gather,
  layoutsFor,
  resolveOrder,
  scatter,
} from '../../../core/payload/byte-order.ts'
import { assertError, thrown } from '../../helpers/payload-vectors.ts'

const ENDIANS: Endian[] = ['big', 'little']
const WIDTHS: OrderedWidth[] = [2, 4, 8]

// ---

const resolve = suite('payload byte order: options')

resolve('defaults to the spec order, big bytes and big words', () => {
  assert.equal(DEFAULT_ORDER, { byteOrder: 'big', wordOrder: 'big' })
  assert.is(resolveOrder(undefined, 'x'), DEFAULT_ORDER)
  assert.equal(resolveOrder({}, 'x'), DEFAULT_ORDER)
  assert.equal(resolveOrder({ wordOrder: 'little' }, 'x'), { byteOrder: 'big', wordOrder: 'little' })
  assert.equal(resolveOrder({ byteOrder: 'little' }, 'x'), { byteOrder: 'little', wordOrder: 'big' })
})

resolve('DEFAULT_ORDER cannot be changed by a caller', () => {
  assert.ok(Object.isFrozen(DEFAULT_ORDER))
})

resolve('ENDIAN lists exactly big and little', () => {
  assert.equal(Object.values(ENDIAN), ['big', 'little'])
})

resolve('rejects anything but big and little, naming the caller and the field', () => {
  for (const [opts, field] of [
    [{ byteOrder: 'Big' }, 'byteOrder'],
    [{ wordOrder: 'middle' }, 'wordOrder'],
    [{ byteOrder: 1 }, 'byteOrder'],
  ] as const) {
    const err = thrown(() => resolveOrder(opts as never, 'decodeThing'))
    assertError(err, ArgumentError, 'MB_ERR_INVALID_ARGUMENT')
    assert.ok((err as Error).message.startsWith(`decodeThing: ${field} must be 'big' or 'little'`), (err as Error).message)
  }
  assertError(thrown(() => resolveOrder('big' as never, 'x')), ArgumentError, 'MB_ERR_INVALID_ARGUMENT')
  assertError(thrown(() => resolveOrder(null as never, 'x')), ArgumentError, 'MB_ERR_INVALID_ARGUMENT')
})

resolve.run()

// ---

const layouts = suite('payload byte order: layouts')

layouts('0x12345678 lands as the four documented register pairs', () => {
  const be = Uint8Array.of(0x12, 0x34, 0x56, 0x78)
  const expected: Record<string, string> = {
    'big/big': '12345678',
    'little/big': '34127856',
    'big/little': '56781234',
    'little/little': '78563412',
  }
  for (const byteOrder of ENDIANS) {
    for (const wordOrder of ENDIANS) {
      const out = Buffer.alloc(4)
      scatter(be, layoutsFor({ byteOrder, wordOrder })[4], out, 0)
      assert.is(out.toString('hex'), expected[`${byteOrder}/${wordOrder}`], `${byteOrder}/${wordOrder}`)
    }
  }
})

layouts('each layout is a permutation that undoes itself, so gather inverts scatter', () => {
  for (const byteOrder of ENDIANS) {
    for (const wordOrder of ENDIANS) {
      for (const width of WIDTHS) {
        const layout = layoutsFor({ byteOrder, wordOrder })[width]
        assert.equal([...layout].sort((a, b) => a - b), Array.from({ length: width }, (_, i) => i))
        for (let i = 0; i < width; i++) assert.is(layout[layout[i]], i)
        const be = Uint8Array.from({ length: width }, (_, i) => 0xa0 + i)
        const placed = new Uint8Array(width + 3)
        scatter(be, layout, placed, 3)
        const back = new Uint8Array(width)
        gather(placed, 3, layout, back)
        assert.equal([...back], [...be])
      }
    }
  }
})

layouts('the spec order is the identity', () => {
  for (const width of WIDTHS) assert.equal([...layoutsFor(DEFAULT_ORDER)[width]], Array.from({ length: width }, (_, i) => i))
})

layouts('word little, byte little reverses the whole value', () => {
  const layout = layoutsFor({ byteOrder: 'little', wordOrder: 'little' })[8]
  assert.equal([...layout], [7, 6, 5, 4, 3, 2, 1, 0])
})

layouts('tables are shared and frozen', () => {
  const a = layoutsFor({ byteOrder: 'little', wordOrder: 'big' })
  assert.is(layoutsFor({ byteOrder: 'little', wordOrder: 'big' }), a)
  assert.ok(Object.isFrozen(a) && Object.isFrozen(a[4]))
})

layouts.run()
