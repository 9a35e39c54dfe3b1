/**
 * A user function code registered once: 0x41 readCounter (a user-defined code, §5.1 range 65-72).
 *   request:  fc u8 | counter u16
 *   response: fc u8 | counter u16 | value u32
 * Its semantics — a read, never broadcast, a reply of 7 bytes echoing fc and counter — are all the
 * gateway, the clients, the server and the conformance runner need to handle it.
 */
import { defaultRegistry, PduError, type FunctionSpec, type Message, type PduCodec } from '../../core/index.ts'

/** The decoded request and response. */
export interface ReadCounter extends Message {
  function: 'readCounter'
  counter: number
  value?: number
}

const FC = 0x41

function codec(side: 'request' | 'response'): PduCodec<ReadCounter> {
  const size = side === 'request' ? 3 : 7
  return {
    size: () => size,
    write(msg, buf, o) {
      buf[o] = FC
      buf.writeUInt16BE(msg.counter, o + 1)
      if (side === 'response') buf.writeUInt32BE(msg.value ?? 0, o + 3)
      return o + size
    },
    read(buf, o, end) {
      if (end - o !== size) throw new PduError('MB_ERR_LENGTH', `readCounter ${side} of ${end - o} bytes, expected ${size}`, { functionCode: FC, field: 'length', value: end - o })
      const counter = buf.readUInt16BE(o + 1)
      return side === 'request' ? { function: 'readCounter', counter } : { function: 'readCounter', counter, value: buf.readUInt32BE(o + 3) }
    },
    frameLength: () => size,
  }
}

/** The spec, registered once. */
export const READ_COUNTER: FunctionSpec<ReadCounter, ReadCounter> = {
  code: FC,
  name: 'readCounter',
  family: 'user',
  request: codec('request'),
  response: codec('response'),
  semantics: { effect: 'read', broadcast: false, reply: () => ({ length: 7, echo: 3 }) },
}

/** The default registry plus readCounter. */
export const withReadCounter = () => defaultRegistry.clone().register(READ_COUNTER)
