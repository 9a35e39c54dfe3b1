import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ArgumentError } from '../../../core/errors.ts'
import { ServerContext, UNKNOWN_UNIT_EXCEPTIONS } from '../../../core/datastore/index.ts'
import type { UnknownUnitPolicy } from '../../../core/datastore/index.ts'
import { caught } from '../../helpers/throws.ts'

const test = suite('server context')

test('a multi-unit context answers its units and nothing else', () => {
  const context = new ServerContext({ units: new Map([[17, 'meter'], [3, 'pump']]) })
  assert.is(context.get(17), 'meter')
  assert.is(context.get(3), 'pump')
  assert.is(context.get(4), undefined)
  assert.is(context.get(0), undefined)
  assert.equal(context.units(), [3, 17])
  assert.is(context.isSingle, false)
})
test('units may be given as a record keyed by unit id', () => {
  const context = new ServerContext({ units: { 1: 'a', 247: 'b' } })
  assert.is(context.get(247), 'b')
  assert.equal(context.units(), [1, 247])
})
test('an unknown unit gets 0x0B by default (gateway target device failed to respond, as PyModbus)', () => {
  const context = new ServerContext({ units: { 1: 'a' } })
  assert.is(context.unknownUnit, 'gatewayTargetFailedToRespond')
  assert.is(context.unknownUnitException(), 0x0b)
})
test('unknownUnit policies: 0x0A for gateway path unavailable, no reply for ignore', () => {
  const cases: [UnknownUnitPolicy, number | undefined][] = [
    ['gatewayTargetFailedToRespond', 0x0b],
    ['gatewayPathUnavailable', 0x0a],
    ['ignore', undefined],
  ]
  for (const [policy, code] of cases) {
    assert.is(new ServerContext({ units: {}, unknownUnit: policy }).unknownUnitException(), code, policy)
  }
  assert.equal(Object.keys(UNKNOWN_UNIT_EXCEPTIONS), cases.map(([p]) => p))
})
test('an unknown policy name is refused with ArgumentError', () => {
  const err = caught(() => new ServerContext({ units: {}, unknownUnit: 'drop' as UnknownUnitPolicy }))
  assert.instance(err, ArgumentError)
  assert.match((err as Error).message, "'drop'")
})
test('SL §2.2: unit 0 (broadcast) is refused in the multi-unit form', () => {
  const err = caught(() => new ServerContext({ units: { 0: 'a' } }))
  assert.instance(err, ArgumentError)
  assert.match((err as Error).message, 'broadcast')
})
test('SL §2.2: units 248..255 are reserved and refused; 1 and 247 are accepted', () => {
  for (const unit of [248, 255]) {
    const err = caught(() => new ServerContext({ units: new Map([[unit, 'a']]) }))
    assert.instance(err, ArgumentError, String(unit))
    assert.match((err as Error).message, 'reserved')
  }
  assert.equal(new ServerContext({ units: { 1: 'a', 247: 'b' } }).units(), [1, 247])
})
test('allowAnyUnit accepts 0 and 255 (TCP gateways), but never 256, -1 or a fraction', () => {
  const context = new ServerContext({ units: { 0: 'zero', 255: 'gateway' }, allowAnyUnit: true })
  assert.is(context.get(255), 'gateway')
  assert.is(context.get(0), 'zero')
  for (const unit of [256, -1, 1.5]) {
    assert.instance(caught(() => context.add(unit, 'x')), ArgumentError, String(unit))
  }
})
test('add refuses a unit id that is taken; remove frees it and says whether it was there', () => {
  const context = new ServerContext({ units: { 5: 'old' } })
  assert.instance(caught(() => context.add(5, 'new')), ArgumentError)
  assert.is(context.remove(5), true)
  assert.is(context.remove(5), false)
  context.add(5, 'new')
  assert.is(context.get(5), 'new')
  assert.instance(caught(() => context.add(0, 'x')), ArgumentError)
})
test('single: one device answers every unit id 0..255', () => {
  const device = { name: 'only' }
  const context = ServerContext.single(device)
  assert.is(context.isSingle, true)
  for (const unit of [0, 1, 17, 247, 248, 255]) assert.is(context.get(unit), device, String(unit))
  assert.equal(context.units(), [])
  assert.is(context.unknownUnitException(), 0x0b)
})
test('single: add and remove are refused', () => {
  const context = ServerContext.single('d', { unknownUnit: 'ignore' })
  assert.instance(caught(() => context.add(1, 'e')), ArgumentError)
  assert.instance(caught(() => context.remove(1)), ArgumentError)
  assert.is(context.unknownUnitException(), undefined)
})
test.run()
