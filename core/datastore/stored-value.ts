/**
 * Values as a store holds them, checked on the way out: another program may have written anything
 * into the database or Redis, and a reply must never carry garbage. Registers are integers
 * 0..65535 (numbers, or decimal text such as Redis returns); bits are 0 or 1.
 */
import type { ModbusExceptionError } from '../errors.ts'
import { deviceFailure } from './device-exception.ts'

/** The register a stored value stands for, or -1 when it is not an integer 0..65535 (text: 1 to 5 decimal digits). */
export function storedRegister(raw: unknown): number {
  if (typeof raw === 'number') return Number.isInteger(raw) && raw >= 0 && raw <= 0xffff ? raw : -1
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 5) return -1
  let n = 0
  for (let i = 0; i < raw.length; i++) {
    const d = raw.charCodeAt(i) - 48
    if (d < 0 || d > 9) return -1
    n = n * 10 + d
  }
  return n <= 0xffff ? n : -1
}

/** The bit a stored value stands for (0 or 1, as a number or text), or undefined for anything else. */
export function storedBit(raw: unknown): boolean | undefined {
  if (raw === 1 || raw === '1') return true
  if (raw === 0 || raw === '0') return false
  return undefined
}

/**
 * deviceFailure (0x04) for a stored value that is missing or not valid; `where` names the place
 * (table or key, and address) in the store's own terms.
 */
export function badStoredValue(where: string, raw: unknown, bits: boolean): ModbusExceptionError {
  const expected = bits ? '0 or 1' : 'an integer 0..65535'
  if (raw === null || raw === undefined) return deviceFailure(`${where} has no value (expected ${expected}; deleted by another program?)`)
  const shown = typeof raw === 'string' ? JSON.stringify(raw.length > 40 ? raw.slice(0, 40) + '…' : raw) : String(raw)
  return deviceFailure(`${where} holds ${shown}, not ${expected}`)
}
