import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ModbusExceptionError } from '../../../core/errors.ts'
import { MemoryUnit, asyncUnit, illegalAddress, isPromiseLike, mapAwaitable, registers } from '../../../core/datastore/index.ts'
import type { Awaitable, RegisterTable, UnitData } from '../../../core/datastore/index.ts'

const test = suite('async unit')

/** Resolves on a later turn of the event loop, as a database or a remote device would. */
function later<T>(produce: () => T): Promise<T> {
  return new Promise((resolve, reject) => {
    setImmediate(() => {
      try {
        resolve(produce())
      } catch (err) {
        reject(err)
      }
    })
  })
}

/** A real async source: registers and coils in Maps, every answer delayed by setImmediate. */
class DelayedMapSource {
  readonly holding = new Map<number, number>([[0, 0x11], [1, 0x22], [2, 0x33]])
  readonly coils = new Map<number, boolean>([[0, true], [1, false]])
  calls = 0

  readRegisters(table: RegisterTable, address: number, quantity: number): Promise<number[]> {
    this.calls++
    return later(() => {
      const out: number[] = []
      for (let a = address; a < address + quantity; a++) {
        const value = this.holding.get(a)
        if (value === undefined) throw illegalAddress(`${table}: no register at ${a}`)
        out.push(value)
      }
      return out
    })
  }
  readBits(_table: 'coils' | 'discreteInputs', address: number, quantity: number): Promise<boolean[]> {
    return later(() => Array.from({ length: quantity }, (_, i) => this.coils.get(address + i) ?? false))
  }
  writeBits(address: number, values: readonly boolean[]): Promise<void> {
    return later(() => values.forEach((v, i) => this.coils.set(address + i, v)))
  }
  writeRegisters(address: number, values: readonly number[]): Promise<void> {
    return later(() => values.forEach((v, i) => this.holding.set(address + i, v)))
  }
}

async function rejection(run: () => Awaitable<unknown>): Promise<ModbusExceptionError> {
  let failure: unknown
  try {
    await run()
    assert.unreachable('expected a rejection')
  } catch (err) {
    failure = err
  }
  assert.instance(failure, ModbusExceptionError)
  return failure as ModbusExceptionError
}

/** How a request handler reads holding registers: sync data stays sync, async data is awaited. */
function readHolding(data: UnitData, address: number, quantity: number): Awaitable<string> {
  return mapAwaitable(data.readRegisters('holdingRegisters', address, quantity), (values) => values.map((v) => v.toString(16)).join(' '))
}

test('reads from a delayed Map come back as promises of the values', async () => {
  const unit = asyncUnit(new DelayedMapSource())
  const result = unit.readRegisters('holdingRegisters', 1, 2)
  assert.ok(isPromiseLike(result))
  assert.equal(await result, [0x22, 0x33])
  assert.equal(await unit.readBits('coils', 0, 2), [true, false])
})
test('writes reach the source and the next read sees them', async () => {
  const source = new DelayedMapSource()
  const unit = asyncUnit(source)
  await unit.writeRegisters(0, [0xbeef])
  await unit.writeBits(1, [true])
  assert.equal(await unit.readRegisters('holdingRegisters', 0, 1), [0xbeef])
  assert.equal(await unit.readBits('coils', 0, 2), [true, true])
  assert.is(source.holding.get(0), 0xbeef)
})
test('an illegalAddress rejection from the source passes through as 0x02', async () => {
  const err = await rejection(() => asyncUnit(new DelayedMapSource()).readRegisters('holdingRegisters', 2, 2))
  assert.is(err.exceptionCode, 0x02)
})
test('a source answering the wrong number of values is a device failure (0x04), not a bad reply', async () => {
  const unit = asyncUnit({ readRegisters: () => later(() => [1, 2]) })
  const err = await rejection(() => unit.readRegisters('inputRegisters', 0, 3))
  assert.is(err.exceptionCode, 0x04)
  assert.match(err.message, 'readRegisters(inputRegisters, 0x0000, 3) returned 2 values')
})
test('a source answering a register past 0xFFFF or a non-boolean bit is a device failure', async () => {
  const unit = asyncUnit({ readRegisters: () => later(() => [0x10000]), readBits: () => later(() => [1 as unknown as boolean]) })
  assert.is((await rejection(() => unit.readRegisters('holdingRegisters', 0, 1))).exceptionCode, 0x04)
  assert.is((await rejection(() => unit.readBits('coils', 0, 1))).exceptionCode, 0x04)
})
test('a source without a read or write method answers illegalFunction (0x01)', async () => {
  const unit = asyncUnit({})
  assert.is((await rejection(() => unit.readBits('coils', 0, 1))).exceptionCode, 0x01)
  assert.is((await rejection(() => unit.writeRegisters(0, [1]))).exceptionCode, 0x01)
})
test('optional methods the source lacks stay absent, so the handler can fall back or answer 0x01', () => {
  const unit = asyncUnit(new DelayedMapSource())
  assert.is(unit.maskWriteRegister, undefined)
  assert.is(unit.readFileRecord, undefined)
  assert.is(unit.writeFileRecord, undefined)
  assert.is(unit.readFifoQueue, undefined)
})
test('optional methods the source has are passed through and checked', async () => {
  const files = new Map<number, number[]>([[1, [5, 6, 7]]])
  const unit = asyncUnit({
    maskWriteRegister: () => later(() => 0x17),
    readFileRecord: (file, record, length) => later(() => files.get(file)!.slice(record, record + length)),
    writeFileRecord: (file, record, values) => later(() => void files.get(file)!.splice(record, values.length, ...values)),
    readFifoQueue: (address) => later(() => (address === 1 ? Array.from({ length: 32 }, () => 0) : [9])),
  })
  assert.is(await unit.maskWriteRegister!(0, 0xf2, 0x25), 0x17)
  await unit.writeFileRecord!(1, 1, [60])
  assert.equal(await unit.readFileRecord!(1, 0, 3), [5, 60, 7])
  assert.is((await rejection(() => unit.readFileRecord!(1, 2, 2))).exceptionCode, 0x04)
  assert.equal(await unit.readFifoQueue!(0), [9])
  assert.is((await rejection(() => unit.readFifoQueue!(1))).exceptionCode, 0x03)
})
test('readWriteRegisters passes through as one call, and what it returns is checked like a read', async () => {
  const plain = asyncUnit(new DelayedMapSource())
  assert.is(plain.readWriteRegisters, undefined, 'absent stays absent: the handler writes, then reads')
  const calls: string[] = []
  const unit = asyncUnit({
    readRegisters: () => [],
    writeRegisters: () => {},
    readWriteRegisters: (w, values, r, n) => {
      calls.push(`${w} ${values.join(',')} ${r} ${n}`)
      return later(() => (r === 9 ? [1, 70000] : Array.from({ length: r === 3 ? n - 1 : n }, (_, i) => r + i)))
    },
  })
  assert.equal(await unit.readWriteRegisters!(1, [5, 6], 2, 3), [2, 3, 4])
  assert.equal(calls, ['1 5,6 2 3'])
  const bad = await rejection(() => unit.readWriteRegisters!(0, [1], 9, 2))
  assert.is(bad.exceptionCode, 0x04)
  assert.match(bad.message, /readWriteRegisters\(0x0000, 1 values, 0x0009, 2\) returned 70000 at index 1/)
  assert.is((await rejection(() => unit.readWriteRegisters!(0, [1], 3, 4))).exceptionCode, 0x04, 'too few values is a device failure too')
})
test('a sync source stays sync: no promise is added on that path', () => {
  const unit = asyncUnit(new MemoryUnit({ holdingRegisters: registers(0, [1, 2]) }))
  const result = unit.readRegisters('holdingRegisters', 0, 2)
  assert.not.ok(isPromiseLike(result))
  assert.equal(result, [1, 2])
})
test('one handler path serves a MemoryUnit synchronously and an async source by awaiting', async () => {
  const memory = new MemoryUnit({ holdingRegisters: registers(0, [0x11, 0x22]) })
  const sync = readHolding(memory, 0, 2)
  assert.is(sync, '11 22')
  const source = new DelayedMapSource()
  const pending = readHolding(asyncUnit(source), 0, 2)
  assert.ok(isPromiseLike(pending))
  assert.is(await pending, '11 22')
  assert.is(source.calls, 1)
})
test.run()
