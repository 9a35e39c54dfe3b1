/**
 * Socket framer: the MBAP header of Modbus TCP (Messaging Implementation Guide §3.1.3).
 *
 *   transaction id u16 | protocol id u16 = 0 | length u16 = 1 + PDU (2..254) | unit id u8 | PDU
 *
 * Resync rule: a TCP stream has no markers to resync on. A protocol id other than 0 or an
 * impossible length makes every buffered byte untrustworthy: the framer reports one FrameError,
 * drops all it holds, and the caller should close the connection. A UDP datagram is pushed as a
 * whole, so the error there costs one datagram.
 */
import { MAX_MBAP_LENGTH, MBAP_HEADER_LENGTH, MIN_MBAP_LENGTH } from '../limits.ts'
import { hex } from '../errors.ts'
import type { PduWriter } from '../pdu/codec.ts'
import { checkAduArgs, copyWriter } from './encode-checks.ts'
import { StreamBuffer } from './stream-buffer.ts'
import type { Framer, FrameSink, FramerStats } from './types.ts'

const MAX_ADU = 6 + MAX_MBAP_LENGTH

/** Creates an MBAP framer. */
export function createTcpFramer(): Framer {
  return new TcpFramer()
}

class TcpFramer implements Framer {
  readonly kind = 'tcp' as const
  readonly stats: FramerStats = { frames: 0, droppedBytes: 0, checksumErrors: 0 }
  private readonly input = new StreamBuffer(MAX_ADU * 2, this.stats)

  push(chunk: Buffer, sink: FrameSink): number {
    const input = this.input
    input.append(chunk)
    const buf = input.buf
    while (input.length >= 4) {
      const s = input.start
      const pid = (buf[s + 2] << 8) | buf[s + 3]
      if (pid !== 0) {
        this.poison(sink, 'MB_ERR_PROTOCOL_ID', `MBAP protocol id ${hex(pid, 4)} at offset ${input.position + 2}, expected 0x0000`)
        break
      }
      if (input.length < 6) break
      const length = (buf[s + 4] << 8) | buf[s + 5]
      if (length < MIN_MBAP_LENGTH || length > MAX_MBAP_LENGTH) {
        this.poison(sink, 'MB_ERR_LENGTH', `MBAP length ${length} at offset ${input.position + 4} is outside ${MIN_MBAP_LENGTH}..${MAX_MBAP_LENGTH}`)
        break
      }
      const total = 6 + length
      if (input.length < total) break
      input.consume(total)
      this.stats.frames++
      sink.frame({
        tid: (buf[s] << 8) | buf[s + 1],
        unit: buf[s + 6],
        pdu: buf.subarray(s + MBAP_HEADER_LENGTH, s + total),
        raw: buf.subarray(s, s + total),
      })
    }
    return input.settle()
  }

  private poison(sink: FrameSink, code: 'MB_ERR_PROTOCOL_ID' | 'MB_ERR_LENGTH', reason: string): void {
    const input = this.input
    input.drop(input.length, code, reason)
    input.flushDrops(sink)
  }

  end(sink: FrameSink): void {
    const input = this.input
    if (input.length > 0) {
      input.drop(input.length, 'MB_ERR_TRUNCATED', `input ended inside an MBAP frame (${input.length} bytes)`)
      input.flushDrops(sink)
    }
    input.settle()
  }

  reset(): void {
    this.input.clear()
  }

  encode(unit: number, pdu: Buffer, tid = 0): Buffer {
    return this.encodeWith(unit, copyWriter(pdu), tid)
  }

  encodeWith(unit: number, writer: PduWriter, tid = 0): Buffer {
    checkAduArgs('tcp', unit, writer.size, tid)
    const buf = Buffer.allocUnsafe(MBAP_HEADER_LENGTH + writer.size)
    buf[0] = tid >>> 8
    buf[1] = tid & 0xff
    buf[2] = 0
    buf[3] = 0
    buf[4] = (writer.size + 1) >>> 8
    buf[5] = (writer.size + 1) & 0xff
    buf[6] = unit
    writer.write(buf, MBAP_HEADER_LENGTH)
    return buf
  }
}
