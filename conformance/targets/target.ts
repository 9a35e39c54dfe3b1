/**
 * A raw target: the conformance runner sends exact bytes (bad CRCs, split frames, garbage) and
 * observes what comes back — one frame, or silence — with timing.
 */
import type { FramerKind } from '../../core/index.ts'

/** A reply frame, copied out of framer memory. */
export interface ReplyFrame {
  unit: number
  tid: number
  pdu: Buffer
  raw: Buffer
}

/** What one exchange observed. */
export interface Exchange {
  /** The first frame that came back, or null (silence until the wait ended). */
  reply: ReplyFrame | null
  /** From the last request byte to the last reply byte, ms. */
  responseMs: number | null
  /** Serial: gaps between the chunks of the reply, ms (measured, not judged). */
  gapsMs: number[]
  /** True when the device closed the connection (TCP). */
  closed: boolean
  /** Framing errors while waiting: bytes came back that did not form a valid frame. */
  framingErrors: string[]
}

/** Options of one exchange. */
export interface ExchangeOptions {
  /** How long to wait for a reply, ms. */
  waitMs: number
  /** Pause between chunks when the request is given as several, ms. */
  chunkGapMs?: number
  /** The request PDU, when the bytes sent carry one: sizes a reply whose length only the request tells. */
  requestPdu?: Buffer
}

/** A device under test. */
export interface RawTarget {
  readonly label: string
  readonly framer: FramerKind
  readonly serial: boolean
  /** Serial: milliseconds of wire time per character (for the wire-time share). */
  readonly characterMs: number | null
  /** Serial: t3.5 and t1.5 in ms. */
  readonly t35Ms: number | null
  readonly t15Ms: number | null
  /** Sends the bytes (one chunk, or several with gaps) and waits for one reply frame or silence. */
  exchange(request: Buffer | Buffer[], options: ExchangeOptions): Promise<Exchange>
  /** Builds an ADU around a PDU with this target's framing (valid checksum). */
  frame(unit: number, pdu: Buffer, tid?: number): Buffer
  close(): Promise<void>
}
