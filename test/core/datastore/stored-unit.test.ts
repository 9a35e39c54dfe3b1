/**
 * StoredUnit over a store backend: the map is checked before the store is asked, failures become
 * 0x04 with their reason reported, and write events carry the client of the call even when the
 * store answers later.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { asyncUnit, enterClient, leaveClient, MemoryUnit, SequentialBlock, StoredUnit, type StoreBackend, type WriteEvent } from '../../../core/datastore/index.ts'
import { ModbusExceptionError } from '../../../core/errors.ts'

const test = suite('stored unit')

/** A store in a Map, answering on a later turn (async) or at once (sync); counts calls. */
function mapBackend(async: boolean) {
  const values = new Map<number, number>([[0, 10], [1, 11], [2, 12], [3, 13]])
  const coils = new Map<number, boolean>([[0, false], [1, true]])
  let calls = 0
  const answer = <T>(f: () => T): T | Promise<T> => {
    calls++
    return async ? new Promise<T>((resolve, reject) => setImmediate(() => { try { resolve(f()) } catch (e) { reject(e) } })) : f()
  }
  const backend: StoreBackend = {
    readBits: (_t, a, n) => answer(() => Array.from({ length: n }, (_, i) => coils.get(a + i)!)),
    readRegisters: (_t, a, n) => answer(() => Array.from({ length: n }, (_, i) => values.get(a + i)!)),
    writeBits: (_t, a, v) => answer(() => v.forEach((x, i) => coils.set(a + i, x))),
    writeRegisters: (_t, a, v) => answer(() => v.forEach((x, i) => values.set(a + i, x))),
    maskWriteRegister: (a, and, or) => answer(() => {
      const r = ((values.get(a)! & and) | (or & ~and)) & 0xffff
      values.set(a, r)
      return r
    }),
    readWriteRegisters: (w, v, r, n) => answer(() => {
      v.forEach((x, i) => values.set(w + i, x))
      return Array.from({ length: n }, (_, i) => values.get(r + i)!)
    }),
  }
  return { backend, values, calls: () => calls }
}

const template = () => new MemoryUnit({ holdingRegisters: SequentialBlock.registers(0, 4), coils: SequentialBlock.bits(0, 2), files: { 1: [5, 6] }, fifos: { 9: [1, 2] } })

test('reads and writes go to the backend; a sync backend stays sync through asyncUnit', () => {
  const { backend, values } = mapBackend(false)
  const unit = asyncUnit(new StoredUnit(template(), backend, { label: 'map' }))
  assert.equal(unit.readRegisters('holdingRegisters', 0, 4), [10, 11, 12, 13])
  unit.writeRegisters(1, [99])
  assert.is(values.get(1), 99)
  assert.is(unit.maskWriteRegister!(0, 0xfff0, 0x0001), 1)
  assert.equal(unit.readWriteRegisters!(2, [7], 2, 2), [7, 13])
  assert.equal(unit.readBits('coils', 0, 2), [false, true])
})

test('an address outside the map answers 0x02 and the backend is never called', async () => {
  const { backend, calls } = mapBackend(true)
  const unit = new StoredUnit(template(), backend, { label: 'map' })
  for (const call of [() => unit.readRegisters('holdingRegisters', 3, 2), () => unit.writeRegisters(4, [1]), () => unit.readWriteRegisters(0, [1], 3, 2), () => unit.readBits('discreteInputs', 0, 1)]) {
    try {
      await call()
      assert.unreachable('expected 0x02')
    } catch (err) {
      assert.is((err as ModbusExceptionError).exceptionCode, 2)
    }
  }
  assert.is(calls(), 0)
})

test('a backend failure (a throw or a rejection) answers 0x04 and reports the label, the operation and the reason', async () => {
  const reasons: string[] = []
  const failing: StoreBackend = {
    ...mapBackend(false).backend,
    readRegisters: () => {
      throw new Error('disk on fire')
    },
    writeRegisters: () => Promise.reject(new Error('connection reset')),
  }
  const unit = new StoredUnit(template(), failing, { label: 'test store unit 1', onError: (m) => reasons.push(m) })
  for (const call of [() => unit.readRegisters('holdingRegisters', 0, 1), () => unit.writeRegisters(0, [1])]) {
    try {
      await call()
      assert.unreachable('expected 0x04')
    } catch (err) {
      assert.instance(err, ModbusExceptionError)
      assert.is((err as ModbusExceptionError).exceptionCode, 4)
    }
  }
  assert.equal(reasons, ['test store unit 1: read failed: disk on fire', 'test store unit 1: write failed: connection reset'])
})

test('write events fire once the store answered, with the client of the call, though the dispatch has ended by then', async () => {
  const { backend } = mapBackend(true)
  const unit = new StoredUnit(template(), backend, { label: 'map' })
  const events: WriteEvent[] = []
  unit.onWrite((e) => events.push(e))
  const previous = enterClient('10.0.0.9:502')
  const pending = [unit.writeRegisters(0, [1, 2]), unit.maskWriteRegister(0, 0, 5), unit.writeBits(1, [false]), unit.readWriteRegisters(3, [4], 0, 1)]
  leaveClient(previous)
  assert.is(events.length, 0, 'nothing before the store answered')
  await Promise.all(pending)
  const client = '10.0.0.9:502'
  assert.equal(events, [
    { table: 'holdingRegisters', address: 0, values: [1, 2], client },
    { table: 'holdingRegisters', address: 0, values: [5], client },
    { table: 'coils', address: 1, values: [false], client },
    { table: 'holdingRegisters', address: 3, values: [4], client },
  ])
})

test('files and FIFOs come from the template; file writes reach onWrite; unsubscribing stops both kinds', () => {
  const { backend } = mapBackend(false)
  const unit = new StoredUnit(template(), backend, { label: 'map' })
  const events: WriteEvent[] = []
  const off = unit.onWrite((e) => events.push(e))
  assert.equal(unit.readFileRecord(1, 0, 2), [5, 6])
  unit.writeFileRecord(1, 1, [7])
  assert.equal(unit.readFileRecord(1, 0, 2), [5, 7])
  assert.equal(unit.readFifoQueue(9), [1, 2])
  off()
  unit.writeFileRecord(1, 0, [8])
  unit.writeRegisters(0, [1])
  assert.equal(events, [{ table: 'file', file: 1, address: 1, values: [7] }])
})

test('a listener that throws makes the write answer with its error after the value was stored', () => {
  const { backend, values } = mapBackend(false)
  const unit = new StoredUnit(template(), backend, { label: 'map' })
  unit.onWrite(() => {
    throw new RangeError('listener broke')
  })
  try {
    unit.writeRegisters(2, [42])
    assert.unreachable('expected the listener error')
  } catch (err) {
    assert.instance(err, RangeError)
  }
  assert.is(values.get(2), 42)
})

test.run()
