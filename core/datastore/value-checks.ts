/**
 * Argument checks shared by the datastore's constructors and external-update methods. They guard
 * the application's own calls (ArgumentError); a client's request is checked by the codec first
 * and by the map (illegalAddress) after.
 */
import { ADDRESS_SPACE } from '../limits.ts'
import { ArgumentError, hex } from '../errors.ts'

/** True for an integer 0..0xFFFF: what a 16-bit register can hold. */
export function isRegisterValue(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffff
}

/** Throws ArgumentError unless `value` is an integer 0..0xFFFF; `what` names it in the message. */
export function checkU16(what: string, value: number): void {
  if (!isRegisterValue(value)) throw new ArgumentError(`${what}: ${String(value)} is not an integer 0..0xFFFF`)
}

/** Throws ArgumentError unless [start, start + length) lies inside the 16-bit address space (§4.4). */
export function checkAddressRange(what: string, start: number, length: number): void {
  checkU16(`${what}: start address`, start)
  if (!(Number.isInteger(length) && length >= 0 && start + length <= ADDRESS_SPACE)) {
    throw new ArgumentError(`${what}: ${String(length)} values from ${hex(start, 4)} run past the address space end 0x10000 (§4.4)`)
  }
}

/** Throws ArgumentError unless every value is an integer 0..0xFFFF, naming the first bad index. */
export function checkRegisterValues(what: string, values: readonly unknown[]): void {
  for (let i = 0; i < values.length; i++) {
    if (!isRegisterValue(values[i])) throw new ArgumentError(`${what}: value ${String(values[i])} at index ${i} is not an integer 0..0xFFFF`)
  }
}

/** Throws ArgumentError unless every value is a boolean, naming the first bad index. */
export function checkBitValues(what: string, values: readonly unknown[]): void {
  for (let i = 0; i < values.length; i++) {
    if (typeof values[i] !== 'boolean') throw new ArgumentError(`${what}: value ${String(values[i])} at index ${i} is not a boolean`)
  }
}

/** Formats [address, address + count) as "0x0010..0x0014" (or one address), for messages. */
export function formatRange(address: number, count: number): string {
  return count <= 1 ? hex(address, 4) : `${hex(address, 4)}..${hex(address + count - 1, 4)}`
}
