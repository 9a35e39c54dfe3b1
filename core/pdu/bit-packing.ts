/**
 * Coil and discrete-input packing (§6.1): the first addressed bit is the least significant bit
 * of the first byte; the last byte is zero-padded in its high bits.
 */

/** Bytes needed for `count` bits. */
export function packedSize(count: number): number {
  return (count + 7) >>> 3
}

/** Packs booleans LSB-first at `offset`; returns the new offset. */
export function packBits(values: readonly boolean[], buf: Uint8Array, offset: number): number {
  const bytes = packedSize(values.length)
  buf.fill(0, offset, offset + bytes)
  for (let i = 0; i < values.length; i++) if (values[i]) buf[offset + (i >>> 3)] |= 1 << (i & 7)
  return offset + bytes
}

/** Unpacks `count` bits LSB-first from `offset`. */
export function unpackBits(buf: Uint8Array, offset: number, count: number): boolean[] {
  const out = new Array<boolean>(count)
  for (let i = 0; i < count; i++) out[i] = ((buf[offset + (i >>> 3)] >>> (i & 7)) & 1) === 1
  return out
}
