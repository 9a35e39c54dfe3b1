import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ArgumentError, ModbusExceptionError } from '../../../core/errors.ts'
import { MemoryUnit, bits, registers, sparseRegisters } from '../../../core/datastore/index.ts'
import type { WriteEvent } from '../../../core/datastore/index.ts'
import { caught, exceptionOf } from '../../helpers/throws.ts'

const test = suite('memory unit')

function unit(zeroMode = true): MemoryUnit {
  return new MemoryUnit({
    coils: bits(0, [true, false, true, true]),
    discreteInputs: bits(0, [false, true]),
    holdingRegisters: registers(0, [0x0a, 0x0b, 0x0c, 0x0d]),
    inputRegisters: registers(0, [0x1a, 0x1b]),
    zeroMode,
  })
}

test('each function reads its own table', () => {
  const u = unit()
  assert.equal(u.readBits('coils', 0, 4), [true, false, true, true])
  assert.equal(u.readBits('discreteInputs', 0, 2), [false, true])
  assert.equal(u.readRegisters('holdingRegisters', 1, 3), [0x0b, 0x0c, 0x0d])
  assert.equal(u.readRegisters('inputRegisters', 0, 2), [0x1a, 0x1b])
})
test('reads answer synchronously with plain arrays, not promises', () => {
  const result: unknown = unit().readRegisters('holdingRegisters', 0, 1)
  assert.ok(Array.isArray(result))
})
test('an address past the table throws illegalAddress naming the table, the range and what exists', () => {
  const err = exceptionOf(() => unit().readRegisters('holdingRegisters', 3, 2))
  assert.is(err.exceptionCode, 0x02)
  assert.is(err.code, 'MB_ERR_EXCEPTION_RESPONSE')
  assert.match(err.message, 'holdingRegisters')
  assert.match(err.message, '2 registers from 0x0003 (0x0003..0x0004)')
  assert.match(err.message, 'registers 0x0000..0x0003 (4 addresses)')
})
test('the last address reads; one past it is illegalAddress for every table', () => {
  const u = unit()
  assert.equal(u.readBits('coils', 3, 1), [true])
  assert.is(exceptionOf(() => u.readBits('coils', 4, 1)).exceptionCode, 0x02)
  assert.is(exceptionOf(() => u.readBits('discreteInputs', 2, 1)).exceptionCode, 0x02)
  assert.is(exceptionOf(() => u.readRegisters('inputRegisters', 2, 1)).exceptionCode, 0x02)
  assert.is(exceptionOf(() => u.writeBits(4, [true])).exceptionCode, 0x02)
  assert.is(exceptionOf(() => u.writeRegisters(3, [1, 2])).exceptionCode, 0x02)
})
test('a gap in a sparse table answers illegalAddress and the message names the gap', () => {
  const u = new MemoryUnit({ holdingRegisters: sparseRegisters({ 0: 1, 2: 3 }) })
  assert.equal(u.readRegisters('holdingRegisters', 2, 1), [3])
  const err = exceptionOf(() => u.readRegisters('holdingRegisters', 0, 3))
  assert.is(err.exceptionCode, 0x02)
  assert.match(err.message, '0x0001 is a gap')
})
test('a table left out has no addresses', () => {
  const u = new MemoryUnit({ holdingRegisters: registers(0, 1) })
  assert.is(exceptionOf(() => u.readBits('coils', 0, 1)).exceptionCode, 0x02)
  assert.is(exceptionOf(() => u.readRegisters('inputRegisters', 0, 1)).exceptionCode, 0x02)
})
test('a block shared between tables aliases the same data (as PyModbus allows)', () => {
  const shared = registers(0, [5, 6])
  const u = new MemoryUnit({ holdingRegisters: shared, inputRegisters: shared })
  u.writeRegisters(0, [50])
  assert.equal(u.readRegisters('inputRegisters', 0, 2), [50, 6])
})
test('zeroMode on (default): protocol address N reads block address N', () => {
  const u = new MemoryUnit({ holdingRegisters: registers(0, [100, 101, 102]) })
  assert.is(u.zeroMode, true)
  assert.equal(u.readRegisters('holdingRegisters', 0, 1), [100])
  assert.equal(u.readRegisters('holdingRegisters', 2, 1), [102])
})
test('zeroMode off: protocol address N reads block address N+1 (PyModbus: "address 0-7 maps to 1-8")', () => {
  const u = new MemoryUnit({ coils: bits(1, [true, false, false, false, false, false, false, true]), holdingRegisters: registers(0, [100, 101, 102]), zeroMode: false })
  assert.equal(u.readRegisters('holdingRegisters', 0, 2), [101, 102])
  assert.equal(u.readBits('coils', 0, 8), [true, false, false, false, false, false, false, true])
  const err = exceptionOf(() => u.readRegisters('holdingRegisters', 2, 1))
  assert.is(err.exceptionCode, 0x02)
  assert.match(err.message, 'block addresses 0x0003')
  assert.match(err.message, 'zeroMode is off')
})
test('zeroMode off: writes, mask write and external updates use the same +1 mapping', () => {
  const block = registers(0, [0, 0, 0])
  const u = new MemoryUnit({ holdingRegisters: block, zeroMode: false })
  u.writeRegisters(0, [7])
  u.maskWriteRegister(1, 0x0000, 0x00ff)
  u.setRegisters('holdingRegisters', 0, [8])
  assert.equal(block.get(0, 3), [0, 8, 0xff])
})
test('zeroMode off: protocol address 0xFFFF maps to 0x10000, outside every block', () => {
  const u = new MemoryUnit({ holdingRegisters: registers(0, 0x10000), zeroMode: false })
  assert.equal(u.readRegisters('holdingRegisters', 0xfffe, 1), [0])
  assert.is(exceptionOf(() => u.readRegisters('holdingRegisters', 0xffff, 1)).exceptionCode, 0x02)
})
test('writeBits and writeRegisters store values the next read sees', () => {
  const u = unit()
  u.writeBits(1, [true, false])
  u.writeRegisters(2, [0xffff])
  assert.equal(u.readBits('coils', 0, 4), [true, true, false, true])
  assert.equal(u.readRegisters('holdingRegisters', 0, 4), [0x0a, 0x0b, 0xffff, 0x0d])
})
test('§6.16 example: current 0x12, AND 0xF2, OR 0x25 gives 0x17', () => {
  const u = new MemoryUnit({ holdingRegisters: registers(4, [0x12]) })
  assert.is(u.maskWriteRegister(4, 0x00f2, 0x0025), 0x17)
  assert.equal(u.readRegisters('holdingRegisters', 4, 1), [0x17])
})
test('mask write follows the spec, not PyModbus 2.0 ((0x12 & 0xF2) | 0x25 would be 0x37)', () => {
  const u = new MemoryUnit({ holdingRegisters: registers(0, [0x12]) })
  assert.is.not(u.maskWriteRegister(0, 0x00f2, 0x0025), 0x37)
})
test('mask write: AND 0xFFFF keeps the value, AND 0 with OR sets it, the result stays 16-bit', () => {
  const u = new MemoryUnit({ holdingRegisters: registers(0, [0xabcd]) })
  assert.is(u.maskWriteRegister(0, 0xffff, 0x1234), 0xabcd)
  assert.is(u.maskWriteRegister(0, 0x0000, 0xffff), 0xffff)
  assert.is(u.maskWriteRegister(0, 0x0000, 0x0000), 0x0000)
})
test('mask write outside the holding registers is illegalAddress', () => {
  assert.is(exceptionOf(() => unit().maskWriteRegister(4, 0, 0)).exceptionCode, 0x02)
})
test('file records: reads and writes inside the file, illegalAddress outside it', () => {
  const u = new MemoryUnit({ files: { 4: [1, 2, 3, 4, 5] } })
  assert.equal(u.readFileRecord(4, 1, 3), [2, 3, 4])
  u.writeFileRecord(4, 3, [40, 50])
  assert.equal(u.readFileRecord(4, 0, 5), [1, 2, 3, 40, 50])
  assert.is(exceptionOf(() => u.readFileRecord(4, 3, 3)).exceptionCode, 0x02)
  assert.is(exceptionOf(() => u.readFileRecord(5, 0, 1)).exceptionCode, 0x02)
  assert.is(exceptionOf(() => u.writeFileRecord(4, 4, [1, 2])).exceptionCode, 0x02)
  assert.equal(u.readFileRecord(4, 4, 1), [50])
})
test('FIFO: 0 entries read as empty, 31 read in full, 32 is illegalValue (§6.18)', () => {
  const thirtyOne = Array.from({ length: 31 }, (_, i) => i)
  const u = new MemoryUnit({ fifos: { 0x04de: [], 0x0100: thirtyOne, 0x0200: [...thirtyOne, 31] } })
  assert.equal(u.readFifoQueue(0x04de), [])
  assert.equal(u.readFifoQueue(0x0100), thirtyOne)
  assert.is(exceptionOf(() => u.readFifoQueue(0x0200)).exceptionCode, 0x03)
  assert.is(exceptionOf(() => u.readFifoQueue(0x0300)).exceptionCode, 0x02)
})
test('onWrite fires after coil, register, mask and file writes with the protocol address', () => {
  const u = new MemoryUnit({ coils: bits(0, 8), holdingRegisters: registers(1, [0x12, 0]), files: { 1: [0, 0] }, zeroMode: false })
  const events: WriteEvent[] = []
  u.onWrite((e) => events.push(e))
  u.writeBits(2, [true])
  u.writeRegisters(1, [9])
  u.maskWriteRegister(0, 0x00f2, 0x0025)
  u.writeFileRecord(1, 1, [7])
  assert.equal(events, [
    { table: 'coils', address: 2, values: [true] },
    { table: 'holdingRegisters', address: 1, values: [9] },
    { table: 'holdingRegisters', address: 0, values: [0x17] },
    { table: 'file', file: 1, address: 1, values: [7] },
  ])
})
test('onWrite: a write that fails fires nothing; the event values are a copy', () => {
  const u = unit()
  const events: WriteEvent[] = []
  u.onWrite((e) => events.push(e))
  caught(() => u.writeRegisters(3, [1, 2]))
  assert.is(events.length, 0)
  const values = [1]
  u.writeRegisters(0, values)
  values[0] = 2
  assert.equal(events[0].values, [1])
})
test('onWrite returns an unsubscribe that stops only its own listener, and may be called twice', () => {
  const u = unit()
  const seen: string[] = []
  const offA = u.onWrite(() => seen.push('a'))
  u.onWrite(() => seen.push('b'))
  u.writeRegisters(0, [1])
  offA()
  offA()
  u.writeRegisters(0, [2])
  assert.equal(seen, ['a', 'b', 'b'])
})
test('a listener that throws: the write is kept, later listeners still run, the error reaches the caller', () => {
  const u = unit()
  const boom = new ArgumentError('listener failed')
  let second = 0
  u.onWrite(() => {
    throw boom
  })
  u.onWrite(() => second++)
  assert.is(caught(() => u.writeRegisters(0, [0x99])), boom)
  assert.is(second, 1)
  assert.equal(u.readRegisters('holdingRegisters', 0, 1), [0x99])
})
test('external updates are visible to the next read and fire no onWrite', () => {
  const u = new MemoryUnit({ ...blocks(), files: { 2: [0] } })
  let fired = 0
  u.onWrite(() => fired++)
  u.setRegisters('inputRegisters', 1, [0x1234])
  u.setRegisters('holdingRegisters', 0, [0xbeef])
  u.setBits('discreteInputs', 0, [true])
  u.setBits('coils', 3, [false])
  u.pushFifo(0x10, 5)
  u.pushFifo(0x10, 6)
  u.setFile(2, [1, 2, 3])
  assert.equal(u.readRegisters('inputRegisters', 1, 1), [0x1234])
  assert.equal(u.readRegisters('holdingRegisters', 0, 1), [0xbeef])
  assert.equal(u.readBits('discreteInputs', 0, 1), [true])
  assert.equal(u.readBits('coils', 3, 1), [false])
  assert.equal(u.readFifoQueue(0x10), [5, 6])
  assert.equal(u.readFileRecord(2, 2, 1), [3])
  u.setFifo(0x10, [])
  assert.equal(u.readFifoQueue(0x10), [])
  assert.is(fired, 0)
})
test('external updates outside the map or with bad values throw ArgumentError, not a device exception', () => {
  const u = unit()
  const outside = caught(() => u.setRegisters('holdingRegisters', 4, [1]))
  assert.instance(outside, ArgumentError)
  assert.match((outside as Error).message, 'holdingRegisters')
  assert.instance(caught(() => u.setRegisters('inputRegisters', 0, [0x10000])), ArgumentError)
  assert.instance(caught(() => u.setBits('coils', 0, [1 as unknown as boolean])), ArgumentError)
  assert.instance(caught(() => u.setFile(0, [1])), ArgumentError)
  assert.instance(caught(() => u.pushFifo(0, 0x10000)), ArgumentError)
  assert.instance(caught(() => u.readRegisters('coils' as 'holdingRegisters', 0, 1)), ArgumentError)
})

function blocks() {
  return {
    coils: bits(0, [true, true, true, true]),
    discreteInputs: bits(0, 2),
    holdingRegisters: registers(0, 2),
    inputRegisters: registers(0, 2),
  }
}
test.run()
