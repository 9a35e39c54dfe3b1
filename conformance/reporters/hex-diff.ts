/**
 * Byte-aligned comparison of an expected and an actual hex string, for the reporters that show
 * where a reply went wrong (HTML marks, Markdown and JUnit carets).
 */

/**
 * How one byte compares with the byte at the same offset on the other side: `same`; `differs`
 * (the other side has another byte there); `extra` (the other side ends before this offset).
 */
export type ByteMark = 'same' | 'differs' | 'extra'

/** One byte of a compared hex string, as written (lower-case), and how it compares with the other side. */
export interface HexByte {
  text: string
  /** True for `differs` and `extra`. */
  differs: boolean
  mark: ByteMark
}

/** The result of comparing two hex strings byte by byte. */
export interface HexDiff {
  /** Expected bytes, or null when the expectation has no bytes (e.g. silence expected). */
  expected: HexByte[] | null
  /** Actual bytes, or null when nothing came back. */
  actual: HexByte[] | null
  /** Index of the first differing byte, or null when both sides are equal or one side has no bytes. */
  firstDifference: number | null
  /** actual length minus expected length, in bytes; 0 when a side has no bytes. */
  lengthDelta: number
}

/** Splits a hex string (spaces allowed anywhere) into lower-case two-digit tokens; an odd last digit stays a token of its own. */
export function hexTokens(hex: string): string[] {
  const digits = hex.replace(/\s+/g, '').toLowerCase()
  const tokens: string[] = []
  for (let i = 0; i < digits.length; i += 2) tokens.push(digits.slice(i, i + 2))
  return tokens
}

/**
 * Compares byte i with byte i: a byte differs when the other side's byte i is different or
 * missing, so the tail of the longer side is all marked. When either side has no bytes at all
 * (null, or an empty string), nothing is marked: there is nothing to align against, and the
 * descriptions say what was expected or seen instead.
 */
export function diffHex(expected: string | null, actual: string | null): HexDiff {
  const e = expected === null ? null : hexTokens(expected)
  const a = actual === null ? null : hexTokens(actual)
  if (!e || !a || e.length === 0 || a.length === 0) {
    return {
      expected: e && e.map(unmarked),
      actual: a && a.map(unmarked),
      firstDifference: null,
      lengthDelta: 0,
    }
  }
  const mark = (mine: string[], other: string[]): HexByte[] =>
    mine.map((text, i) => {
      const m: ByteMark = i >= other.length ? 'extra' : other[i] === text ? 'same' : 'differs'
      return { text, differs: m !== 'same', mark: m }
    })
  const expectedBytes = mark(e, a)
  const actualBytes = mark(a, e)
  const longer = expectedBytes.length >= actualBytes.length ? expectedBytes : actualBytes
  const first = longer.findIndex((b) => b.differs)
  return {
    expected: expectedBytes,
    actual: actualBytes,
    firstDifference: first < 0 ? null : first,
    lengthDelta: a.length - e.length,
  }
}

function unmarked(text: string): HexByte {
  return { text, differs: false, mark: 'same' }
}

/**
 * Two aligned text lines and a caret line under the differing bytes, for plain-text reports:
 * ```
 * expected: 01 03 02 00 0a  (one register)
 * actual:   01 03 04 00 0a 00  (two registers)
 *                 ^^       ^^
 * ```
 * Each side's description follows its bytes in parentheses, or stands alone when the side has no
 * bytes; the caret line is left out when nothing is marked.
 */
export function caretLines(diff: HexDiff, expectedDescription: string, actualDescription: string): string[] {
  const side = (bytes: HexByte[] | null, description: string) => {
    if (!bytes || bytes.length === 0) return `(no bytes) ${description}`.trimEnd()
    return bytes.map((b) => b.text).join(' ') + (description ? `  (${description})` : '')
  }
  const lines = [`expected: ${side(diff.expected, expectedDescription)}`, `actual:   ${side(diff.actual, actualDescription)}`]
  if (diff.firstDifference === null || !diff.expected || !diff.actual) return lines
  const longer = diff.expected.length >= diff.actual.length ? diff.expected : diff.actual
  const carets = longer.map((b) => (b.differs ? '^'.repeat(b.text.length) : ' '.repeat(b.text.length))).join(' ')
  lines.push(('          ' + carets).trimEnd())
  return lines
}
