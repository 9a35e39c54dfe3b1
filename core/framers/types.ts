/**
 * The framer contract. A framer decides where frames end in a byte stream; PDU codecs only
 * ever see one complete PDU. Frames go to a sink object, errors too — nothing is thrown on
 * wire input.
 */
import type { FrameError } from '../errors.ts'
import type { PduWriter } from '../pdu/codec.ts'

/** Framer names, as used by addresses and the CLI. */
export type FramerKind = 'tcp' | 'rtu' | 'ascii' | 'binary'

/** One decoded application data unit. */
export interface Adu {
  /** Unit identifier (serial: slave address). */
  unit: number
  /** MBAP transaction id; 0 on serial framers. */
  tid: number
  /** The PDU, a view into framer memory: valid until the next push(); copy to keep. */
  pdu: Buffer
  /** The whole frame as received (header, PDU, checksum), a view with the same lifetime. */
  raw: Buffer
}

/** Where a framer delivers frames and errors. */
export interface FrameSink {
  frame(adu: Adu): void
  /** Called after the framer has already resynchronised. */
  error(err: FrameError): void
}

/** Counters every framer keeps. */
export interface FramerStats {
  frames: number
  droppedBytes: number
  checksumErrors: number
}

/** A streaming framer. */
export interface Framer {
  readonly kind: FramerKind
  /** Feeds bytes; delivers every complete frame; returns the number of bytes still buffered. */
  push(chunk: Buffer, sink: FrameSink): number
  /** End of input or line silence (t3.5): settles the buffered tail. */
  end(sink: FrameSink): void
  /** Forgets buffered bytes (stats are kept). */
  reset(): void
  /** Builds an ADU around a PDU (copied). */
  encode(unit: number, pdu: Buffer, tid?: number): Buffer
  /** Builds an ADU around a prepared PDU writer, allocating once. */
  encodeWith(unit: number, writer: PduWriter, tid?: number): Buffer
  readonly stats: FramerStats
}
