/**
 * Binary framer (the jamod-style framing PyModbus offers for serial lines):
 *
 *   '{' | address u8 | PDU | CRC-16 u16, low byte first | '}'
 *
 * A '{' or '}' byte inside the frame is sent doubled and undoubled on receipt.
 * Spec over PyModbus: PyModbus 2.0 doubles only the data bytes and never undoubles on receipt, so
 * its frames with a brace in them cannot be read back. modbridge doubles every byte between the
 * delimiters — address, function, data and CRC, since a CRC byte of '}' would otherwise end the
 * frame early — and undoes it on receipt, as the escaping was meant to work.
 *
 * A lone '}' as the last byte received is ambiguous (end, or the first half of '}}'); the frame is
 * taken as ended when the CRC checks, otherwise the framer waits for the next byte or silence.
 *
 * Resync rule: bytes before '{' are dropped; a lone '{' inside a frame restarts the frame; a bad
 * CRC drops the whole frame; more than 256 unescaped bytes drops the '{'.
 */
import { hex } from '../errors.ts'
import { MAX_RTU_ADU } from '../limits.ts'
import { crc16, writeCrc16 } from '../checksum/crc16.ts'
import type { PduWriter } from '../pdu/codec.ts'
import { checkAduArgs, copyWriter } from './encode-checks.ts'
import { StreamBuffer } from './stream-buffer.ts'
import type { Framer, FrameSink, FramerStats } from './types.ts'

const OPEN = 0x7b
const CLOSE = 0x7d
const MAX_CONTENT = MAX_RTU_ADU
const MAX_WIRE = 2 + 2 * MAX_CONTENT

/** Creates a Binary framer. */
export function createBinaryFramer(): Framer {
  return new BinaryFramer()
}

class BinaryFramer implements Framer {
  readonly kind = 'binary' as const
  readonly stats: FramerStats = { frames: 0, droppedBytes: 0, checksumErrors: 0 }
  private readonly input = new StreamBuffer(MAX_WIRE * 2, this.stats)
  private out = Buffer.allocUnsafe(MAX_WIRE)
  private outPos = 0
  private readonly scratch = Buffer.allocUnsafe(MAX_CONTENT)

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
    scanning: while (input.length > 0) {
      const s = input.start
      if (buf[s] !== OPEN) {
        const open = buf.indexOf(OPEN, s)
        const n = (open < 0 || open >= input.end ? input.end : open) - s
        input.drop(n, 'MB_ERR_GARBAGE', `${n} bytes before '{' at offset ${input.position}`)
        continue
      }
      const out = this.out
      const o = this.outPos
      let n = 0
      let i = s + 1
      for (;;) {
        if (n > MAX_CONTENT) {
          input.drop(1, 'MB_ERR_OVERSIZE', `frame at offset ${input.position} runs past ${MAX_CONTENT} bytes`)
          continue scanning
        }
        if (i >= input.end) {
          if (atEnd) input.drop(input.length, 'MB_ERR_TRUNCATED', `input ended inside a frame at offset ${input.position}`)
          break scanning
        }
        const b = buf[i]
        if (b !== OPEN && b !== CLOSE) {
          out[o + n++] = b
          i++
          continue
        }
        const last = i + 1 >= input.end
        if (!last && buf[i + 1] === b) {
          out[o + n++] = b
          i += 2
          continue
        }
        if (b === OPEN) {
          if (last && !atEnd) break scanning
          input.drop(i - s, 'MB_ERR_GARBAGE', `frame at offset ${input.position} restarted by '{' before its end`)
          continue scanning
        }
        let checked = false
        if (last && !atEnd) {
          if (!(n >= 4 && crcMatches(out, o, o + n))) break scanning
          checked = true
        }
        this.settleFrame(sink, s, i + 1 - s, o, n, checked)
        continue scanning
      }
    }
    if (atEnd) input.flushDrops(sink)
  }

  /** Delivers or drops the frame of `total` wire bytes at s, unescaped into out[o..o+n). */
  private settleFrame(sink: FrameSink, s: number, total: number, o: number, n: number, checked: boolean): void {
    const input = this.input
    const out = this.out
    if (n < 4) {
      input.drop(total, 'MB_ERR_LENGTH', `frame at offset ${input.position} holds ${n} bytes; needs at least 4`)
      return
    }
    if (!checked && !crcMatches(out, o, o + n)) {
      this.stats.checksumErrors++
      const expected = crc16(out, o, o + n - 2)
      const got = out[o + n - 2] | (out[o + n - 1] << 8)
      input.drop(total, 'MB_ERR_CHECKSUM', `CRC mismatch in frame at offset ${input.position}: expected ${hex(expected, 4)}, got ${hex(got, 4)}`)
      return
    }
    input.flushDrops(sink)
    this.outPos += n
    input.consume(total)
    this.stats.frames++
    sink.frame({ unit: out[o], tid: 0, pdu: out.subarray(o + 1, o + n - 2), raw: input.buf.subarray(s, s + total) })
  }

  reset(): void {
    this.input.clear()
  }

  encode(unit: number, pdu: Buffer): Buffer {
    return this.encodeWith(unit, copyWriter(pdu))
  }

  encodeWith(unit: number, writer: PduWriter): Buffer {
    checkAduArgs('binary', unit, writer.size)
    const raw = this.scratch
    raw[0] = unit
    writer.write(raw, 1)
    const n = writeCrc16(raw, 0, writer.size + 1)
    let escapes = 0
    for (let k = 0; k < n; k++) if (raw[k] === OPEN || raw[k] === CLOSE) escapes++
    const buf = Buffer.allocUnsafe(n + escapes + 2)
    buf[0] = OPEN
    let p = 1
    for (let k = 0; k < n; k++) {
      const b = raw[k]
      buf[p++] = b
      if (b === OPEN || b === CLOSE) buf[p++] = b
    }
    buf[p] = CLOSE
    return buf
  }
}

function crcMatches(buf: Buffer, start: number, end: number): boolean {
  const crc = crc16(buf, start, end - 2)
  return buf[end - 2] === (crc & 0xff) && buf[end - 1] === crc >>> 8
}
