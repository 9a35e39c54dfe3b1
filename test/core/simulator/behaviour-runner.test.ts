import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { buildDevices, type DeviceFile } from '../../../core/index.ts'
import { MemoryUnit, registers } from '../../../core/datastore/index.ts'
import { BehaviourRunner, readPoint, type PointData } from '../../../core/simulator/behaviour-runner.ts'
import { resolvePoint } from '../../../core/simulator/points.ts'
import { rejects } from '../../helpers/throws.ts'
import { waitFor } from '../../helpers/wait.ts'

const T0 = 1_700_000_000_000
const SENTINEL = 0xbeef

/** A unit whose holding registers 0..39 hold `fill`, with the points given. */
function device(points: Record<string, unknown>, extra: Partial<DeviceFile> = {}, fill = 0): ReturnType<typeof buildDevices> {
  return buildDevices({ ...extra, units: { '1': { holdingRegisters: { start: 0, length: 40, values: new Array(40).fill(fill) }, points: points as never } } })
}
const h = (address: number, type: string, behaviour: unknown, more: object = {}) => ({ table: 'holdingRegisters', address, type, behaviour, ...more })
const regs = (d: ReturnType<typeof buildDevices>, address: number, count: number) => d.units.get(1)!.data.readRegisters('holdingRegisters', address, count)
const value = (d: ReturnType<typeof buildDevices>, name: string) => readPoint(d.units.get(1)!.data, d.units.get(1)!.points.get(name)!)

const test = suite('behaviour runner: tick(now) drives every behaviour')

test('a counter advances once per interval through the unit data, and a client write resets it', async () => {
  const d = device({ count: h(5, 'uint16', { kind: 'counter', step: 1, max: 3 }, { value: 0 }) }, { interval: 100 })
  await d.behaviours.tick(T0)
  assert.equal(regs(d, 5, 1), [0], 'the start settles, it does not step')
  await d.behaviours.tick(T0 + 50)
  assert.equal(regs(d, 5, 1), [0], 'not due yet')
  const seen: number[] = []
  for (let t = 100; t <= 500; t += 100) {
    await d.behaviours.tick(T0 + t)
    seen.push(regs(d, 5, 1)[0])
  }
  assert.equal(seen, [1, 2, 3, 0, 1])
  d.units.get(1)!.data.writeRegisters(5, [2])
  await d.behaviours.tick(T0 + 600)
  assert.equal(regs(d, 5, 1), [3], 'went on from the value the client wrote')
})

test('an update that falls behind runs once, and the next is back on the grid', async () => {
  const d = device({ count: h(0, 'uint16', { kind: 'counter' }) }, { interval: 100 })
  await d.behaviours.tick(T0)
  await d.behaviours.tick(T0 + 1050)
  assert.equal(regs(d, 0, 1), [1])
  await d.behaviours.tick(T0 + 1099)
  assert.equal(regs(d, 0, 1), [1])
  await d.behaviours.tick(T0 + 1100)
  assert.equal(regs(d, 0, 1), [2])
})

test('per-point intervals override the file default (1000 ms when none is given)', async () => {
  const d = device({ fast: h(0, 'uint16', { kind: 'counter', interval: 250 }), slow: h(1, 'uint16', { kind: 'counter' }) })
  for (let t = 0; t <= 1000; t += 250) await d.behaviours.tick(T0 + t)
  assert.equal(regs(d, 0, 2), [4, 1])
})

test('behaviours never write outside their points (every neighbour keeps its sentinel)', async () => {
  const d = device({
    a: h(2, 'float64', { kind: 'sine', amplitude: 1e6, period: 700 }, { wordOrder: 'little' }),
    b: h(7, 'int32', { kind: 'randomWalk', step: 1e9, min: -2e9, max: 2e9, seed: 3 }),
    c: h(10, 'string', { kind: 'copy', of: 's' }, { length: 2 }),
    s: h(13, 'string', undefined, { length: 7, value: 'A LONGER TEXT' }),
    t: h(20, 'uint64', { kind: 'timestamp' }),
    u: h(25, 'int16', { kind: 'uptime' }),
    r: h(27, 'uint32', { kind: 'ramp', from: 0, to: 4e9, period: 900 }, { byteOrder: 'little' }),
  }, { interval: 10 }, SENTINEL)
  for (let t = 0; t < 3000; t += 10) await d.behaviours.tick(T0 + t)
  const all = regs(d, 0, 40)
  const owned = new Set([2, 3, 4, 5, 7, 8, 10, 11, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 25, 27, 28])
  assert.equal(all.flatMap((v, i) => (owned.has(i) || v === SENTINEL ? [] : [i])), [], 'registers outside every point changed')
  assert.is(await value(d, 'c'), 'A LO', 'a copy is cut to its own length')
  assert.is(await value(d, 't'), BigInt(Math.floor((T0 + 2990) / 1000)))
  assert.is(await value(d, 'u'), 2)
})

test('copy sees its source updated in the same tick (copies run after what they copy), scaled', async () => {
  const d = device({
    twice: h(0, 'float32', { kind: 'copy', of: 'again', scale: 2 }),
    again: h(2, 'uint16', { kind: 'copy', of: 'count' }),
    count: h(3, 'uint16', { kind: 'counter', step: 5 }),
  })
  await d.behaviours.tick(T0)
  await d.behaviours.tick(T0 + 1000)
  assert.equal([await value(d, 'count'), await value(d, 'again'), await value(d, 'twice')], [5, 5, 10])
})

test('a seeded random walk repeats exactly; without a seed two runs differ', async () => {
  const run = async (seed?: number) => {
    const d = device({ w: h(0, 'float32', { kind: 'randomWalk', step: 5, min: 0, max: 100, ...(seed === undefined ? {} : { seed }) }) }, { interval: 10 })
    const out: unknown[] = []
    for (let t = 0; t <= 200; t += 10) {
      await d.behaviours.tick(T0 + t)
      out.push(await value(d, 'w'))
    }
    return out
  }
  assert.equal(await run(9), await run(9))
  assert.not.equal(await run(), await run())
})

test('an update that fails is thrown by tick once the others have run', async () => {
  const good = new MemoryUnit({ holdingRegisters: registers(0, [0, 0]) })
  const failing: PointData = { ...good, readRegisters: () => Promise.reject(new Error('store down')), readBits: () => [], setRegisters: () => Promise.reject(new Error('store down')), setBits: () => undefined }
  const point = (address: number) => resolvePoint(`p${address}`, { table: 'holdingRegisters', address, type: 'uint16' })
  const runner = new BehaviourRunner([
    { unit: 1, point: point(0), behaviour: { kind: 'uptime' }, interval: 10, data: failing },
    { unit: 1, point: point(1), behaviour: { kind: 'ramp', from: 7, to: 8, period: 1000 }, interval: 10, data: good },
  ])
  await rejects(runner.tick(T0), Error, (e) => assert.is(e.message, 'store down'))
  assert.equal(good.readRegisters('holdingRegisters', 1, 1), [7], 'the other update still ran')
})

// ---

test('a tick while the previous run is still writing waits for it: no point is updated out of turn', async () => {
  let release!: () => void
  const gate = new Promise<void>((resolve) => (release = resolve))
  const memory = [0, 0]
  let gated = true
  const data: PointData = {
    readRegisters: (_table, address) => [memory[address]],
    readBits: () => [],
    setRegisters: async (_table, address, values) => {
      if (gated && address === 0) await gate
      memory[address] = values[0]
    },
    setBits: () => undefined,
  }
  const counter = (name: string, address: number) => ({ unit: 1, point: resolvePoint(name, { table: 'holdingRegisters', address, type: 'uint16' }), behaviour: { kind: 'counter' as const }, interval: 1000, data })
  const runner = new BehaviourRunner([counter('a', 0), counter('b', 1)])
  const starting = runner.tick(T0)
  const second = runner.tick(T0 + 10)
  await new Promise((resolve) => setTimeout(resolve, 20))
  assert.equal(memory, [0, 0], 'the second tick has not run ahead while the first is writing')
  gated = false
  release()
  await Promise.all([starting, second])
  assert.equal(memory, [0, 0], 'the start settles both counters; at T0+10 neither is due')
  await runner.tick(T0 + 1000)
  assert.equal(memory, [1, 1], 'then each steps once per interval')
})

const real = suite('behaviour runner: real time')
let timers: () => number
real.before(() => {
  timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length
})
/**
 * Waits `ms` on a timer of its own. The runner's timers are unref'd, so the count above does not
 * see them; but one left behind, due sooner, has fired (and written) before this resolves.
 */
const pastTimersDueWithin = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

real('start() updates on a timer, reports failures to onError, and stop() clears the timer', async () => {
  const d = device({ count: h(0, 'uint16', { kind: 'counter' }) }, { interval: 10 })
  const before = timers()
  const errors: string[] = []
  d.start({ onError: (_err, where) => errors.push(where) })
  await waitFor(() => regs(d, 0, 1)[0] >= 3, 'the counter to reach 3 on its own', 10_000)
  assert.ok(d.behaviours.started)
  d.stop()
  assert.not.ok(d.behaviours.started)
  assert.is(timers(), before, 'no timer left behind')
  const stopped = regs(d, 0, 1)[0]
  await pastTimersDueWithin(50)
  assert.is(regs(d, 0, 1)[0], stopped, 'no update after stop()')
  assert.equal(errors, [])
})

real('start() with nothing to run starts no timer', () => {
  const d = buildDevices({ units: { '1': {} } })
  const before = timers()
  d.start()
  assert.is(timers(), before)
  assert.not.ok(d.behaviours.started, 'nothing to run: not started')
  assert.is(d.behaviours.size, 0)
  d.stop()
})

real('a failing store under start(): onError hears of it (a throwing onError included) and updates go on', async () => {
  let calls = 0
  const data: PointData = { readRegisters: () => [0], readBits: () => [], setRegisters: () => Promise.reject(new Error('nope')), setBits: () => undefined }
  const runner = new BehaviourRunner([{ unit: 1, point: resolvePoint('p', { table: 'holdingRegisters', address: 0, type: 'uint16' }), behaviour: { kind: 'uptime' }, interval: 10, data }])
  runner.start({
    onError: () => {
      calls++
      throw new Error('handler fails too')
    },
  })
  await waitFor(() => calls >= 3, 'three failed updates reported', 10_000)
  runner.stop()
})

real('stop() and start() while an update is still writing: the runs share one timer, and nothing updates after stop()', async () => {
  let release!: () => void
  const gate = new Promise<void>((resolve) => (release = resolve))
  let writes = 0
  const data: PointData = {
    readRegisters: () => [0],
    readBits: () => [],
    setRegisters: async () => {
      writes++
      await gate
    },
    setBits: () => undefined,
  }
  const runner = new BehaviourRunner([{ unit: 1, point: resolvePoint('p', { table: 'holdingRegisters', address: 0, type: 'uint16' }), behaviour: { kind: 'uptime' }, interval: 10, data }])
  const before = timers()
  runner.start()
  await waitFor(() => writes === 1, 'the first update to be writing')
  runner.stop()
  runner.start()
  release()
  await waitFor(() => writes >= 4, 'updates on the timer again', 10_000)
  runner.stop()
  assert.is(timers(), before)
  const stopped = writes
  await pastTimersDueWithin(50)
  assert.is(writes, stopped, 'no update after stop(): no second timer was left running')
})

test.run()
real.run()
