/**
 * A small CLI for writing frame vectors by hand: checksums and whole ADUs.
 *
 *   npx tsx vectors/tools/adu.ts crc 01 03 00 00 00 01      → crc 0x0a84, wire 84 0a
 *   npx tsx vectors/tools/adu.ts lrc 11 03 00 6b 00 03      → lrc 0x7e
 *   npx tsx vectors/tools/adu.ts rtu 11 03 00 6b 00 03      → address, PDU and CRC
 *   npx tsx vectors/tools/adu.ts ascii 11 03 00 6b 00 03    → the frame as JSON text
 *   npx tsx vectors/tools/adu.ts binary 7b 03 00 00 00 01   → braces doubled
 *   npx tsx vectors/tools/adu.ts tcp 1501 ff 03 00 04 00 01 → tid (hex), unit, PDU
 *
 * For rtu, ascii and binary the first byte is the address; hex bytes may be given as one string.
 */
import { asciiAdu, binaryAdu, fromHex, rtuAdu, spaced, tcpAdu } from './build-adu.ts'
import { crc16, crcBytes, lrc } from './checksums.ts'

const [command, ...rest] = process.argv.slice(2)
const hex = (n: number, digits: number): string => '0x' + n.toString(16).padStart(digits, '0')

function main(): string {
  switch (command) {
    case 'crc': {
      const bytes = fromHex(rest.join(''))
      return `crc ${hex(crc16(bytes), 4)}, wire ${spaced(crcBytes(bytes))}`
    }
    case 'lrc':
      return `lrc ${hex(lrc(fromHex(rest.join(''))), 2)}`
    case 'rtu':
    case 'ascii':
    case 'binary': {
      const bytes = fromHex(rest.join(''))
      const unit = bytes[0]
      const pdu = bytes.subarray(1)
      if (command === 'rtu') return spaced(rtuAdu(unit, pdu))
      if (command === 'binary') return spaced(binaryAdu(unit, pdu))
      return JSON.stringify(asciiAdu(unit, pdu))
    }
    case 'tcp': {
      const [tid, ...bytes] = rest
      const body = fromHex(bytes.join(''))
      return spaced(tcpAdu(body[0], body.subarray(1), parseInt(tid, 16)))
    }
    default:
      process.exitCode = 2
      return 'usage: adu.ts crc|lrc|rtu|ascii|binary HEX… | adu.ts tcp TID HEX…'
  }
}

console.log(main())
