/**
 * Judges a normal reply against its request: it must decode, answer the same function, and carry
 * what the request asked for — the quantity read, the echo of a write, zero padding of coil bytes.
 */
import { decodeResponse, packedSize, PduError, type Message } from '../../core/index.ts'

/** Null when the reply answers the request correctly, else what is wrong. */
export function checkReply(request: Message, requestPdu: Buffer, replyPdu: Buffer): string | null {
  if (replyPdu[0] & 0x80) return `exception ${replyPdu[1]} where a normal reply was expected`
  if (replyPdu[0] !== requestPdu[0]) return `reply function ${replyPdu[0]} to a request with function ${requestPdu[0]}`
  let reply: Message
  try {
    reply = decodeResponse(replyPdu)
  } catch (err) {
    return err instanceof PduError ? `malformed reply: ${err.message}` : String(err)
  }
  const q = request as unknown as Record<string, any>
  const r = reply as unknown as Record<string, any>
  switch (request.function) {
    case 'readCoils':
    case 'readDiscreteInputs': {
      const bytes = packedSize(q.quantity)
      if (r.values.length !== bytes * 8) return `byte count ${r.values.length / 8} for ${q.quantity} bits (§6.1: ${bytes})`
      if (r.values.slice(q.quantity).some(Boolean)) return `padding bits of the last byte are not zero (§6.1)`
      return null
    }
    case 'readHoldingRegisters':
    case 'readInputRegisters':
      return r.values.length === q.quantity ? null : `${r.values.length} registers for a request of ${q.quantity}`
    case 'readWriteMultipleRegisters':
      return r.values.length === q.readQuantity ? null : `${r.values.length} registers for a read quantity of ${q.readQuantity}`
    case 'writeSingleCoil':
    case 'writeSingleRegister':
    case 'maskWriteRegister':
    case 'writeFileRecord':
      return replyPdu.equals(requestPdu) ? null : 'the reply is not an echo of the request'
    case 'writeMultipleCoils':
    case 'writeMultipleRegisters':
      return r.address === q.address && r.quantity === q.values.length ? null : `reply names address ${r.address} quantity ${r.quantity}, request ${q.address} / ${q.values.length}`
    case 'readFileRecord':
      if (r.records.length !== q.records.length) return `${r.records.length} sub-responses for ${q.records.length} sub-requests`
      for (let i = 0; i < q.records.length; i++) if (r.records[i].values.length !== q.records[i].length) return `sub-response ${i} holds ${r.records[i].values.length} registers, asked ${q.records[i].length}`
      return null
    case 'diagnostics':
      if (r.subFunction !== q.subFunction) return `sub-function ${r.subFunction} answered for ${q.subFunction}`
      if (q.subFunction === 0 && !replyPdu.equals(requestPdu)) return 'return query data did not echo the data'
      return null
    case 'readDeviceIdentification':
      return r.readCode === q.readCode ? null : `read device id code ${r.readCode} answered for ${q.readCode}`
    default:
      return null
  }
}
