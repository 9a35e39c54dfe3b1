/**
 * CRC-16/MODBUS (SL §6.2.2, Appendix B): reflected polynomial 0xA001, initial value 0xFFFF.
 * The table is built once at module load; the update is one lookup per byte.
 * On the wire the low byte goes first.
 */
const TABLE = buildTable()

function buildTable(): Uint16Array {
  const table = new Uint16Array(256)
  for (let i = 0; i < 256; i++) {
    let crc = i
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1
    table[i] = crc
  }
  return table
}

/** CRC-16/MODBUS of `buf[start..end)` as a number (low byte is transmitted first). */
export function crc16(buf: Uint8Array, start = 0, end = buf.length): number {
  let crc = 0xffff
  for (let i = start; i < end; i++) crc = (crc >>> 8) ^ TABLE[(crc ^ buf[i]) & 0xff]
  return crc
}

/** Folds one more byte into a running CRC. */
export function crc16Step(crc: number, byte: number): number {
  return (crc >>> 8) ^ TABLE[(crc ^ byte) & 0xff]
}

/** Writes the CRC of `buf[start..end)` at `end`, low byte first; returns end + 2. */
export function writeCrc16(buf: Uint8Array, start: number, end: number): number {
  const crc = crc16(buf, start, end)
  buf[end] = crc & 0xff
  buf[end + 1] = crc >>> 8
  return end + 2
}

/** True when the two bytes at `end` hold the CRC of `buf[start..end)`. */
export function checkCrc16(buf: Uint8Array, start: number, end: number): boolean {
  const crc = crc16(buf, start, end)
  return buf[end] === (crc & 0xff) && buf[end + 1] === crc >>> 8
}
