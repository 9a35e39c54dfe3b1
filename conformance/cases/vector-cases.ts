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
import type { Message } from '../../core/index.ts'
import { hexBytes, type PduVector } from '../vectors.ts'
import { expectationFor } from './access.ts'
import { expectException, outcome, send, type CaseDefinition } from './case.ts'
import { checkReply } from './reply-check.ts'


/** Vectors the runner must not replay: they would change the device's mode or cannot be framed. */
const FORCE_LISTEN_ONLY = 0x0004
const CHANGE_ASCII_DELIMITER = 0x0003
/** 08/03 data restoring the default delimiter, LF (SL §2.5.2.1). */
const LF_DELIMITER = 0x0a00

function subFunction(m: Message): number | undefined {
  return m.function === 'diagnostics' ? (m as unknown as { subFunction: number }).subFunction : undefined
}

/** Conformance cases for the request vectors. */
export function vectorCases(vectors: PduVector[]): CaseDefinition[] {
  const out: CaseDefinition[] = []
  for (const v of vectors) {
    if (v.direction !== 'request') continue
    const pdu = hexBytes(v.hex)
    const fc = pdu[0]
    if (pdu.length === 0 || pdu.length > 253) continue
    if (v.fields) {
      const request = v.fields as unknown as Message
      // Listen-only is exercised by its own scenario (it silences the device until a restart).
      if (subFunction(request) === FORCE_LISTEN_ONLY) continue
      const delimiter = subFunction(request) === CHANGE_ASCII_DELIMITER
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
          const want = expectationFor(ctx.profile, fc, request)
          const { adu, exchange } = await send(ctx, pdu)
          if (want.kind === 'exception') return expectException(adu, exchange, fc, want.codes, want.why)
          if (delimiter) await send(ctx, Buffer.from([0x08, 0x00, CHANGE_ASCII_DELIMITER, LF_DELIMITER >> 8, LF_DELIMITER & 0xff]))
          const expected = `a normal ${v.function} reply`
          if (!exchange.reply) return outcome('fail', adu, expected, exchange, exchange.framingErrors.length ? `no valid reply (${exchange.framingErrors[0]})` : 'no reply')
          const wrong = checkReply(request, pdu, exchange.reply.pdu)
          return outcome(wrong ? 'fail' : 'pass', adu, expected, exchange, wrong)
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
          if (serialUnframeable && !exchange.reply) {
            return outcome('pass', adu, 'exception 03, or silence: on a serial line the device cannot frame this request as sent', exchange, null)
          }
          if (serialUnframeable && exchange.reply && exchange.reply.pdu[0] === fc) {
            return outcome('skip', adu, 'exception 03, or silence', exchange, 'the bytes the device framed by length formed a valid request, which it answered')
          }
          if (unknownFunction || !ctx.profile.functions.includes(fc)) {
            return expectException(adu, exchange, fc, [0x01], unknownFunction ? 'the function code is not assigned' : 'the function is not claimed')
          }
          return expectException(adu, exchange, fc, addressSpan ? [0x02] : [0x03], addressSpan ? 'address + quantity passes 0x10000 (§4.4)' : `${v.error} in field ${v.field ?? '?'}`)
        },
      })
    }
  }
  return out
}

/** Function codes no public function uses (§5): a device must answer each with exception 01. */
export const UNASSIGNED_FUNCTION_CODES = [0x09, 0x0a, 0x0d, 0x0e, 0x12, 0x13, 0x19, 0x1a, 0x41, 0x64, 0x7f] as const

/** Unassigned function codes → 01. */
export function unassignedCases(): CaseDefinition[] {
  return UNASSIGNED_FUNCTION_CODES.map((fc) => ({
    id: `function.unassigned-${fc.toString(16).padStart(2, '0')}`,
    title: `unassigned function code ${fc} is answered with exception 01`,
    spec: '§7 (01), §5.1',
    severity: 'must' as const,
    level: 'interop' as const,
    category: 'exception' as const,
    functionCode: fc,
    async run(ctx) {
      const { adu, exchange } = await send(ctx, Buffer.from([fc, 0x00, 0x00, 0x00, 0x01]))
      return expectException(adu, exchange, fc, [0x01], 'no such function')
    },
  }))
}

