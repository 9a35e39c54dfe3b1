import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { behaviourValue, counterBounds, seededRandom, type BehaviourSpec, type UpdateInput } from '../../../core/simulator/behaviours.ts'
import { resolvePoint, type PointSpec } from '../../../core/simulator/points.ts'

const point = (spec: Partial<PointSpec> = {}) => resolvePoint('p', { table: 'holdingRegisters', address: 0, type: 'uint16', ...spec } as PointSpec)
const T0 = 1_700_000_000_000
const at = (spec: BehaviourSpec, input: Partial<UpdateInput>, p = point()) => behaviourValue(spec, p, { now: T0, start: T0, first: false, ...input })

const test = suite('behaviours: the value of one update')

test('counter: steps from the current value and wraps past max to min', () => {
  const spec: BehaviourSpec = { kind: 'counter', step: 2, min: 0, max: 5 }
  assert.is(at(spec, { current: 0 }), 2)
  assert.is(at(spec, { current: 4 }), 0, '6 is past max 5: wraps to min')
  assert.is(at(spec, { current: 5 }), 0)
  assert.is(at({ kind: 'counter', step: -1, min: 1, max: 3 }, { current: 1 }), 3, 'a negative step wraps past min to max')
})

test('counter: the first update only settles an out-of-range value into range; defaults are 0..the type top', () => {
  assert.is(at({ kind: 'counter', min: 10, max: 20 }, { current: 0, first: true }), 10)
  assert.is(at({ kind: 'counter', step: -1, min: 10, max: 20 }, { current: 0, first: true }), 20)
  assert.is(at({ kind: 'counter', min: 10, max: 20 }, { current: 15, first: true }), 15)
  assert.is(at({ kind: 'counter', min: 10, max: 20 }, { current: 99 }), 10, 'a client wrote past max: start again')
  assert.equal(counterBounds({ kind: 'counter' }, point({ type: 'uint16' })), [0, 65535])
  assert.equal(counterBounds({ kind: 'counter' }, point({ type: 'int16', scale: 0.5 })), [0, 16383.5])
  assert.equal(counterBounds({ kind: 'counter' }, point({ type: 'float32' })), [0, 2 ** 24])
})

test('ramp: from → to over the period, then again (a sawtooth)', () => {
  const spec: BehaviourSpec = { kind: 'ramp', from: 10, to: 20, period: 10_000 }
  assert.equal([0, 2500, 5000, 7500, 10_000, 12_500].map((ms) => at(spec, { now: T0 + ms })), [10, 12.5, 15, 17.5, 10, 12.5])
  assert.is(at({ kind: 'ramp', from: 5, to: 1, period: 4000 }, { now: T0 + 1000 }), 4, 'a falling ramp')
})

test('sine: offset + amplitude × sin(2π t / period)', () => {
  const spec: BehaviourSpec = { kind: 'sine', amplitude: 10, offset: 50, period: 4000 }
  const values = [0, 1000, 2000, 3000].map((ms) => at(spec, { now: T0 + ms }) as number)
  assert.equal(values.map((v) => Math.round(v * 1e9) / 1e9), [50, 60, 50, 40])
})

test('randomWalk: moves at most step per update, stays within min..max, starts mid-range when outside', () => {
  const spec: BehaviourSpec = { kind: 'randomWalk', step: 3, min: 0, max: 10, seed: 7 }
  const random = seededRandom(7)
  let v = at(spec, { current: 100, first: true }) as number
  assert.is(v, 5)
  for (let i = 0; i < 1000; i++) {
    const next = at(spec, { current: v, random }) as number
    assert.ok(Math.abs(next - v) <= 3 && next >= 0 && next <= 10, `step ${i}: ${v} → ${next}`)
    v = next
  }
})

test('seededRandom: the same seed gives the same sequence in [0, 1); another seed another', () => {
  const take = (seed: number) => {
    const r = seededRandom(seed)
    return Array.from({ length: 50 }, () => r())
  }
  assert.equal(take(42), take(42))
  assert.not.equal(take(42), take(43))
  assert.ok(take(1).every((x) => x >= 0 && x < 1))
})

test('timestamp is Unix seconds; uptime is seconds since the start', () => {
  assert.is(at({ kind: 'timestamp' }, { now: T0 + 999 }), 1_700_000_000)
  assert.is(at({ kind: 'uptime' }, { now: T0 + 61_500 }), 61)
  assert.is(at({ kind: 'uptime' }, { now: T0, first: true }), 0)
})

test('copy: the source value, scaled when asked; strings, bools and bits as they are', () => {
  assert.is(at({ kind: 'copy', of: 'x' }, { source: 12.5 }), 12.5)
  assert.is(at({ kind: 'copy', of: 'x', scale: 2 }, { source: 12.5 }), 25)
  assert.is(at({ kind: 'copy', of: 'x', scale: 0.5 }, { source: 8n }), 4)
  assert.is(at({ kind: 'copy', of: 'x' }, { source: 'TEXT' }), 'TEXT')
  assert.is(at({ kind: 'copy', of: 'x' }, { source: true }), true)
})

test.run()
