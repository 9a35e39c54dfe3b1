/**
 * RTU framer (Serial Line guide §2.5.1):
 *
 *   [silence >= t3.5] address u8 | PDU | CRC-16 u16, low byte first [silence >= t3.5]
 *
 * The PDU length comes from the function-code registry (`frameLength` of the request or the
 * response codec, fixed per framer as tokio-modbus does), so frames are found without timing.
 * A function code the registry does not know, or a PDU whose length its content cannot tell
 * (diagnostics return-query-data), ends at line silence: the transport calls end() after t3.5.
 * With `probe` set (RTU over TCP, where there is no silence) such a frame ends at the first
 * point where the bytes before it carry a valid CRC.
 *
 * A frame whose CRC fails at the length its content gives, but holds over everything received so
 * far, is a frame with an inconsistent length (a byte count that lies): it is delivered, for the
 * PDU checks to refuse, as a device delimiting frames by silence would.
 *
 * Resync rule: a bad CRC, an impossible function code, an oversize length or a tail cut off by
 * silence drops one byte and tries again from the next; one FrameError reports the whole run.
 */
import { hex } from '../errors.ts'
import { MAX_RTU_ADU } from '../limits.ts'
import { checkCrc16, crc16, crc16Step, writeCrc16 } from '../checksum/crc16.ts'
import type { PduWriter } from '../pdu/codec.ts'
import { defaultRegistry } from '../pdu/default-registry.ts'
import { NEED_MORE, UNKNOWN_LENGTH, type PduCodec, type Registry } from '../pdu/registry.ts'
import { checkAduArgs, copyWriter } from './encode-checks.ts'
import { StreamBuffer } from './stream-buffer.ts'
import type { Framer, FrameSink, FramerStats } from './types.ts'

/** Options of an RTU framer. */
export interface RtuFramerOptions {
  /** Which side this framer decodes: a server reads requests, a client responses. */
  expect: 'request' | 'response'
  /** Function codes and their lengths; defaults to every built-in code. */
  registry?: Registry
  /** End a frame of unknown length as soon as its CRC checks (for streams without silence). */
  probe?: boolean
}

/** An RTU framer that can be told which request the next reply answers. */
export interface RtuFramer extends Framer {
  /**
   * The request PDU the next reply answers (undefined: none). A reply whose content cannot tell its
   * length (diagnostics return-query-data) is then sized by the registry's reply rule for it.
   */
  expectReplyTo(request: Buffer | undefined): void
  /**
   * Line silence seen by a software timer: settles a frame of unknown length (its CRC must check;
   * otherwise one byte is dropped and the rest rescanned) but keeps a partial frame whose length is
   * known, because timer jitter can fake a gap inside a frame. end() is the strict form.
   */
  silence(sink: FrameSink): void
}

/** Creates an RTU framer. */
export function createRtuFramer(options: RtuFramerOptions): RtuFramer {
  return new RtuFramerImpl(options)
}

const EXCEPTION_PDU = 2

class RtuFramerImpl implements RtuFramer {
  readonly kind = 'rtu' as const
  readonly stats: FramerStats = { frames: 0, droppedBytes: 0, checksumErrors: 0 }
  private readonly input = new StreamBuffer(MAX_RTU_ADU * 2, this.stats)
  private readonly codecs: (PduCodec<unknown> | undefined)[] = new Array(256)
  private readonly responses: boolean
  private readonly probe: boolean
  private readonly registry: Registry
  /** Function code and PDU length of the awaited reply, used only where the content tells no length. */
  private hintCode = -1
  private hintLength = 0

  constructor(options: RtuFramerOptions) {
    const registry = options.registry ?? defaultRegistry
    this.registry = registry
    this.responses = options.expect === 'response'
    this.probe = options.probe ?? false
    for (const spec of registry.list()) this.codecs[spec.code] = this.responses ? spec.response : spec.request
  }

  expectReplyTo(request: Buffer | undefined): void {
    const length = request && request.length > 0 ? this.registry.facts(request).reply.length : undefined
    this.hintCode = length === undefined ? -1 : request![0]
    this.hintLength = length ?? 0
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

  silence(sink: FrameSink): void {
    this.scan(sink, true, true)
    this.input.settle()
  }

  /** PDU length of the frame at start, NEED_MORE, UNKNOWN_LENGTH, or 0 for an impossible function code. */
  private pduLength(buf: Buffer, s: number, end: number): number {
    const fc = buf[s + 1]
    if (fc & 0x80) return this.responses ? EXCEPTION_PDU : 0
    if (fc === 0) return 0
    const codec = this.codecs[fc]
    const length = codec ? codec.frameLength(buf, s + 1, end) : UNKNOWN_LENGTH
    return length === UNKNOWN_LENGTH && fc === this.hintCode ? this.hintLength : length
  }

  private scan(sink: FrameSink, atSilence: boolean, tolerant = false): void {
    const input = this.input
    const buf = input.buf
    while (input.length >= (atSilence ? 1 : 2)) {
      const s = input.start
      const avail = input.length
      if (avail < 4) {
        if (!atSilence || tolerant) break
        this.dropOne('MB_ERR_TRUNCATED', `line silence after ${avail} bytes, shorter than any RTU frame`)
        continue
      }
      const pdu = this.pduLength(buf, s, input.end)
      if (pdu === 0) {
        this.dropOne('MB_ERR_UNKNOWN_FUNCTION', `function code ${hex(buf[s + 1])} at offset ${input.position + 1} cannot start a ${this.responses ? 'response' : 'request'}`)
        continue
      }
      let total: number
      if (pdu === UNKNOWN_LENGTH) {
        if (avail > MAX_RTU_ADU) {
          this.dropOne('MB_ERR_OVERSIZE', `no frame end within ${MAX_RTU_ADU} bytes`)
          continue
        }
        if (atSilence) {
          if (!checkCrc16(buf, s, input.end - 2)) {
            this.checksumError(buf, s, input.end)
            continue
          }
          total = avail
        } else if (this.probe) {
          total = firstCrcEnd(buf, s, input.end)
          if (total === 0) break
        } else break
      } else if (pdu === NEED_MORE) {
        if (!atSilence || tolerant) break
        this.dropOne('MB_ERR_TRUNCATED', `line silence inside a frame (${avail} bytes)`)
        continue
      } else {
        total = 1 + pdu + 2
        if (total > MAX_RTU_ADU) {
          this.dropOne('MB_ERR_OVERSIZE', `frame of ${total} bytes at offset ${input.position} exceeds the RTU limit of ${MAX_RTU_ADU}`)
          continue
        }
        if (avail < total) {
          if (!atSilence || tolerant) break
          this.dropOne('MB_ERR_TRUNCATED', `line silence after ${avail} of ${total} bytes`)
          continue
        }
        if (!checkCrc16(buf, s, s + total - 2)) {
          // A frame ends at line silence, not where its byte count says (SL §2.5.1.1): when all that
          // has arrived checks as one frame, it is one, whose content disagrees with its length —
          // the request's own checks answer that (03) instead of the frame vanishing as garbage.
          if (avail > total && avail <= MAX_RTU_ADU && checkCrc16(buf, s, input.end - 2)) total = avail
          else {
            this.checksumError(buf, s, s + total)
            continue
          }
        }
      }
      input.flushDrops(sink)
      input.consume(total)
      this.stats.frames++
      sink.frame({ unit: buf[s], tid: 0, pdu: buf.subarray(s + 1, s + total - 2), raw: buf.subarray(s, s + total) })
    }
    if (atSilence && (!tolerant || input.length === 0)) input.flushDrops(sink)
  }

  private dropOne(code: 'MB_ERR_TRUNCATED' | 'MB_ERR_OVERSIZE' | 'MB_ERR_UNKNOWN_FUNCTION', reason: string): void {
    this.input.drop(1, code, reason)
  }

  private checksumError(buf: Buffer, s: number, end: number): void {
    if (!this.input.dropping) {
      this.stats.checksumErrors++
      const expected = crc16(buf, s, end - 2)
      const got = buf[end - 2] | (buf[end - 1] << 8)
      this.input.drop(1, 'MB_ERR_CHECKSUM', `CRC mismatch at offset ${this.input.position + end - 2 - s}: expected ${hex(expected, 4)}, got ${hex(got, 4)}`)
    } else this.input.drop(1, 'MB_ERR_CHECKSUM', '')
  }

  reset(): void {
    this.input.clear()
    this.hintCode = -1
  }

  encode(unit: number, pdu: Buffer): Buffer {
    return this.encodeWith(unit, copyWriter(pdu))
  }

  encodeWith(unit: number, writer: PduWriter): Buffer {
    checkAduArgs('rtu', unit, writer.size)
    const buf = Buffer.allocUnsafe(writer.size + 3)
    buf[0] = unit
    writer.write(buf, 1)
    writeCrc16(buf, 0, writer.size + 1)
    return buf
  }
}

/**
 * Probe for RTU over TCP: the length of the shortest frame at `s` (at least 4 bytes) whose last
 * two bytes are the CRC of the rest, or 0. One running CRC serves every candidate end.
 */
function firstCrcEnd(buf: Buffer, s: number, end: number): number {
  let crc = crc16(buf, s, s + 2)
  for (let e = s + 4; e <= end; e++) {
    if (buf[e - 2] === (crc & 0xff) && buf[e - 1] === crc >>> 8) return e - s
    crc = crc16Step(crc, buf[e - 2])
  }
  return 0
}
