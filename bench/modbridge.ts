/**
 * modbridge as the benchmark drives it, through the public API only:
 *   encode: message → prepare() → framer.encodeWith() → ADU
 *   decode: ADU → framer.push() → sink.frame() → decodeResponse()/decodeRequest() → message
 */
import { createFramer, decodeRequest, decodeResponse, prepare } from '../core/index.ts'
import type { Adu, FrameSink, FramerKind, Message } from '../core/index.ts'
import { READ_RESPONSE, TID, UNIT, WRITE_REQUEST, type CaseId, type Decoded, type Peer } from './cases.ts'

/** The sink a real client or server would hand the framer: one object, decoding where it lands. */
class DecodingSink implements FrameSink {
  unit = 0
  message: Message | undefined

  constructor(private readonly decode: (pdu: Buffer) => Message) {}

  frame(adu: Adu): void {
    this.unit = adu.unit
    this.message = this.decode(adu.pdu)
  }

  error(err: Error): void {
    throw err
  }
}

function toDecoded(c: CaseId, sink: DecodingSink): Decoded {
  const msg = sink.message as { address?: number; values: number[] } | undefined
  if (!msg) throw new Error('modbridge: the framer delivered no frame')
  return { unit: sink.unit, address: c === 'write' ? msg.address : undefined, values: msg.values }
}

/** modbridge, for the same table as the peers. */
export const modbridge: Peer = {
  name: 'modbridge',

  encoder(c: CaseId, kind: FramerKind) {
    const framer = createFramer(kind)
    const msg = c === 'read' ? READ_RESPONSE : WRITE_REQUEST
    const side = c === 'read' ? 'response' : 'request'
    let last: Buffer = Buffer.alloc(0)
    return {
      once: () => framer.encodeWith(UNIT, prepare(msg, side), TID),
      run(n) {
        for (let i = 0; i < n; i++) last = framer.encodeWith(UNIT, prepare(msg, side), TID)
        if (last.length === 0) throw new Error('unreachable')
      },
    }
  },

  decoder(c: CaseId, kind: FramerKind, adu: Buffer) {
    const framer = createFramer(kind, { expect: c === 'read' ? 'response' : 'request' })
    const sink = new DecodingSink(c === 'read' ? (pdu) => decodeResponse(pdu) : (pdu) => decodeRequest(pdu))
    return {
      once() {
        sink.message = undefined
        const left = framer.push(adu, sink)
        if (left !== 0) throw new Error(`modbridge ${kind}: ${left} bytes left buffered`)
        return toDecoded(c, sink)
      },
      run(n) {
        for (let i = 0; i < n; i++) framer.push(adu, sink)
      },
    }
  },
}
