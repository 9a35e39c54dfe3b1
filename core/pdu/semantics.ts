/**
 * What a request means, beside its bytes: its effect, what it touches, whether it may be
 * broadcast, and what a correct reply to it looks like. Every function code's spec carries one
 * `RequestSemantics`; the gateway, the client channels, the server and the conformance runner
 * ask the registry rather than keeping lists of codes of their own.
 */
import type { Message } from './types.ts'

/**
 * What a request does to a device:
 * - `read`: returns data and changes nothing (01-04, 07, 0B, 0C, 11, 14, 18, 2B/0E, 08/00);
 * - `write`: changes data (05, 06, 0F, 10, 15, 16, 17);
 * - `diagnostic`: reads the device's own counters and registers (08/02, 08/0B-13, 08/15 get);
 * - `control`: changes how the device behaves (restart, listen-only, clear counters, delimiter),
 *   and anything the registry cannot tell (unknown codes, opaque MEI types).
 */
export type Effect = 'read' | 'write' | 'diagnostic' | 'control'

/** The data tables of the Modbus data model (§4.3), plus files and FIFO queues. */
export type Table = 'coils' | 'discreteInputs' | 'holdingRegisters' | 'inputRegisters' | 'file' | 'fifo'

/** One span of data a request touches. `file` is set for file records (address = record number). */
export interface Access {
  table: Table
  address: number
  quantity: number
  write: boolean
  file?: number
}

/**
 * The shape of the correct normal reply to one request. An exception reply (fc | 0x80, one code
 * byte) is always a correct shape as well.
 */
export interface ReplyRule {
  /** Exact PDU length of the normal reply; undefined when the reply ends at its own byte count or at silence. */
  length: number | undefined
  /** Leading bytes of the reply that must equal the request's (1: the function code only). */
  echo: number
  /** True when the correct answer is no reply at all (08/04 Force Listen Only Mode). */
  none?: boolean
}

/** What one function code's requests mean. */
export interface RequestSemantics<Req = Message, Res = Message> {
  /** The effect of a request; diagnostics depends on its sub-function, so this may read the PDU. */
  effect: Effect | ((pdu: Buffer) => Effect)
  /** The sub-function (08) or MEI type (2B) of a request PDU, for allow-lists such as "8/0". */
  subFunction?(pdu: Buffer): number | undefined
  /** True when the request may go to unit 0 (SL §2.2: broadcasts are writes; no reply comes back). */
  broadcast: boolean
  /** The correct reply's shape for this request PDU (which the caller has validated or at least framed). */
  reply(pdu: Buffer): ReplyRule
  /** The tables and addresses a decoded request touches. */
  access?(request: Req): Access[]
  /**
   * Content rules a conforming reply keeps beyond its shape (zero padding of coil bytes, one
   * sub-response per sub-request). A reply that breaks them still belongs to its request; the
   * conformance runner judges them.
   */
  content?(request: Req, response: Res): string | null
}

/** A reply rule of known length whose first `echo` bytes repeat the request. */
export function fixedReply(length: number, echo = 1): ReplyRule {
  return { length, echo }
}

/** A reply that repeats the whole request PDU (05, 06, 15, 16, 08/00). */
export function echoReply(pdu: Buffer): ReplyRule {
  return { length: pdu.length, echo: pdu.length }
}

/** A reply whose length the request does not tell: it ends at its own byte count or at silence. */
export function openReply(echo = 1): ReplyRule {
  return { length: undefined, echo }
}

/** What the registry defaults to for a user code registered without semantics. */
export const OPAQUE_SEMANTICS: RequestSemantics = {
  effect: 'control',
  broadcast: false,
  reply: () => openReply(1),
}

/** One table span as an Access list. */
export function span(table: Table, address: number, quantity: number, write: boolean): Access[] {
  return [{ table, address, quantity, write }]
}
