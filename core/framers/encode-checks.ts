/**
 * Argument checks for ADU encoding, shared by the four framers.
 */
import { ArgumentError } from '../errors.ts'
import { MAX_PDU } from '../limits.ts'

/** Throws ArgumentError unless unit is 0..255, tid 0..65535 and the PDU 1..253 bytes. */
export function checkAduArgs(kind: string, unit: number, pduSize: number, tid = 0): void {
  if (!(unit >= 0 && unit <= 0xff && Number.isInteger(unit))) throw new ArgumentError(`${kind} framer: unit ${unit} is outside 0..255`)
  if (!(tid >= 0 && tid <= 0xffff && Number.isInteger(tid))) throw new ArgumentError(`${kind} framer: transaction id ${tid} is outside 0..65535`)
  if (pduSize < 1 || pduSize > MAX_PDU) throw new ArgumentError(`${kind} framer: PDU of ${pduSize} bytes is outside 1..${MAX_PDU} (§4.1)`)
}

/** A PduWriter that copies an already-encoded PDU. */
export function copyWriter(pdu: Buffer): { size: number; write(buf: Buffer, offset: number): number } {
  return {
    size: pdu.length,
    write(buf, o) {
      return o + pdu.copy(buf, o)
    },
  }
}
