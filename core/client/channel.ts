/**
 * The transaction layer under a client: send one request PDU to a unit, get its response PDU.
 * Channels differ by medium — pipelined and matched by transaction id on TCP and UDP, one at a
 * time on a serial line — but offer the same call.
 */
import type { Adu } from '../framers/types.ts'

/** Per-transaction settings. */
export interface TransactionOptions {
  /** Milliseconds to wait for the reply. */
  timeout: number
  /** Extra attempts after a timeout. */
  retries: number
}

/**
 * Called for every frame that is not the reply to a request under way: late, duplicated, for
 * another unit, or not of the shape the request calls for. Such frames are never delivered.
 */
export type StrayHandler = (adu: Adu, reason: string) => void

/**
 * Sees every frame a channel sends ('tx': each attempt, retries included) and receives ('rx':
 * replies, stray frames, and bytes that formed no frame, with `unit` -1 and no `pdu`). `raw` and
 * `pdu` are views valid during the call. `note` says why a frame is odd (stray reason, retry,
 * framing error); `connection` tells the connections of a pool apart. For captures: a channel
 * calls it only while it is set, so an unset tap costs nothing.
 */
export type WireTap = (dir: 'tx' | 'rx', raw: Buffer, unit: number, pdu: Buffer | undefined, note?: string, connection?: number) => void

/** Counters every channel keeps. */
export interface ChannelStats {
  requests: number
  responses: number
  timeouts: number
  retries: number
  /** Frames that were no pending request's reply: late, duplicated, foreign unit, wrong function or shape, unknown tid. */
  discarded: number
  transportErrors: number
  /** Bytes the framer could not make a frame of: checksum errors, garbage, truncated frames. */
  framingErrors: number
}

/** Sends requests and returns replies. */
export interface Channel {
  /**
   * Sends the request PDU to `unit`; resolves with a copy of the reply PDU — one the registry's
   * reply rule accepts as this request's (an exception included) — or null for a broadcast, or
   * for a request that draws no reply (08/04). Rejects with TimeoutError or TransportError.
   */
  transact(unit: number, request: Buffer, options: TransactionOptions): Promise<Buffer | null>
  /** Opens the connection or port now (it is otherwise opened by the first request); honours back-off. */
  connect(timeoutMs?: number): Promise<void>
  close(): Promise<void>
  readonly stats: ChannelStats
  /** Wire tap (captures); undefined when nothing listens. */
  tap?: WireTap
}

/** Fresh channel counters. */
export function newChannelStats(): ChannelStats {
  return { requests: 0, responses: 0, timeouts: 0, retries: 0, discarded: 0, transportErrors: 0, framingErrors: 0 }
}
