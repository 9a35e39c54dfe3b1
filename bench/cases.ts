/**
 * The two messages the codec benchmark moves, and the contract every implementation (modbridge,
 * each peer, the ceiling) fulfils for one framer, one message and one direction.
 *
 *   (a) 'read':  Read Holding Registers response of 125 registers (fc 03); a server encodes it,
 *                a client decodes it.
 *   (b) 'write': Write Multiple Registers request of 123 registers (fc 10); a client encodes it,
 *                a server decodes it.
 */
import type { FramerKind, RegistersResponse, WriteMultipleRegistersRequest } from '../core/index.ts'

/** Which message a row moves. */
export type CaseId = 'read' | 'write'

/** Which way a row moves it. */
export type Operation = 'encode' | 'decode'

/** Unit id (slave address) of every frame. */
export const UNIT = 0x11
/** MBAP transaction id of every TCP frame (serial framers carry none). */
export const TID = 0x0102
/** Starting address of the write request. */
export const WRITE_ADDRESS = 0x0100

/** Deterministic register values: an LCG's high 16 bits, so every byte value (and some '{' '}') occurs. */
function registerValues(count: number, seed: number): number[] {
  const out: number[] = []
  let x = seed
  for (let i = 0; i < count; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0
    out.push(x >>> 16)
  }
  return out
}

/** The 125 register values of case (a). */
export const READ_VALUES: readonly number[] = registerValues(125, 0x3b)
/** The 123 register values of case (b). */
export const WRITE_VALUES: readonly number[] = registerValues(123, 0x10)

/** Case (a) as a modbridge message. */
export const READ_RESPONSE: RegistersResponse<'readHoldingRegisters'> = {
  function: 'readHoldingRegisters',
  values: [...READ_VALUES],
}

/** Case (b) as a modbridge message. */
export const WRITE_REQUEST: WriteMultipleRegistersRequest = {
  function: 'writeMultipleRegisters',
  address: WRITE_ADDRESS,
  values: [...WRITE_VALUES],
}

/** What a decoder hands back for the correctness check. */
export interface Decoded {
  unit: number
  /** Starting address (case b only). */
  address?: number
  values: ArrayLike<number>
}

/** One implementation of one cell: a framer × message × direction. */
export interface Impl<T> {
  /** One frame, returning what the correctness check compares. */
  once(): T | Promise<T>
  /** `n` frames back to back: the timed loop. */
  run(n: number): void
  /** Awaited inside the timed region after run(), for a peer whose own path ends in microtasks. */
  settle?(): Promise<void>
  /** What this adapter includes beyond, or leaves out of, the work being compared. */
  note?: string
}

/** Encoder: message object → ADU bytes. */
export type EncodeImpl = Impl<Buffer>
/** Decoder: ADU bytes → framer → message object. */
export type DecodeImpl = Impl<Decoded>

/** A cell a peer cannot do, and why. */
export interface Missing {
  missing: string
}

/** A peer library (or the ceiling) as the benchmark drives it. */
export interface Peer {
  name: string
  encoder(c: CaseId, kind: FramerKind): EncodeImpl | Missing
  /** `adu` is the whole frame (modbridge's encoding of the case), fed in one chunk. */
  decoder(c: CaseId, kind: FramerKind, adu: Buffer): DecodeImpl | Missing
}

/** True when an adapter slot holds a reason instead of an implementation. */
export function isMissing<T>(x: T | Missing): x is Missing {
  return typeof (x as Missing).missing === 'string'
}
