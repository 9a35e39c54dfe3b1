/**
 * asyncUnit: UnitData over any source whose methods may return promises — a database, a remote
 * device behind a client, a cache (PyModbus's RemoteSlaveContext and database contexts).
 *
 * What comes back from a source is checked before it reaches the codec: a read that returns the
 * wrong number of values, or a register outside 0..0xFFFF, becomes deviceFailure (0x04) with a
 * message naming the call, instead of a malformed reply. Errors the source throws or rejects with
 * pass through unchanged (the request handler maps illegalAddress to 0x02 and anything else to 0x04).
 */
import { MAX_FIFO_COUNT } from '../limits.ts'
import { hex } from '../errors.ts'
import { mapAwaitable } from './awaitable.ts'
import { deviceFailure, illegalFunction, illegalValue } from './device-exception.ts'
import type { Awaitable, BitTable, RegisterTable, UnitData } from './types.ts'
import { isRegisterValue } from './value-checks.ts'

/**
 * Any object with some of UnitData's methods, each answering with a value or a promise. A missing
 * read or write method answers illegalFunction (0x01); a missing optional method stays missing
 * (mask write then falls back to the handler's read, compute, write; read/write multiple to a
 * write, then a read — two calls another client's write may come between).
 */
export type AsyncSource = Partial<UnitData>

function checkBits(call: string, values: unknown, quantity: number): boolean[] {
  if (!Array.isArray(values) || values.length !== quantity) {
    throw deviceFailure(`async source: ${call} returned ${describe(values)}, expected ${quantity} booleans`)
  }
  for (let i = 0; i < values.length; i++) {
    if (typeof values[i] !== 'boolean') throw deviceFailure(`async source: ${call} returned ${String(values[i])} at index ${i}, expected a boolean`)
  }
  return values as boolean[]
}

function checkRegisters(call: string, values: unknown, quantity: number | undefined): number[] {
  if (!Array.isArray(values) || (quantity !== undefined && values.length !== quantity)) {
    throw deviceFailure(`async source: ${call} returned ${describe(values)}, expected ${quantity ?? 'an array of'} registers`)
  }
  for (let i = 0; i < values.length; i++) {
    if (!isRegisterValue(values[i])) throw deviceFailure(`async source: ${call} returned ${String(values[i])} at index ${i}, expected 0..0xFFFF`)
  }
  return values as number[]
}

function describe(values: unknown): string {
  return Array.isArray(values) ? `${values.length} values` : typeof values
}

function missing(name: string): never {
  throw illegalFunction(`async source: has no ${name}()`)
}

/**
 * Wraps `source` as UnitData. Sync answers stay sync (no promise is added on that path), so a
 * source may mix both; the request handler treats every result as `T | Promise<T>`
 * (see mapAwaitable). The source's methods are called as methods, so `this` is the source.
 */
export function asyncUnit(source: AsyncSource): UnitData {
  const unit: UnitData = {
    readBits(table: BitTable, address: number, quantity: number): Awaitable<boolean[]> {
      if (source.readBits === undefined) missing('readBits')
      const call = `readBits(${table}, ${hex(address, 4)}, ${quantity})`
      return mapAwaitable(source.readBits(table, address, quantity), (v) => checkBits(call, v, quantity))
    },
    readRegisters(table: RegisterTable, address: number, quantity: number): Awaitable<number[]> {
      if (source.readRegisters === undefined) missing('readRegisters')
      const call = `readRegisters(${table}, ${hex(address, 4)}, ${quantity})`
      return mapAwaitable(source.readRegisters(table, address, quantity), (v) => checkRegisters(call, v, quantity))
    },
    writeBits(address: number, values: readonly boolean[]): Awaitable<void> {
      if (source.writeBits === undefined) missing('writeBits')
      return source.writeBits(address, values)
    },
    writeRegisters(address: number, values: readonly number[]): Awaitable<void> {
      if (source.writeRegisters === undefined) missing('writeRegisters')
      return source.writeRegisters(address, values)
    },
  }
  if (source.maskWriteRegister !== undefined) {
    unit.maskWriteRegister = (address, andMask, orMask) => {
      const call = `maskWriteRegister(${hex(address, 4)}, ${hex(andMask, 4)}, ${hex(orMask, 4)})`
      return mapAwaitable(source.maskWriteRegister!(address, andMask, orMask), (v) => checkRegisters(call, [v], 1)[0])
    }
  }
  if (source.readWriteRegisters !== undefined) {
    unit.readWriteRegisters = (writeAddress, values, readAddress, readQuantity) => {
      const call = `readWriteRegisters(${hex(writeAddress, 4)}, ${values.length} values, ${hex(readAddress, 4)}, ${readQuantity})`
      return mapAwaitable(source.readWriteRegisters!(writeAddress, values, readAddress, readQuantity), (v) => checkRegisters(call, v, readQuantity))
    }
  }
  if (source.readFileRecord !== undefined) {
    unit.readFileRecord = (file, record, length) => {
      const call = `readFileRecord(${hex(file, 4)}, ${hex(record, 4)}, ${length})`
      return mapAwaitable(source.readFileRecord!(file, record, length), (v) => checkRegisters(call, v, length))
    }
  }
  if (source.writeFileRecord !== undefined) {
    unit.writeFileRecord = (file, record, values) => source.writeFileRecord!(file, record, values)
  }
  if (source.readFifoQueue !== undefined) {
    unit.readFifoQueue = (address) => {
      const call = `readFifoQueue(${hex(address, 4)})`
      return mapAwaitable(source.readFifoQueue!(address), (v) => {
        const values = checkRegisters(call, v, undefined)
        if (values.length > MAX_FIFO_COUNT) {
          throw illegalValue(`async source: the FIFO at ${hex(address, 4)} holds ${values.length} values, more than ${MAX_FIFO_COUNT} (§6.18)`)
        }
        return values
      })
    }
  }
  return unit
}
