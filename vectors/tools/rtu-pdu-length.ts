/**
 * Where an RTU frame ends, from the PDU's own content (SL §2.5.1.1: RTU has no end marker other
 * than t3.5 silence). Written from the function layouts of the Application Protocol (§6) and kept
 * independent of core/pdu, so a generated vector checks the framer's table rather than copying it.
 * `undefined` means the content cannot tell: the frame ends only at line silence.
 */

const u16 = (pdu: Uint8Array, at: number): number => (pdu[at] << 8) | pdu[at + 1]

/** Diagnostics sub-functions with one data word each way (§6.8.1; 0x00 echoes any length, 0x04 has no reply, 0x15 below). */
const ONE_WORD_SUBS = new Set([0x01, 0x02, 0x03, 0x04, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x14, 0x15])

/** §6.21 Read Device Identification response: 7 header bytes, then `count` objects of id u8 | length u8 | value. */
function deviceIdResponseLength(pdu: Uint8Array): number {
  let p = 7
  for (let i = pdu[6]; i > 0; i--) p += 2 + pdu[p + 1]
  return p
}

/** PDU length of a request, or undefined when only silence can end it. */
export function requestLength(pdu: Uint8Array): number | undefined {
  switch (pdu[0]) {
    case 0x01: case 0x02: case 0x03: case 0x04: case 0x05: case 0x06:
      return 5
    case 0x07: case 0x0b: case 0x0c: case 0x11:
      return 1
    case 0x08:
      return ONE_WORD_SUBS.has(u16(pdu, 1)) ? 5 : undefined
    case 0x0f: case 0x10:
      return 6 + pdu[5]
    case 0x14: case 0x15:
      return 2 + pdu[1]
    case 0x16:
      return 7
    case 0x17:
      return 10 + pdu[9]
    case 0x18:
      return 3
    case 0x2b:
      return pdu[1] === 0x0e ? 4 : undefined
    default:
      return undefined
  }
}

/** PDU length of a response, or undefined when only silence can end it. */
export function responseLength(pdu: Uint8Array): number | undefined {
  if (pdu[0] & 0x80) return 2
  switch (pdu[0]) {
    case 0x01: case 0x02: case 0x03: case 0x04: case 0x0c: case 0x11: case 0x14: case 0x15: case 0x17:
      return 2 + pdu[1]
    case 0x05: case 0x06: case 0x0b: case 0x0f: case 0x10:
      return 5
    case 0x07:
      return 2
    case 0x08: {
      const sub = u16(pdu, 1)
      if (sub === 0x15) return u16(pdu, 3) === 0x0003 ? 3 + 2 * 55 : 5
      return ONE_WORD_SUBS.has(sub) && sub !== 0x04 ? 5 : undefined
    }
    case 0x16:
      return 7
    case 0x18:
      return 3 + u16(pdu, 1)
    case 0x2b:
      return pdu[1] === 0x0e ? deviceIdResponseLength(pdu) : undefined
    default:
      return undefined
  }
}
