/**
 * Helpers for framer tests: a recording sink and the splitEverywhere driver.
 */
import type { Adu, FrameError, Framer, FrameSink } from '../../core/index.ts'

/** What a framer delivered, copied out of framer memory. */
export interface Recorded {
  frames: { unit: number; tid: number; pdu: string; raw: string }[]
  errors: FrameError[]
}

/** A sink that copies every frame (hex) and keeps every error. */
export function recorder(): FrameSink & Recorded {
  const frames: Recorded['frames'] = []
  const errors: FrameError[] = []
  return {
    frames,
    errors,
    frame(adu: Adu) {
      frames.push({ unit: adu.unit, tid: adu.tid, pdu: adu.pdu.toString('hex'), raw: adu.raw.toString('hex') })
    },
    error(err: FrameError) {
      errors.push(err)
    },
  }
}

/** Pushes `chunks` into a fresh framer, optionally ending with silence; returns what came out and the bytes left. */
export function feed(make: () => Framer, chunks: Buffer[], end = false): Recorded & { buffered: number; framer: Framer } {
  const framer = make()
  const sink = recorder()
  let buffered = 0
  for (const c of chunks) buffered = framer.push(c, sink)
  if (end) {
    framer.end(sink)
    buffered = 0
  }
  return { frames: sink.frames, errors: sink.errors, buffered, framer }
}

/**
 * The input delivered every way that matters: whole, split in two at every offset, and byte by byte.
 * Yields a label and the chunks.
 */
export function* splitEverywhere(input: Buffer): Generator<[string, Buffer[]]> {
  yield ['whole', [input]]
  for (let i = 1; i < input.length; i++) yield [`split at ${i}`, [input.subarray(0, i), input.subarray(i)]]
  if (input.length > 2) yield ['byte by byte', [...input].map((b) => Buffer.from([b]))]
}
