/**
 * The two serial-line checks, written out from the Serial Line guide's own description
 * (SL §6.2.1 LRC, SL §6.2.2 CRC) and deliberately independent of core/checksum: the vectors must
 * not be derived from the code they test. Bitwise, not table-driven, to stay close to the text.
 */

/**
 * CRC-16/MODBUS (SL §6.2.2): preset 0xFFFF; XOR each byte into the low byte, then eight times
 * shift right and, when the bit shifted out was 1, XOR the reflected polynomial 0xA001.
 * The result is sent low byte first.
 */
export function crc16(bytes: Uint8Array): number {
  let crc = 0xffff
  for (const byte of bytes) {
    crc ^= byte
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1
  }
  return crc
}

/** The two CRC bytes in wire order (low byte first). */
export function crcBytes(bytes: Uint8Array): Buffer {
  const crc = crc16(bytes)
  return Buffer.from([crc & 0xff, crc >>> 8])
}

/** LRC (SL §6.2.1): the two's complement of the 8-bit sum of address, function and data bytes. */
export function lrc(bytes: Uint8Array): number {
  let sum = 0
  for (const byte of bytes) sum = (sum + byte) & 0xff
  return (0x100 - sum) & 0xff
}
