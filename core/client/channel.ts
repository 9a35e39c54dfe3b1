/**
 * The transaction layer under a client: send one request PDU to a unit, get its response PDU.
 * Channels differ by medium — pipelined and matched by transaction id on TCP and UDP, one at a
 * time on a serial line — but offer the same call.
 */
import type { PduWriter } from '../pdu/codec.ts'

/** Per-transaction settings. */
export interface TransactionOptions {
  /** Milliseconds to wait for the reply. */
  timeout: number
  /** Extra attempts after a timeout. */
  retries: number
  /** PDU length of the normal reply when only the request tells it (diagnostics loopback). */
  expectPduLength?: number
}

/** Counters every channel keeps. */
export interface ChannelStats {
  requests: number
  responses: number
  timeouts: number
  retries: number
  /** Replies that matched no pending request: late, foreign unit, wrong function, unknown tid. */
  discarded: number
  transportErrors: number
}

/** Sends requests and returns replies. */
export interface Channel {
  /**
   * Sends the request PDU to `unit`; resolves with a copy of the reply PDU, or null for a broadcast
   * (no reply is awaited). Rejects with TimeoutError or TransportError.
   */
  transact(unit: number, request: PduWriter, functionCode: number, options: TransactionOptions): Promise<Buffer | null>
  /** Opens the connection or port now (it is otherwise opened by the first request); honours back-off. */
  connect(timeoutMs?: number): Promise<void>
  close(): Promise<void>
  readonly stats: ChannelStats
}

/** Fresh channel counters. */
export function newChannelStats(): ChannelStats {
  return { requests: 0, responses: 0, timeouts: 0, retries: 0, discarded: 0, transportErrors: 0 }
}

/** True when a reply's function byte answers a request with function `fc` (normal or exception). */
export function answers(replyFc: number, fc: number): boolean {
  return replyFc === fc || replyFc === (fc | 0x80)
}
