/**
 * Judges a normal reply against its request. What a correct reply is — its length, the bytes it
 * echoes, a body that decodes, zero padding of coil bytes, one file sub-response per sub-request —
 * is the registry's to say (registry.checkReply, strict); the runner adds only that an exception
 * is not the normal reply it expected.
 */
import { defaultRegistry, EXCEPTION_FLAG, exceptionName, hex, type Registry } from '../../core/index.ts'

/** Null when `replyPdu` is a correct normal reply to `requestPdu`, else what is wrong with it. */
export function checkReply(requestPdu: Buffer, replyPdu: Buffer, registry: Registry = defaultRegistry): string | null {
  if (replyPdu.length === 2 && replyPdu[0] === (requestPdu[0] | EXCEPTION_FLAG)) {
    return `exception ${hex(replyPdu[1])} (${exceptionName(replyPdu[1])}) where a normal reply was expected`
  }
  return registry.checkReply(requestPdu, replyPdu, true)
}
