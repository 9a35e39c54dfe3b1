/**
 * Cases from the golden vectors: every request vector is sent to the device.
 * - A well-formed request must be answered normally when the profile says the device has what it
 *   asks for, with exception 02 when the address is outside the map, 01 when the function (or
 *   diagnostics sub-function) is not claimed.
 * - A malformed request (quantity 0 or past its limit, byte count mismatch, bad coil value) must draw
 *   exception 03 (§7), or 02 for an address span past 0x10000; 01 when the function is not claimed.
 *   On a serial line a request whose length is wrong cannot be framed by the device: silence is
 *   acceptable there.
 */
import { defaultRegistry, encodeRequest, EXCEPTION_CODES, FUNCTION_CODES, MAX_PDU, type Registry } from '../../core/index.ts'
import { hexBytes, type PduVector } from '../../vectors/loader.ts'
import { expectationFor, unsupported } from './access.ts'
import { expectBytes, expectException, missingReply, outcome, send, type CaseDefinition, type Expected } from './case.ts'
import { checkReply } from './reply-check.ts'
import { describeServerId, isServerIdReply, serverIdProblem } from './server-id.ts'
import { SUB_FUNCTIONS } from './sub-functions.ts'

/** 08/03 data restoring the default delimiter, LF (SL §2.5.2.1): the character in the high byte. */
const LF_DELIMITER = 0x0a00

/** The 08/03 request that puts the default delimiter back. */
const RESTORE_LF = encodeRequest({ function: 'diagnostics', subFunction: SUB_FUNCTIONS.changeAsciiInputDelimiter, data: [LF_DELIMITER] })

/**
 * The normal reply to `pdu` when the request alone determines every byte of it: the reply rule's
 * length is all echo (05, 06, 0F, 10, 15, 16, most 08 sub-functions).
 */
export function determinedReply(pdu: Buffer, registry: Registry): Buffer | null {
  const rule = registry.facts(pdu).reply
  return !rule.none && rule.length !== undefined && rule.echo >= rule.length && rule.length <= pdu.length ? pdu.subarray(0, rule.length) : null
}

/** Conformance cases for the request vectors; `registry` tells what each request is. */
export function vectorCases(vectors: PduVector[], registry: Registry = defaultRegistry): CaseDefinition[] {
  const out: CaseDefinition[] = []
  for (const v of vectors) {
    if (v.direction !== 'request') continue
    const pdu = hexBytes(v.hex)
    const fc = pdu[0]
    if (pdu.length === 0 || pdu.length > MAX_PDU) continue
    const diagnostic = fc === FUNCTION_CODES.diagnostics ? registry.facts(pdu).subFunction : undefined
    if (v.fields) {
      const request = v.fields
      // Listen-only is exercised by its own scenario (it silences the device until a restart).
      if (diagnostic === SUB_FUNCTIONS.forceListenOnlyMode) continue
      const delimiter = diagnostic === SUB_FUNCTIONS.changeAsciiInputDelimiter
      out.push({
        id: `vector.${v.id}`,
        title: `${v.function}: ${v.id} is answered as the profile says`,
        spec: v.spec,
        severity: 'must',
        level: 'interop',
        category: 'positive',
        functionCode: fc,
        async run(ctx) {
          // A new ASCII delimiter would end every later frame differently: not replayed on ASCII
          // lines, and restored to LF afterwards elsewhere.
          if (delimiter && ctx.target.framer === 'ascii') return outcome('skip', null, 'not replayed on an ASCII line', null, 'changing the delimiter would cut the runner off')
          const want = expectationFor(ctx.profile, pdu, request, ctx.registry)
          const { adu, exchange } = await send(ctx, pdu)
          if (want.kind === 'exception') return expectException(ctx, adu, exchange, fc, want.codes, want.why, ctx.registry)
          if (delimiter) await send(ctx, RESTORE_LF)
          const words = `a normal ${v.function} reply`
          const echo = determinedReply(pdu, ctx.registry)
          const expected: Expected = echo ? expectBytes(ctx, exchange, echo, `${words}: the request echoed`) : words
          const missing = missingReply(exchange)
          if (missing) return outcome('fail', adu, expected, exchange, missing)
          const reply = exchange.reply!.pdu
          const idLength = ctx.profile.serverIdLength
          const wrong = checkReply(pdu, reply, ctx.registry) ?? (idLength !== undefined && isServerIdReply(reply) ? serverIdProblem(reply, idLength) : null)
          const result = outcome(wrong ? 'fail' : 'pass', adu, expected, exchange, wrong, ctx.registry)
          if (idLength !== undefined && isServerIdReply(reply)) result.actual.description = describeServerId(reply, idLength)
          return result
        },
      })
    } else if (v.error) {
      const lengthError = v.error === 'MB_ERR_LENGTH' || v.error === 'MB_ERR_TRUNCATED'
      // On a serial line the device finds a frame's end from its length or byte count; a request
      // whose length or byte count is wrong (or whose function code 0 tells no length) cannot be framed
      // as sent, so silence is an acceptable answer there.
      const unframeable = lengthError || v.error === 'MB_ERR_BYTE_COUNT' || fc === 0
      const unknownFunction = v.error === 'MB_ERR_UNKNOWN_FUNCTION'
      const addressSpan = v.error === 'MB_ERR_RANGE' && /address$/i.test(v.field ?? '')
      out.push({
        id: `vector.${v.id}`,
        title: `${v.function}: malformed request ${v.id} is refused`,
        spec: unknownFunction ? '§7 (01)' : `${v.spec}, §7`,
        severity: lengthError ? 'should' : 'must',
        level: 'interop',
        category: 'negative',
        functionCode: fc,
        async run(ctx) {
          const serialUnframeable = unframeable && ctx.target.serial
          const { adu, exchange } = await send(ctx, pdu, { waitMs: serialUnframeable ? ctx.silenceMs : ctx.waitMs })
          if (serialUnframeable && !exchange.reply && exchange.bytesReceived === 0) {
            return outcome('pass', adu, 'exception 03, or silence: on a serial line the device cannot frame this request as sent', exchange, null)
          }
          if (serialUnframeable && exchange.reply && exchange.reply.pdu[0] === fc) {
            return outcome('skip', adu, 'exception 03, or silence', exchange, 'the bytes the device framed by length formed a valid request, which it answered')
          }
          // §7 and the state diagrams: support (function, then sub-function or MEI type) before
          // data values (03), data values before addresses (02).
          if (unknownFunction) return expectException(ctx, adu, exchange, fc, [EXCEPTION_CODES.illegalFunction], 'the function code is not assigned')
          const support = unsupported(ctx.profile, pdu, ctx.registry)
          if (support?.kind === 'exception') return expectException(ctx, adu, exchange, fc, support.codes, support.why)
          const [code, why] = addressSpan
            ? [EXCEPTION_CODES.illegalDataAddress, 'address + quantity passes 0x10000 (§4.4)']
            : [EXCEPTION_CODES.illegalDataValue, `${v.error} in field ${v.field ?? '?'}`]
          return expectException(ctx, adu, exchange, fc, [code], why)
        },
      })
    }
  }
  return out
}
