/**
 * Requests no device can take, refused before they reach a bus (the gateway's router, and `serve`'s
 * remote units, which forward on the same buses):
 * - function code 0 or 128–255: requests use 1–127; 0 is none and 128–255 are how exceptions are
 *   told (spec §4.1), so no device can answer — 01 at once rather than a timeout;
 * - a known function whose length or byte count disagrees with the bytes sent: a device on a serial
 *   line frames by the count and would swallow the next request — 03, never forwarded.
 * Unknown codes in 1–127 pass: they are forwarded at frame level.
 */
import { EXCEPTION_CODES, hex, type Registry } from '../core/index.ts'

/** Why `pdu` must not be forwarded, with the exception to answer, or undefined when it may be. */
export function unforwardable(registry: Registry, pdu: Buffer): { exception: number; reason: string } | undefined {
  if (pdu.length === 0 || pdu[0] === 0 || pdu[0] >= 0x80) {
    return { exception: EXCEPTION_CODES.illegalFunction, reason: `function code ${hex(pdu[0] ?? 0)} is not a request function code (1–127)` }
  }
  const spec = registry.get(pdu[0])
  const frame = spec ? spec.request.frameLength(pdu, 0, pdu.length) : -1
  if (frame > 0 && frame !== pdu.length) {
    return { exception: EXCEPTION_CODES.illegalDataValue, reason: `${registry.nameOf(pdu[0])} request of ${pdu.length} bytes says it is ${frame} bytes long` }
  }
  return undefined
}
