/**
 * The ceiling: the fastest reasonable code for exactly these two messages, written by hand with
 * no framework around it. It does the same work as modbridge — checks the header, length, byte
 * count and checksum, reads the registers into a new array (the caller keeps the message); on
 * encode it checks each value is a 16-bit integer, allocates the exact ADU once and writes it —
 * but knows the function code up front, so it has no registry, no streaming buffer and no sink.
 */
import type { FramerKind } from '../../core/index.ts'
import { TID, UNIT, WRITE_ADDRESS, READ_VALUES, WRITE_VALUES, type CaseId, type Decoded, type Peer } from '../cases.ts'

const CRC_TABLE = (() => {
  const t = new Uint16Array(256)
  for (let i = 0; i < 256; i++) {
    let c = i
    for (let b = 0; b < 8; b++) c = c & 1 ? (c >>> 1) ^ 0xa001 : c >>> 1
    t[i] = c
  }
  return t
})()

const HEX_OUT = Buffer.from('0123456789ABCDEF', 'latin1')
const HEX_IN = (() => {
  const t = new Int8Array(256).fill(-1)
  for (let i = 0; i < 16; i++) {
    t['0123456789ABCDEF'.charCodeAt(i)] = i
    t['0123456789abcdef'.charCodeAt(i)] = i
  }
  return t
})()

function crc(buf: Uint8Array, start: number, end: number): number {
  let c = 0xffff
  for (let i = start; i < end; i++) c = (c >>> 8) ^ CRC_TABLE[(c ^ buf[i]) & 0xff]
  return c
}

function fail(what: string): never {
  throw new Error(`ceiling: ${what}`)
}

// --- PDU: write and read in place, shared by every framer ---------------------------------------

/** Size of the PDU of case c for `count` values. */
function pduSize(c: CaseId, count: number): number {
  return c === 'read' ? 2 + 2 * count : 6 + 2 * count
}

function writePdu(c: CaseId, values: readonly number[], buf: Uint8Array, o: number): void {
  const n = values.length
  if (c === 'read') {
    buf[o] = 0x03
    buf[o + 1] = 2 * n
    o += 2
  } else {
    buf[o] = 0x10
    buf[o + 1] = WRITE_ADDRESS >>> 8
    buf[o + 2] = WRITE_ADDRESS & 0xff
    buf[o + 3] = n >>> 8
    buf[o + 4] = n & 0xff
    buf[o + 5] = 2 * n
    o += 6
  }
  for (let i = 0; i < n; i++, o += 2) {
    const v = values[i]
    if ((v & 0xffff) !== v) fail(`value ${v} is not a 16-bit integer`)
    buf[o] = v >>> 8
    buf[o + 1] = v & 0xff
  }
}

/** Reads the PDU buf[o..end) of case c, checking the function code, counts and length. */
function readPdu(c: CaseId, unit: number, buf: Uint8Array, o: number, end: number): Decoded {
  let address: number | undefined
  let count: number
  if (c === 'read') {
    if (buf[o] !== 0x03) fail('function code')
    const bytes = buf[o + 1]
    if (bytes & 1 || bytes < 2 || bytes > 250 || end - o !== 2 + bytes) fail('byte count')
    count = bytes >>> 1
    o += 2
  } else {
    if (buf[o] !== 0x10) fail('function code')
    address = (buf[o + 1] << 8) | buf[o + 2]
    count = (buf[o + 3] << 8) | buf[o + 4]
    if (count < 1 || count > 123 || address + count > 0x10000) fail('quantity')
    if (buf[o + 5] !== 2 * count || end - o !== 6 + 2 * count) fail('byte count')
    o += 6
  }
  const values = new Array<number>(count)
  for (let i = 0; i < count; i++, o += 2) values[i] = (buf[o] << 8) | buf[o + 1]
  return { unit, address, values }
}

// --- framers ------------------------------------------------------------------------------------

function encodeTcp(c: CaseId, values: readonly number[]): Buffer {
  const size = pduSize(c, values.length)
  const buf = Buffer.allocUnsafe(7 + size)
  buf[0] = TID >>> 8
  buf[1] = TID & 0xff
  buf[2] = 0
  buf[3] = 0
  buf[4] = (size + 1) >>> 8
  buf[5] = (size + 1) & 0xff
  buf[6] = UNIT
  writePdu(c, values, buf, 7)
  return buf
}

function decodeTcp(c: CaseId, buf: Buffer): Decoded {
  if (buf.length < 8 || buf[2] !== 0 || buf[3] !== 0) fail('MBAP header')
  const length = (buf[4] << 8) | buf[5]
  if (length < 2 || length > 254 || buf.length !== 6 + length) fail('MBAP length')
  return readPdu(c, buf[6], buf, 7, buf.length)
}

function encodeRtu(c: CaseId, values: readonly number[]): Buffer {
  const size = pduSize(c, values.length)
  const buf = Buffer.allocUnsafe(size + 3)
  buf[0] = UNIT
  writePdu(c, values, buf, 1)
  const k = crc(buf, 0, size + 1)
  buf[size + 1] = k & 0xff
  buf[size + 2] = k >>> 8
  return buf
}

function decodeRtu(c: CaseId, buf: Buffer): Decoded {
  const end = buf.length - 2
  const k = crc(buf, 0, end)
  if (buf[end] !== (k & 0xff) || buf[end + 1] !== k >>> 8) fail('CRC')
  return readPdu(c, buf[0], buf, 1, end)
}

/** ASCII works on a binary scratch copy: unit, PDU, LRC. */
const asciiScratch = Buffer.allocUnsafe(256)

function encodeAscii(c: CaseId, values: readonly number[]): Buffer {
  const bin = asciiScratch
  const n = 1 + pduSize(c, values.length)
  bin[0] = UNIT
  writePdu(c, values, bin, 1)
  let sum = 0
  for (let i = 0; i < n; i++) sum += bin[i]
  bin[n] = -sum & 0xff
  const buf = Buffer.allocUnsafe(1 + 2 * (n + 1) + 2)
  buf[0] = 0x3a
  for (let i = 0, p = 1; i <= n; i++, p += 2) {
    buf[p] = HEX_OUT[bin[i] >>> 4]
    buf[p + 1] = HEX_OUT[bin[i] & 0x0f]
  }
  buf[buf.length - 2] = 0x0d
  buf[buf.length - 1] = 0x0a
  return buf
}

function decodeAscii(c: CaseId, buf: Buffer): Decoded {
  const chars = buf.length - 3
  if (buf[0] !== 0x3a || buf[buf.length - 2] !== 0x0d || buf[buf.length - 1] !== 0x0a || chars & 1 || chars < 6) fail('ASCII frame')
  const n = chars >>> 1
  const bin = asciiScratch
  let sum = 0
  for (let i = 0, p = 1; i < n; i++, p += 2) {
    const hi = HEX_IN[buf[p]]
    const lo = HEX_IN[buf[p + 1]]
    if ((hi | lo) < 0) fail('hex digit')
    const b = (hi << 4) | lo
    bin[i] = b
    sum += b
  }
  if ((sum & 0xff) !== 0) fail('LRC')
  return readPdu(c, bin[0], bin, 1, n - 1)
}

/** Binary works on a scratch copy of the unescaped content: unit, PDU, CRC. */
const binaryScratch = Buffer.allocUnsafe(256)

function encodeBinary(c: CaseId, values: readonly number[]): Buffer {
  const raw = binaryScratch
  const size = 1 + pduSize(c, values.length)
  raw[0] = UNIT
  writePdu(c, values, raw, 1)
  const k = crc(raw, 0, size)
  raw[size] = k & 0xff
  raw[size + 1] = k >>> 8
  const n = size + 2
  let escapes = 0
  for (let i = 0; i < n; i++) if (raw[i] === 0x7b || raw[i] === 0x7d) escapes++
  const buf = Buffer.allocUnsafe(n + escapes + 2)
  buf[0] = 0x7b
  let p = 1
  for (let i = 0; i < n; i++) {
    const b = raw[i]
    buf[p++] = b
    if (b === 0x7b || b === 0x7d) buf[p++] = b
  }
  buf[p] = 0x7d
  return buf
}

function decodeBinary(c: CaseId, buf: Buffer): Decoded {
  const last = buf.length - 1
  if (buf[0] !== 0x7b || buf[last] !== 0x7d) fail('binary frame')
  const raw = binaryScratch
  let n = 0
  for (let i = 1; i < last; i++) {
    const b = buf[i]
    if (b === 0x7b || b === 0x7d) {
      if (buf[i + 1] !== b) fail('lone brace')
      i++
    }
    raw[n++] = b
  }
  const k = crc(raw, 0, n - 2)
  if (raw[n - 2] !== (k & 0xff) || raw[n - 1] !== k >>> 8) fail('CRC')
  return readPdu(c, raw[0], raw, 1, n - 2)
}

const ENCODERS = { tcp: encodeTcp, rtu: encodeRtu, ascii: encodeAscii, binary: encodeBinary }
const DECODERS = { tcp: decodeTcp, rtu: decodeRtu, ascii: decodeAscii, binary: decodeBinary }

/** The ceiling as a peer. */
export const ceiling: Peer = {
  name: 'ceiling',

  encoder(c: CaseId, kind: FramerKind) {
    const encode = ENCODERS[kind]
    const values = c === 'read' ? READ_VALUES : WRITE_VALUES
    let last: Buffer = Buffer.alloc(0)
    return {
      once: () => encode(c, values),
      run(n) {
        for (let i = 0; i < n; i++) last = encode(c, values)
        if (last.length === 0) throw new Error('unreachable')
      },
    }
  },

  decoder(c: CaseId, kind: FramerKind, adu: Buffer) {
    const decode = DECODERS[kind]
    let last: Decoded | undefined
    return {
      once: () => decode(c, adu),
      run(n) {
        for (let i = 0; i < n; i++) last = decode(c, adu)
        if (last === undefined) throw new Error('unreachable')
      },
    }
  },
}
