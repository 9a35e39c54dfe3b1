/**
 * Report Server ID (11) replies as the runner reads them. §6.13: byte count, a server id whose
 * length the device chooses, the run indicator (0x00 OFF, 0xFF ON), then any additional
 * device-specific data. Nothing in the reply says where the id ends, so the data stays opaque
 * unless the profile gives the id's length; then the run indicator is found and judged.
 */
import { FUNCTION_CODES, hex } from '../../core/index.ts'

/** §6.13: the run indicator's two values. */
const RUN_INDICATOR = { off: 0x00, on: 0xff } as const

/** True when `pdu` is a normal Report Server ID reply. */
export function isServerIdReply(pdu: Buffer): boolean {
  return pdu[0] === FUNCTION_CODES.reportServerId && pdu.length >= 2
}

/** The reply described without guessing where the id ends (or, with `idLength`, split into its parts). */
export function describeServerId(pdu: Buffer, idLength?: number): string {
  const data = pdu.subarray(2)
  if (idLength === undefined || data.length <= idLength) {
    return `reportServerId: byte count ${pdu[1]}, data ${data.toString('hex') || '(none)'} (server id, run indicator and any additional data; §6.13 leaves the id's length to the device)`
  }
  const extra = data.subarray(idLength + 1)
  return `reportServerId: server id ${data.subarray(0, idLength).toString('hex') || '(empty)'}, run indicator ${hex(data[idLength])}${extra.length ? `, additional data ${extra.toString('hex')}` : ''}`
}

/** What is wrong with a Report Server ID reply given the id's length, or null. */
export function serverIdProblem(pdu: Buffer, idLength: number): string | null {
  const data = pdu.subarray(2)
  if (data.length < idLength + 1) return `byte count ${pdu[1]} leaves no room for a run indicator after a ${idLength}-byte server id (§6.13)`
  const run = data[idLength]
  if (run !== RUN_INDICATOR.off && run !== RUN_INDICATOR.on) return `run indicator ${hex(run)} after the ${idLength}-byte server id (§6.13: 0x00 OFF or 0xFF ON)`
  return null
}
