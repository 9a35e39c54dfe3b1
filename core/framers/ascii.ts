/**
 * ASCII framer (Serial Line guide §2.5.2):
 *
 *   ':' | address 2 hex | function 2 hex | data 2 hex per byte | LRC 2 hex | CR | LF
 *
 * LF is the default end delimiter; Diagnostics sub-function 03 may change it (setDelimiter).
 * Hex is written upper case and read in either case.
 *
 * Resync rule: bytes before ':' are dropped; a ':' inside a frame restarts the frame (SL §2.5.2.1);
 * a bad LRC or bad hex drops that whole frame; a frame longer than 513 characters drops its ':'.
 */
import { hex } from '../errors.ts'
import { MAX_ASCII_ADU } from '../limits.ts'
import { lrc } from '../checksum/lrc.ts'
import type { PduWriter } from '../pdu/codec.ts'
import { checkAduArgs, copyWriter } from './encode-checks.ts'
import { StreamBuffer } from './stream-buffer.ts'
import type { Framer, FrameSink, FramerStats } from './types.ts'

const COLON = 0x3a
const CR = 0x0d
const LF = 0x0a
const HEX_DIGITS = Buffer.from('0123456789ABCDEF', 'latin1')
const HEX_VALUE = buildHexValues()

function buildHexValues(): Int8Array {
  const table = new Int8Array(256).fill(-1)
  for (let i = 0; i < 16; i++) {
    table['0123456789ABCDEF'.charCodeAt(i)] = i
    table['0123456789abcdef'.charCodeAt(i)] = i
  }
  return table
}

/** An ASCII framer whose end delimiter can be changed (Diagnostics 03). */
export interface AsciiFramer extends Framer {
  /** The byte that follows CR to end a frame (default LF). */
  setDelimiter(byte: number): void
  readonly delimiter: number
}

/** Creates an ASCII framer. */
export function createAsciiFramer(): AsciiFramer {
  return new AsciiFramerImpl()
}

class AsciiFramerImpl implements AsciiFramer {
  readonly kind = 'ascii' as const
  readonly stats: FramerStats = { frames: 0, droppedBytes: 0, checksumErrors: 0 }
  delimiter = LF
  private readonly input = new StreamBuffer(MAX_ASCII_ADU * 2, this.stats)
  private out = Buffer.allocUnsafe(MAX_ASCII_ADU)
  private outPos = 0
  private readonly scratch = Buffer.allocUnsafe(256)

  setDelimiter(byte: number): void {
    this.delimiter = byte & 0xff
  }

  push(chunk: Buffer, sink: FrameSink): number {
    this.input.append(chunk)
    this.scan(sink, false)
    return this.input.settle()
  }

  end(sink: FrameSink): void {
    this.scan(sink, true)
    this.input.settle()
  }

  private scan(sink: FrameSink, atEnd: boolean): void {
    const input = this.input
    const buf = input.buf
    if (this.out.length < input.length) this.out = Buffer.allocUnsafe(input.length * 2)
    this.outPos = 0
    while (input.length > 0) {
      const s = input.start
      if (buf[s] !== COLON) {
        const colon = buf.indexOf(COLON, s)
        const n = (colon < 0 || colon >= input.end ? input.end : colon) - s
        input.drop(n, 'MB_ERR_GARBAGE', `${n} bytes before ':' at offset ${input.position}`)
        continue
      }
      const delimiter = this.delimiter
      let j = s + 1
      for (;;) {
        j = buf.indexOf(CR, j)
        if (j < 0 || j + 1 >= input.end) {
          j = input.end
          break
        }
        if (buf[j + 1] === delimiter) break
        j++
      }
      const colon = buf.indexOf(COLON, s + 1)
      if (colon >= 0 && colon < j) j = colon
      if (j < input.end && buf[j] === COLON) {
        input.drop(j - s, 'MB_ERR_GARBAGE', `frame at offset ${input.position} restarted by ':' before its end`)
        continue
      }
      if (j >= input.end) {
        if (input.length >= MAX_ASCII_ADU) {
          input.drop(1, 'MB_ERR_OVERSIZE', `no CR LF within ${MAX_ASCII_ADU} characters of ':' at offset ${input.position}`)
          continue
        }
        if (atEnd) input.drop(input.length, 'MB_ERR_TRUNCATED', `input ended inside a frame at offset ${input.position}`)
        break
      }
      this.settleFrame(sink, s, j)
    }
    if (atEnd) input.flushDrops(sink)
  }

  /** Decodes the frame ':' at s … CR at cr, delivering it or dropping it. */
  private settleFrame(sink: FrameSink, s: number, cr: number): void {
    const input = this.input
    const buf = input.buf
    const total = cr + 2 - s
    const chars = cr - s - 1
    if (total > MAX_ASCII_ADU) {
      input.drop(1, 'MB_ERR_OVERSIZE', `frame at offset ${input.position} is ${total} characters; the limit is ${MAX_ASCII_ADU} (SL §2.5.2.1)`)
      return
    }
    if (chars < 6 || chars & 1) {
      input.drop(total, 'MB_ERR_LENGTH', `frame at offset ${input.position} has ${chars} hex characters; needs an even number, at least 6`)
      return
    }
    const n = chars >>> 1
    const out = this.out
    const o = this.outPos
    let sum = 0
    for (let k = 0, p = s + 1; k < n; k++, p += 2) {
      const hi = HEX_VALUE[buf[p]]
      const lo = HEX_VALUE[buf[p + 1]]
      if ((hi | lo) < 0) {
        input.drop(total, 'MB_ERR_GARBAGE', `non-hex character in frame at offset ${input.position + 1 + 2 * k}`)
        return
      }
      const b = (hi << 4) | lo
      out[o + k] = b
      sum += b
    }
    if ((sum & 0xff) !== 0) {
      const expected = lrc(out, o, o + n - 1)
      this.stats.checksumErrors++
      input.drop(total, 'MB_ERR_CHECKSUM', `LRC mismatch at offset ${input.position + chars - 1}: expected ${hex(expected)}, got ${hex(out[o + n - 1])}`)
      return
    }
    input.flushDrops(sink)
    this.outPos += n
    input.consume(total)
    this.stats.frames++
    sink.frame({ unit: out[o], tid: 0, pdu: out.subarray(o + 1, o + n - 1), raw: buf.subarray(s, s + total) })
  }

  reset(): void {
    this.input.clear()
  }

  encode(unit: number, pdu: Buffer): Buffer {
    return this.encodeWith(unit, copyWriter(pdu))
  }

  encodeWith(unit: number, writer: PduWriter): Buffer {
    checkAduArgs('ascii', unit, writer.size)
    const bin = this.scratch
    bin[0] = unit
    writer.write(bin, 1)
    const n = writer.size + 1
    bin[n] = lrc(bin, 0, n)
    const buf = Buffer.allocUnsafe(1 + 2 * (n + 1) + 2)
    buf[0] = COLON
    for (let k = 0; k <= n; k++) {
      buf[1 + 2 * k] = HEX_DIGITS[bin[k] >>> 4]
      buf[2 + 2 * k] = HEX_DIGITS[bin[k] & 0x0f]
    }
    buf[buf.length - 2] = CR
    buf[buf.length - 1] = this.delimiter
    return buf
  }
}
