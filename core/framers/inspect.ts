/**
 * The message parser of the reference, done properly: finds every frame in some bytes and says
 * what each one is — request, response, both or neither — with decoded fields and every error.
 * The objects it prints under `request` and `response` are exactly what the encoders accept.
 */
import { ModbusError, PduError } from '../errors.ts'
import { decodeRequest, decodeResponse } from '../pdu/codec.ts'
import { defaultRegistry } from '../pdu/default-registry.ts'
import type { Registry } from '../pdu/registry.ts'
import type { Message } from '../pdu/types.ts'
import { createFramer } from './create.ts'
import type { Adu, FrameSink, FramerKind } from './types.ts'
import type { FrameError } from '../errors.ts'

/** A PDU error as plain data. */
export interface InspectedError {
  code: string
  message: string
  field?: string
}

/** One frame found in the input. */
export interface InspectedFrame {
  unit: number
  tid: number
  functionCode: number
  function: string
  raw: string
  pdu: string
  request: Message | null
  requestError?: InspectedError
  response: Message | null
  responseError?: InspectedError
}

/** A framing error found in the input. */
export interface InspectedFrameError {
  framingError: { code: string; message: string; offset: number; bytes: string }
}

/** Options for inspectFrames. */
export interface InspectOptions {
  /** RTU framing depends on the side; 'auto' tries both and keeps the reading that drops fewer bytes. */
  direction?: 'request' | 'response' | 'auto'
  registry?: Registry
}

function asError(err: unknown): InspectedError {
  if (err instanceof PduError) return { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}) }
  if (err instanceof ModbusError) return { code: err.code, message: err.message }
  return { code: 'MB_ERR_VALUE', message: String(err) }
}

function run(kind: FramerKind, bytes: Buffer, expect: 'request' | 'response', registry: Registry) {
  const framer = createFramer(kind, { expect, registry })
  const out: (InspectedFrame | InspectedFrameError)[] = []
  const sink: FrameSink = {
    frame(adu: Adu) {
      out.push(describe(adu, registry))
    },
    error(err: FrameError) {
      out.push({ framingError: { code: err.code, message: err.message, offset: err.offset, bytes: err.bytes.toString('hex') } })
    },
  }
  framer.push(bytes, sink)
  framer.end(sink)
  return { out, dropped: framer.stats.droppedBytes }
}

function describe(adu: Adu, registry: Registry): InspectedFrame {
  const fc = adu.pdu[0]
  const frame: InspectedFrame = {
    unit: adu.unit,
    tid: adu.tid,
    functionCode: fc,
    function: fc & 0x80 ? `exception(${registry.nameOf(fc & 0x7f)})` : registry.nameOf(fc),
    raw: adu.raw.toString('hex'),
    pdu: adu.pdu.toString('hex'),
    request: null,
    response: null,
  }
  try {
    frame.request = decodeRequest(adu.pdu, 0, adu.pdu.length, registry)
  } catch (err) {
    frame.requestError = asError(err)
  }
  try {
    frame.response = decodeResponse(adu.pdu, 0, adu.pdu.length, registry)
  } catch (err) {
    frame.responseError = asError(err)
  }
  return frame
}

/** Every frame and framing error in `bytes`, which are taken to end with line silence. */
export function inspectFrames(kind: FramerKind, bytes: Buffer, options: InspectOptions = {}): (InspectedFrame | InspectedFrameError)[] {
  const registry = options.registry ?? defaultRegistry
  const direction = options.direction ?? 'auto'
  if (kind !== 'rtu' || direction !== 'auto') return run(kind, bytes, direction === 'response' ? 'response' : 'request', registry).out
  const asRequest = run(kind, bytes, 'request', registry)
  const asResponse = run(kind, bytes, 'response', registry)
  return asResponse.dropped < asRequest.dropped ? asResponse.out : asRequest.out
}
