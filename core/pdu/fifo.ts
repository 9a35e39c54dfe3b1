/**
 * 18 Read FIFO Queue (§6.18): up to 31 queued registers, read without being removed.
 */
import { MAX_FIFO_COUNT } from '../limits.ts'
import { checkByteCount, checkRange, checkU16, checkWords, expectAtLeast, expectLength, putU16, readWords, u16, writeWords } from './field-checks.ts'
import { NEED_MORE, type FunctionSpec, type PduCodec } from './registry.ts'
import { openReply } from './semantics.ts'
import type { ReadFifoQueueRequest, RegistersResponse } from './types.ts'

/**
 * Read FIFO Queue request (§6.18):
 *   fc u8 | FIFO pointer address u16
 */
const readFifoQueueRequest: PduCodec<ReadFifoQueueRequest> = {
  size(msg) {
    checkU16(0x18, 'readFifoQueue request', 'address', msg.address)
    return 3
  },
  write(msg, buf, o) {
    buf[o] = 0x18
    return putU16(buf, o + 1, msg.address)
  },
  read(buf, o, end) {
    expectLength(0x18, 'readFifoQueue request', end - o, 3)
    return { function: 'readFifoQueue', address: u16(buf, o + 1) }
  },
  frameLength: () => 3,
}

/**
 * Read FIFO Queue response (§6.18):
 *   fc u8 | byte count u16 = 2 + 2N | FIFO count N u16 (<= 31) | N registers u16
 */
const readFifoQueueResponse: PduCodec<RegistersResponse<'readFifoQueue'>> = {
  size(msg) {
    const what = 'readFifoQueue response'
    checkRange(0x18, what, 'fifoCount', msg.values.length, 0, MAX_FIFO_COUNT, '§6.18')
    checkWords(0x18, what, 'values', msg.values)
    return 5 + 2 * msg.values.length
  },
  write(msg, buf, o) {
    buf[o] = 0x18
    putU16(buf, o + 1, 2 + 2 * msg.values.length)
    putU16(buf, o + 3, msg.values.length)
    return writeWords(buf, o + 5, msg.values)
  },
  read(buf, o, end) {
    const what = 'readFifoQueue response'
    expectAtLeast(0x18, what, end - o, 5)
    const count = u16(buf, o + 1)
    checkByteCount(0x18, what, count, end - o - 3, 'bytes that follow')
    const fifoCount = u16(buf, o + 3)
    checkRange(0x18, what, 'fifoCount', fifoCount, 0, MAX_FIFO_COUNT, '§6.18')
    checkByteCount(0x18, what, count, 2 + 2 * fifoCount, `2 + 2 × FIFO count ${fifoCount}`)
    return { function: 'readFifoQueue', values: readWords(buf, o + 5, fifoCount) }
  },
  frameLength: (buf, o, end) => (end - o >= 3 ? 3 + u16(buf, o + 1) : NEED_MORE),
}

/** Spec for 18. */
export const FIFO_FUNCTIONS: FunctionSpec[] = [
  {
    code: 0x18,
    name: 'readFifoQueue',
    family: 'fifo',
    request: readFifoQueueRequest,
    response: readFifoQueueResponse,
    semantics: {
      effect: 'read',
      broadcast: false,
      reply: () => openReply(),
      access: (r: ReadFifoQueueRequest) => [{ table: 'fifo', address: r.address, quantity: 1, write: false }],
    },
    examples: () => [
      { request: { function: 'readFifoQueue', address: 0x12 }, response: { function: 'readFifoQueue', values: [1, 1, 1, 1, 1, 1, 1, 1] } },
    ],
  },
]
