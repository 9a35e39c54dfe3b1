/**
 * LRC for the ASCII framer (SL §6.2.2.1, Appendix B): the two's complement of the
 * 8-bit sum of the binary bytes (address, function, data), before hex encoding.
 */

/** LRC of `buf[start..end)`. */
export function lrc(buf: Uint8Array, start = 0, end = buf.length): number {
  let sum = 0
  for (let i = start; i < end; i++) sum += buf[i]
  return -sum & 0xff
}
