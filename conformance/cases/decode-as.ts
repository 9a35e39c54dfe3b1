/**
 * Typed decoding of a reply the runner expects to be one particular function's normal reply.
 */
import { decodeResponse, defaultRegistry, isException, type Message, type ModbusResponse, type Registry } from '../../core/index.ts'

/** A built-in function that has a normal response. */
export type ResponseName = ModbusResponse['function']

/** The normal response type of a built-in function. */
export type ResponseOf<N extends ResponseName> = Extract<ModbusResponse, { function: N }>

function isResponseOf<N extends ResponseName>(m: Message, name: N): m is ResponseOf<N> {
  return !isException(m) && m.function === name
}

/**
 * Decodes `pdu` as a normal `name` reply: null when it is another function's reply or an
 * exception. Throws PduError when the PDU is that function's but malformed.
 */
export function decodeAs<N extends ResponseName>(name: N, pdu: Buffer, registry: Registry = defaultRegistry): ResponseOf<N> | null {
  const m = decodeResponse(pdu, 0, pdu.length, registry)
  return isResponseOf(m, name) ? m : null
}

/** Like decodeAs, but null for a malformed PDU too. */
export function tryDecodeAs<N extends ResponseName>(name: N, pdu: Buffer | null | undefined, registry: Registry = defaultRegistry): ResponseOf<N> | null {
  if (!pdu) return null
  try {
    return decodeAs(name, pdu, registry)
  } catch {
    return null
  }
}
