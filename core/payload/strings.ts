/**
 * Fixed-length strings in a payload: the encoded bytes in payload order, then pad bytes up to the
 * field's length. Byte and word order do not apply: the first character is the high byte of the
 * first register, as PyModbus and most devices lay text out.
 *
 * latin1 is the default encoding because it maps every byte to one character and back, so any
 * device text decodes and re-encodes unchanged; utf8 is there for devices that store it.
 */
import { ArgumentError } from '../errors.ts'

/** The supported text encodings. */
export const STRING_ENCODINGS = { latin1: 'latin1', utf8: 'utf8' } as const

/** `'latin1'` (one byte per character, U+0000..U+00FF only) or `'utf8'`. */
export type StringEncoding = (typeof STRING_ENCODINGS)[keyof typeof STRING_ENCODINGS]

/** Options of PayloadBuilder.addString. */
export interface StringBuildOptions {
  /** Field length in bytes; the text is padded up to it. Default: the encoded length, no padding. */
  length?: number
  /** Default `'latin1'`. */
  encoding?: StringEncoding
  /** Byte that fills the field after the text. Default 0x00. */
  pad?: number
}

/** Options of PayloadDecoder.string. */
export interface StringDecodeOptions {
  /** Default `'latin1'`. */
  encoding?: StringEncoding
  /** Drop trailing pad bytes before decoding. Default false: the field comes back whole. */
  trim?: boolean
  /** The pad byte that `trim` drops. Default 0x00. */
  pad?: number
}

/** A checked string ready to write: `length` bytes of which the first `byteLength` are text. */
export interface PreparedString {
  readonly text: string
  readonly encoding: StringEncoding
  readonly byteLength: number
  readonly length: number
  readonly pad: number
}

function checkEncoding(method: string, encoding: unknown): StringEncoding {
  if (encoding === undefined) return 'latin1'
  if (encoding === 'latin1' || encoding === 'utf8') return encoding
  throw new ArgumentError(`${method}: encoding must be 'latin1' or 'utf8', got ${String(encoding)}`)
}

function checkPad(method: string, pad: unknown): number {
  if (pad === undefined) return 0
  if (typeof pad === 'number' && Number.isInteger(pad) && pad >= 0 && pad <= 0xff) return pad
  throw new ArgumentError(`${method}: pad must be a byte 0..255, got ${String(pad)}`)
}

/** Throws an ArgumentError unless `length` is a non-negative integer; `what` names the count. */
export function checkLength(method: string, what: string, length: unknown): asserts length is number {
  if (typeof length === 'number' && Number.isInteger(length) && length >= 0) return
  throw new ArgumentError(`${method}: ${what} must be a non-negative integer, got ${String(length)}`)
}

/**
 * Checks a string and its options and measures it. Throws an ArgumentError for a latin1 string
 * with a character above U+00FF, or for text longer than `length` (nothing is cut silently).
 */
export function prepareString(method: string, text: unknown, opts: StringBuildOptions = {}): PreparedString {
  if (typeof text !== 'string') throw new ArgumentError(`${method}: expected a string, got ${typeof text}`)
  const encoding = checkEncoding(method, opts.encoding)
  const pad = checkPad(method, opts.pad)
  if (encoding === 'latin1') {
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i)
      if (code > 0xff) {
        throw new ArgumentError(
          `${method}: character U+${code.toString(16).toUpperCase().padStart(4, '0')} at index ${i} is outside latin1 (U+0000..U+00FF)`,
        )
      }
    }
  }
  const byteLength = encoding === 'latin1' ? text.length : Buffer.byteLength(text, 'utf8')
  if (opts.length === undefined) return { text, encoding, byteLength, length: byteLength, pad }
  checkLength(method, 'length', opts.length)
  if (byteLength > opts.length) {
    throw new ArgumentError(`${method}: text is ${byteLength} bytes in ${encoding}, longer than the field length ${opts.length}`)
  }
  return { text, encoding, byteLength, length: opts.length, pad }
}

/** Writes a prepared string and its padding at `offset` (a Buffer, for its encoders); returns the new offset. */
export function writeString(s: PreparedString, buf: Buffer, offset: number): number {
  buf.write(s.text, offset, s.byteLength, s.encoding)
  buf.fill(s.pad, offset + s.byteLength, offset + s.length)
  return offset + s.length
}

/** Checks PayloadDecoder.string options; returns them settled. */
export function resolveStringDecodeOptions(method: string, opts: StringDecodeOptions = {}): Required<StringDecodeOptions> {
  if (opts.trim !== undefined && typeof opts.trim !== 'boolean') {
    throw new ArgumentError(`${method}: trim must be a boolean, got ${String(opts.trim)}`)
  }
  return { encoding: checkEncoding(method, opts.encoding), trim: opts.trim ?? false, pad: checkPad(method, opts.pad) }
}

/** Decodes `buf[offset..offset+length)`, first dropping trailing pad bytes when asked; the caller checks the length. */
export function readString(buf: Buffer, offset: number, length: number, opts: Required<StringDecodeOptions>): string {
  let end = offset + length
  if (opts.trim) while (end > offset && buf[end - 1] === opts.pad) end--
  return buf.toString(opts.encoding, offset, end)
}
