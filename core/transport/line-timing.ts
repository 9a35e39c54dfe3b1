/**
 * Serial line timing (SL §2.5.1.1): a character is 1 start + data + parity + stop bits — 11 bits
 * in every legal RTU setting; t1.5 and t3.5 are 1.5 and 3.5 character times up to 19200 baud and
 * fixed at 750 µs and 1750 µs above it.
 */
import type { SerialAddress } from './address.ts'

/** Bits per character on the line. */
export function bitsPerCharacter(a: Pick<SerialAddress, 'dataBits' | 'parity' | 'stopBits'>): number {
  return 1 + a.dataBits + (a.parity === 'none' ? 0 : 1) + a.stopBits
}

/** Microseconds to send one character. */
export function characterTimeUs(baud: number, bits = 11): number {
  return (bits * 1e6) / baud
}

/** Inter-frame silence t3.5 in microseconds. */
export function t35Us(baud: number, bits = 11): number {
  return baud > 19200 ? 1750 : 3.5 * characterTimeUs(baud, bits)
}

/** Inter-character limit t1.5 in microseconds. */
export function t15Us(baud: number, bits = 11): number {
  return baud > 19200 ? 750 : 1.5 * characterTimeUs(baud, bits)
}

/** Microseconds the line is busy sending `bytes` characters. */
export function wireTimeUs(bytes: number, baud: number, bits = 11): number {
  return bytes * characterTimeUs(baud, bits)
}
