/**
 * Strict parsing of what a person types for a number, a list or a coil value. A tool that writes
 * to plant equipment refuses what it does not understand: `abc`, `3z`, `1.5` for an integer, `2`
 * for a coil and an empty list item are each an error naming the option, never NaN or a guess.
 */
import { ArgumentError } from '../core/errors.ts'

const INTEGER = /^[+-]?(?:0x[0-9a-f]+|0b[01]+|0o[0-7]+|[0-9]+)$/i
const DECIMAL = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e[+-]?[0-9]+)?$/i
const SPECIAL_FLOAT = /^[+-]?(?:inf|infinity|nan)$/i
const BIGINT = /^[+-]?(?:0x[0-9a-f]+|[0-9]+)$/i

/** The text a value was given as, for messages. */
function shown(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value)
}

/** One value of an option: a second occurrence (yargs makes an array) is an error. */
function single(value: unknown, option: string): unknown {
  if (Array.isArray(value)) throw new ArgumentError(`${option} is given ${value.length} times; give it once`)
  return value
}

/**
 * An integer in [min, max] from decimal, 0x hex, 0b binary or 0o octal text (a sign allowed), or
 * from a number (a default). Anything else is an ArgumentError naming `option`.
 */
export function parseInteger(value: unknown, option: string, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number {
  const v = single(value, option)
  let n: number
  if (typeof v === 'number') n = v
  else if (typeof v === 'string' && INTEGER.test(v)) {
    const negative = v.startsWith('-')
    const body = v.replace(/^[+-]/, '')
    n = Number(body) * (negative ? -1 : 1)
  } else throw new ArgumentError(`${option}: ${shown(v)} is not an integer`)
  if (!Number.isSafeInteger(n)) throw new ArgumentError(`${option}: ${shown(v)} is not an integer`)
  if (n < min || n > max) throw new ArgumentError(`${option}: ${shown(v)} is out of range ${min}..${max}`)
  return n
}

/** A coerce function for yargs: an integer in [min, max], or undefined when the option is absent. */
export function integerOption(option: string, min?: number, max?: number): (value: unknown) => number | undefined {
  return (value) => (value === undefined ? undefined : parseInteger(value, option, min, max))
}

/** A finite or special (inf, nan) floating-point number from decimal text. */
export function parseDecimal(value: string, option: string): number {
  if (DECIMAL.test(value)) return Number(value)
  if (SPECIAL_FLOAT.test(value)) {
    const negative = value.startsWith('-')
    return /nan/i.test(value) ? Number.NaN : negative ? -Infinity : Infinity
  }
  throw new ArgumentError(`${option}: ${shown(value)} is not a number`)
}

/** A 64-bit integer from decimal or 0x hex text. */
export function parseBigInt(value: string, option: string): bigint {
  if (!BIGINT.test(value)) throw new ArgumentError(`${option}: ${shown(value)} is not an integer`)
  const negative = value.startsWith('-')
  const n = BigInt(value.replace(/^[+-]/, ''))
  return negative ? -n : n
}

const COIL_ON = /^(?:1|on|true)$/i
const COIL_OFF = /^(?:0|off|false)$/i

/** A coil value: exactly 1/on/true or 0/off/false (any case); anything else is refused. */
export function parseCoilValue(value: string, option: string): boolean {
  if (COIL_ON.test(value)) return true
  if (COIL_OFF.test(value)) return false
  throw new ArgumentError(`${option}: ${shown(value)} is not a coil value; use 1/0, on/off or true/false`)
}

/**
 * The items of a comma-separated list (spaces around items allowed). An empty list or an empty
 * item (`1,,2`, a trailing comma) is an error: it is more likely a typo than an intent.
 */
export function splitList(value: unknown, option: string): string[] {
  const v = single(value, option)
  if (typeof v === 'number') return [String(v)]
  if (typeof v !== 'string' || v.trim() === '') throw new ArgumentError(`${option} needs a comma-separated list of values`)
  const items = v.split(',').map((s) => s.trim())
  const empty = items.indexOf('')
  if (empty >= 0) throw new ArgumentError(`${option}: item ${empty + 1} of ${shown(v)} is empty`)
  return items
}

/** A list of integers in [min, max]. */
export function parseIntegerList(value: unknown, option: string, min?: number, max?: number): number[] {
  return splitList(value, option).map((t) => parseInteger(t, option, min, max))
}
