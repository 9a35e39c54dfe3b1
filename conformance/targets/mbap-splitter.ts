/**
 * The runner's reading of a Modbus/TCP byte stream. Unlike core's MBAP framer, which refuses a
 * frame whose protocol id is not 0 (as a server must), this splits by the length field alone and
 * hands such a frame on with its protocol id: a device that answers protocol id 1 has answered,
 * and the runner must see it to say so. Only a length no frame can have makes the buffered bytes
 * unreadable; they are handed on as junk.
 *
 *   transaction id u16 | protocol id u16 | length u16 = 1 + PDU (2..254) | unit id u8 | PDU
 */
import { hex, MAX_MBAP_LENGTH, MBAP_HEADER_LENGTH, MIN_MBAP_LENGTH } from '../../core/index.ts'
import type { ReplyFrame } from './target.ts'

/** Where split frames and unreadable bytes go. */
export interface SplitSink {
  frame(f: ReplyFrame): void
  junk(bytes: Buffer, why: string): void
}

/** Splits MBAP frames by their length field. */
export class MbapSplitter {
  private pending: Buffer = Buffer.alloc(0)

  /** Feeds bytes received at `at` (performance.now()). */
  push(chunk: Buffer, at: number, sink: SplitSink): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk])
    let buf = this.pending
    while (buf.length >= 6) {
      const length = buf.readUInt16BE(4)
      if (length < MIN_MBAP_LENGTH || length > MAX_MBAP_LENGTH) {
        sink.junk(Buffer.from(buf), `MB_ERR_LENGTH: MBAP length ${length} is outside ${MIN_MBAP_LENGTH}..${MAX_MBAP_LENGTH} (${hex(length, 4)})`)
        buf = Buffer.alloc(0)
        break
      }
      const total = 6 + length
      if (buf.length < total) break
      const raw = Buffer.from(buf.subarray(0, total))
      sink.frame({ tid: raw.readUInt16BE(0), protocolId: raw.readUInt16BE(2), unit: raw[6], pdu: raw.subarray(MBAP_HEADER_LENGTH), raw, at })
      buf = buf.subarray(total)
    }
    this.pending = buf.length === 0 ? Buffer.alloc(0) : Buffer.from(buf)
  }

  /** The connection went quiet or closed: a partial frame will not be completed. */
  end(sink: SplitSink): void {
    if (this.pending.length > 0) sink.junk(this.pending, `MB_ERR_TRUNCATED: ${this.pending.length} bytes of an unfinished MBAP frame`)
    this.pending = Buffer.alloc(0)
  }
}
