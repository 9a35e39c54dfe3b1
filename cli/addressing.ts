/**
 * What a read or write names and where: table names, Modicon references, and 0- or 1-based
 * addresses.
 *
 * Addresses are protocol addresses, 0-based, by default: the address in the PDU (§4.4), so
 * `--address 0` is the first register. `--base 1` takes and prints 1-based numbers (mbpoll's
 * `-r 1` is `--address 0`, or `--base 1 --address 1`). A Modicon reference in place of the table
 * names both table and address: the first digit is the table (0 coils, 1 discrete inputs, 3 input
 * registers, 4 holding registers) and the rest is the 1-based number, so 40001 is holding address 0;
 * six digits (400001–465536) reach every address.
 */
import { ArgumentError } from '../core/errors.ts'
import { parseInteger } from './numbers.ts'

/** The four data tables. */
export type TableName = 'coils' | 'discrete' | 'holding' | 'input'

/** What `read` reads. */
export const READ_KINDS = ['coils', 'discrete', 'holding', 'input', 'fifo', 'file', 'exception-status', 'event-counter', 'event-log', 'server-id'] as const
/** One of READ_KINDS. */
export type ReadKind = (typeof READ_KINDS)[number]

/** What `write` writes. */
export const WRITE_KINDS = ['coil', 'coils', 'register', 'registers', 'mask', 'file', 'read-write'] as const
/** One of WRITE_KINDS. */
export type WriteKind = (typeof WRITE_KINDS)[number]

/** The rule, as --help and the README state it. */
export const ADDRESSING_RULE =
  'Addresses are 0-based protocol addresses (--address 0 is the first); --base 1 takes and prints 1-based ones. ' +
  'A Modicon reference in place of the table gives table and 1-based number: 0xxxx coils, 1xxxx discrete inputs, ' +
  '3xxxx input registers, 4xxxx holding registers (40001 = holding address 0; six digits, e.g. 465536, reach address 65535).'

const MODICON_TABLES: Record<string, TableName> = { '0': 'coils', '1': 'discrete', '3': 'input', '4': 'holding' }

/** How addresses are written: 0-based, 1-based, or Modicon references of a table. */
export interface Notation {
  base: 0 | 1
  /** Set when the table was given as a Modicon reference: its leading digit and total digits. */
  modicon?: { digit: string; digits: 5 | 6 }
}

/** A Modicon reference decoded. */
export interface ModiconReference {
  table: TableName
  address: number
  notation: Notation
}

/**
 * Decodes a Modicon reference (5 or 6 digits, leading 0, 1, 3 or 4), or returns undefined when
 * `text` is not one. A reference to number 0 (40000) is an error: the numbers start at 1.
 */
export function parseModicon(text: string): ModiconReference | undefined {
  const m = /^([0134])([0-9]{4,5})$/.exec(text)
  if (!m) return undefined
  const number = Number(m[2])
  const digits = text.length as 5 | 6
  if (number < 1 || number > 65536) {
    throw new ArgumentError(`${text} is not a Modicon reference: the number after the table digit runs from 1 (${m[1]}${'1'.padStart(digits - 1, '0')} is address 0) to ${digits === 5 ? 9999 : 65536}`)
  }
  return { table: MODICON_TABLES[m[1]], address: number - 1, notation: { base: 1, modicon: { digit: m[1], digits } } }
}

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const here = row[j]
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1))
      prev = here
    }
  }
  return row[b.length]
}

/** The closest of `names` to `text`, when it is close enough to be a likely typo. */
export function closest(text: string, names: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Infinity
  for (const name of names) {
    const d = name.startsWith(text) && text.length >= 2 ? 0 : distance(text.toLowerCase(), name)
    if (d < bestDistance) {
      best = name
      bestDistance = d
    }
  }
  return bestDistance <= Math.max(2, Math.floor((best?.length ?? 0) / 3)) ? best : undefined
}

/** An unknown table or kind: the message lists the choices and suggests the closest. */
export function unknownKind(command: string, text: string, names: readonly string[]): ArgumentError {
  const guess = closest(text, names)
  return new ArgumentError(`${command}: unknown ${JSON.stringify(text)}${guess ? `; did you mean ${guess}?` : ''} (choose ${names.join(', ')}, or a Modicon reference such as 40001)`)
}

/** Converts a typed address (in `notation`) to a protocol address, checking the range. */
export function protocolAddress(value: unknown, option: string, notation: Notation): number {
  if (notation.base === 1) return parseInteger(value, `${option} (1-based, --base 1)`, 1, 65536) - 1
  return parseInteger(value, option, 0, 65535)
}

/** Formats a protocol address in `notation`: 0-based, 1-based, or a Modicon reference. */
export function addressLabel(address: number, notation: Notation): string {
  if (notation.modicon) return notation.modicon.digit + String(address + 1).padStart(notation.modicon.digits - 1, '0')
  return String(address + notation.base)
}
