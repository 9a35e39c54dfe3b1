/**
 * Byte order and word order of multi-register values.
 *
 * A payload is a byte stream laid over registers the way they travel on the wire: register k is
 * bytes 2k (high) and 2k+1 (low), §4.2 ("big-endian ... the most significant byte is sent
 * first"). A numeric value wider than one byte is first written big-endian, then shuffled:
 *
 *   byteOrder  the order of the two bytes inside each 16-bit register
 *   wordOrder  the order of the 16-bit words inside a 32- or 64-bit value
 *
 * 0x12345678 as uint32 gives the registers
 *   word big,    byte big    [0x1234, 0x5678]   (the spec's order, our default)
 *   word big,    byte little [0x3412, 0x7856]
 *   word little, byte big    [0x5678, 0x1234]   (common "CDAB" devices)
 *   word little, byte little [0x7856, 0x3412]
 *
 * Spec over PyModbus: PyModbus 2.0 defaults byteorder to Little and wordorder to Big, and its
 * documentation swaps the descriptions of Endian.Big and Endian.Little. We default both to big,
 * the byte order §4.2 defines for registers, and a word order that keeps the whole value big-endian.
 */
import { ArgumentError } from '../errors.ts'

/** The two orders a byte pair or a word sequence can take. */
export const ENDIAN = { big: 'big', little: 'little' } as const

/** `'big'` (most significant first) or `'little'` (least significant first). */
export type Endian = (typeof ENDIAN)[keyof typeof ENDIAN]

/** Order options accepted by the builder, the decoder and the schema API; both default to `'big'`. */
export interface PayloadOrder {
  /** Order of the two bytes inside each 16-bit register. Default `'big'`. */
  byteOrder?: Endian
  /** Order of the 16-bit words inside 32- and 64-bit values. Default `'big'`. */
  wordOrder?: Endian
}

/** A PayloadOrder with both fields settled. */
export interface ResolvedOrder {
  readonly byteOrder: Endian
  readonly wordOrder: Endian
}

/** The Modbus convention: big-endian bytes in each register, most significant word first. */
export const DEFAULT_ORDER: ResolvedOrder = Object.freeze({ byteOrder: 'big', wordOrder: 'big' })

/**
 * Where each byte of a big-endian value goes in the payload: `layout[i]` is the payload offset
 * (relative to the value's start) of big-endian byte `i`. The shuffle swaps positions in pairs,
 * so the same table also gathers a value back into big-endian order.
 */
export type Layout = readonly number[]

/** Widths, in bytes, that byte and word order apply to. */
export type OrderedWidth = 2 | 4 | 8

/** Layouts for one order, per width. */
export interface OrderLayouts {
  readonly 2: Layout
  readonly 4: Layout
  readonly 8: Layout
}

function buildLayout(width: OrderedWidth, order: ResolvedOrder): Layout {
  const words = width >>> 1
  const out = new Array<number>(width)
  for (let i = 0; i < width; i++) {
    const word = i >>> 1
    const slot = order.wordOrder === 'big' ? word : words - 1 - word
    const pos = order.byteOrder === 'big' ? i & 1 : 1 - (i & 1)
    out[i] = slot * 2 + pos
  }
  return Object.freeze(out)
}

function buildLayouts(order: ResolvedOrder): OrderLayouts {
  return Object.freeze({ 2: buildLayout(2, order), 4: buildLayout(4, order), 8: buildLayout(8, order) })
}

// Built once at load: index = (byteOrder little ? 1 : 0) | (wordOrder little ? 2 : 0).
const LAYOUTS: readonly OrderLayouts[] = [
  buildLayouts({ byteOrder: 'big', wordOrder: 'big' }),
  buildLayouts({ byteOrder: 'little', wordOrder: 'big' }),
  buildLayouts({ byteOrder: 'big', wordOrder: 'little' }),
  buildLayouts({ byteOrder: 'little', wordOrder: 'little' }),
]

function checkEndian(who: string, field: string, value: unknown): Endian {
  if (value === undefined) return 'big'
  if (value === 'big' || value === 'little') return value
  throw new ArgumentError(`${who}: ${field} must be 'big' or 'little', got ${JSON.stringify(value) ?? String(value)}`)
}

/**
 * Fills in the defaults and rejects anything but `'big'` and `'little'` with an ArgumentError
 * naming `who` (the caller, for the message).
 */
export function resolveOrder(opts: PayloadOrder | undefined, who: string): ResolvedOrder {
  if (opts === undefined) return DEFAULT_ORDER
  if (opts === null || typeof opts !== 'object') {
    throw new ArgumentError(`${who}: options must be an object, got ${String(opts)}`)
  }
  return { byteOrder: checkEndian(who, 'byteOrder', opts.byteOrder), wordOrder: checkEndian(who, 'wordOrder', opts.wordOrder) }
}

/** The shuffle tables for an order (shared, frozen, built at load). */
export function layoutsFor(order: ResolvedOrder): OrderLayouts {
  return LAYOUTS[(order.byteOrder === 'little' ? 1 : 0) | (order.wordOrder === 'little' ? 2 : 0)]
}

/** Copies the big-endian bytes `be[0..layout.length)` into `dst` at `offset`, shuffled by `layout`. */
export function scatter(be: Uint8Array, layout: Layout, dst: Uint8Array, offset: number): void {
  for (let i = 0; i < layout.length; i++) dst[offset + layout[i]] = be[i]
}

/** Copies the value at `src[offset..)` into `be[0..layout.length)` in big-endian order. */
export function gather(src: Uint8Array, offset: number, layout: Layout, be: Uint8Array): void {
  for (let i = 0; i < layout.length; i++) be[i] = src[offset + layout[i]]
}
