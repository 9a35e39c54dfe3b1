/**
 * A raw target: the conformance runner sends exact bytes (bad CRCs, split frames, garbage) and
 * observes what comes back, with timing. Every byte the device sends is attributed: to the
 * exchange it answers, as a late or duplicate reply of an earlier one, or as stray.
 */
import type { FramerKind } from '../../core/index.ts'
import type { WireEvent } from './attribution.ts'

/** A reply frame, copied out of framer memory. */
export interface ReplyFrame {
  unit: number
  tid: number
  pdu: Buffer
  raw: Buffer
  /** Modbus/TCP: the MBAP protocol id (0 for Modbus); 0 on serial lines. */
  protocolId: number
  /** performance.now() when its last byte arrived. */
  at: number
}

/** What a reply must answer: the unit and PDU of the request, and (Modbus/TCP) its transaction id. */
export interface ExpectedReply {
  unit: number
  /** The request PDU, when the bytes sent carry one the runner can name (not for garbage). */
  pdu: Buffer | undefined
  /** Modbus/TCP transaction id; undefined on serial lines. */
  tid: number | undefined
}

/** What one exchange observed. */
export interface Exchange {
  /** What was sent: the reply must answer it. */
  sent: ExpectedReply
  /** The frame attributed to this request, or null (nothing answered it within the window). */
  reply: ReplyFrame | null
  /** From the last request byte to the last reply byte, ms. */
  responseMs: number | null
  /** Serial: gaps between the chunks of the reply, ms (measured, not judged). */
  gapsMs: number[]
  /** Serial: the gaps the runner actually left between the chunks of a request sent in pieces, ms. */
  sendGapsMs?: number[]
  /** True when the device closed the connection during the exchange (TCP). */
  closed: boolean
  /** Framing errors while waiting: bytes came back that did not form a valid frame. */
  framingErrors: string[]
  /**
   * Bytes the device sent during the window, less those of frames attributed to earlier requests:
   * what a must-stay-silent case is judged on, whether or not they parse.
   */
  bytesReceived: number
  /** Modbus/TCP: frames during the window that answer this request's function but carry another transaction id. */
  mismatched: ReplyFrame[]
  /** Stray bytes and late or duplicate replies of earlier requests seen during the window. */
  events: WireEvent[]
}

/** Options of one exchange. */
export interface ExchangeOptions {
  /** How long to wait for a reply (or, with `listen: 'silence'`, to listen), ms. */
  waitMs: number
  /** Pause between chunks when the request is given as several, ms. */
  chunkGapMs?: number
  /** What a reply must answer. */
  expect: ExpectedReply
  /** 'reply' (default): ends at the first reply; 'silence': listens the whole window and counts every byte. */
  listen?: 'reply' | 'silence'
  /**
   * The request is malformed: a device may take its length otherwise than it was sent and keep
   * part of it, or wait for more. A stream target starts the next case on a fresh connection.
   */
  malformed?: boolean
}

/** What came in between cases: late and duplicate replies of earlier requests, and stray bytes. */
export interface Settled {
  events: WireEvent[]
  /** The connection was re-opened (it had closed, or the last exchange left it unclean). */
  reconnected: boolean
  /** Modbus/TCP: the device could not be reached again; the run cannot go on. */
  lost: string | null
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
  /** The case that is running, for the attribution of what arrives (its index in the run). */
  beginCase(index: number): void
  /**
   * Before each case: drains the line or connection until it is quiet (after a request that drew
   * no reply, for `lateMs` at least), attributing what arrives; re-opens a connection that closed
   * or that the last exchange left unclean.
   */
  settle(lateMs: number): Promise<Settled>
  /** Sends the bytes (one chunk, or several with gaps) and observes the window. */
  exchange(request: Buffer | Buffer[], options: ExchangeOptions): Promise<Exchange>
  /** Builds an ADU around a PDU with this target's framing (valid checksum). */
  frame(unit: number, pdu: Buffer, tid?: number): Buffer
  close(): Promise<void>
}
