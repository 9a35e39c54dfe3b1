/** UnitMap: the device file's address map for units whose values live in a store. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { MemoryUnit, SequentialBlock, sparseRegisters, UnitMap, type DataBlock } from '../../../core/datastore/index.ts'
import { exceptionOf } from '../../helpers/throws.ts'

const test = suite('unit map')

test('check passes inside the map and throws the template\'s own illegalAddress (0x02) outside it', () => {
  const map = new UnitMap(new MemoryUnit({ holdingRegisters: SequentialBlock.registers(10, 5) }))
  map.check('holdingRegisters', 10, 5)
  const err = exceptionOf(() => map.check('holdingRegisters', 12, 4))
  assert.is(err.exceptionCode, 2)
  assert.match(err.message, /^holdingRegisters: 4 registers from 0x000C/)
  assert.is(exceptionOf(() => map.check('coils', 0, 1)).exceptionCode, 2)
})

test('seeds: consecutive addresses come in runs of at most 1000, with the template\'s values (bits as 0/1)', () => {
  const unit = new MemoryUnit({
    holdingRegisters: SequentialBlock.registers(0, Array.from({ length: 2500 }, (_, i) => i & 0xffff)),
    coils: SequentialBlock.bits(5, [true, false, true]),
  })
  const runs = [...new UnitMap(unit).seeds('holdingRegisters')]
  assert.equal(runs.map((r) => [r.address, r.values.length]), [[0, 1000], [1000, 1000], [2000, 500]])
  assert.equal(runs[2].values.slice(0, 2), [2000, 2001])
  assert.equal([...new UnitMap(unit).seeds('coils')], [{ address: 5, values: [1, 0, 1] }])
  assert.equal([...new UnitMap(unit).seeds('inputRegisters')], [])
})

test('seeds of a sparse table split at the gaps', () => {
  const unit = new MemoryUnit({ holdingRegisters: sparseRegisters({ 3: 30, 4: 40, 9: 90 }) })
  assert.equal([...new UnitMap(unit).seeds('holdingRegisters')], [{ address: 3, values: [30, 40] }, { address: 9, values: [90] }])
})

test('zeroMode off: seeds and checks use protocol addresses (block address N+1 is protocol N; block address 0 has none)', () => {
  const unit = new MemoryUnit({ holdingRegisters: SequentialBlock.registers(0, [7, 8, 9]), zeroMode: false })
  const map = new UnitMap(unit)
  assert.equal([...map.seeds('holdingRegisters')], [{ address: 0, values: [8, 9] }])
  map.check('holdingRegisters', 0, 2)
  assert.is(exceptionOf(() => map.check('holdingRegisters', 2, 1)).exceptionCode, 2)
})

test('a custom block is scanned address by address through has()', () => {
  const evens: DataBlock<number> = {
    has: (a, n) => n > 0 && Array.from({ length: n }, (_, i) => a + i).every((x) => x % 2 === 0 && x < 8),
    get: (a, n) => Array.from({ length: n }, (_, i) => a + i + 100),
    set: () => {},
  }
  const runs = [...new UnitMap(new MemoryUnit({ inputRegisters: evens })).seeds('inputRegisters')]
  assert.equal(runs, [0, 2, 4, 6].map((a) => ({ address: a, values: [a + 100] })))
})

test.run()
