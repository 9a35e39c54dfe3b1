/** Spaced lower-case hex, so failures show readable diffs. */
export function hex(buf: Uint8Array): string {
  return Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('hex').replace(/(..)(?!$)/g, '$1 ')
}

/** Normalises a hex string from a vector to the same spaced lower-case form. */
export function normHex(text: string): string {
  return text.replace(/\s+/g, '').toLowerCase().replace(/(..)(?!$)/g, '$1 ')
}
