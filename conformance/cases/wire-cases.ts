/**
 * Run-level cases judged on everything the device sent during the run, not on one exchange. A
 * server sends only to answer a request (SL §2.1: a slave never transmits without a request from
 * the master; MB Application Protocol §4.1: the server answers the client's request). Whole frames
 * that answer no request the runner sent are unsolicited; bytes that form no frame are reported
 * with the case they arrived in (a garbled reply), not here.
 */
import type { WireNote } from '../report.ts'
import { outcome, type CaseDefinition } from './case.ts'

/** What a wire case reads: every stray frame of the run so far, with the case it arrived in. */
export interface WireLog {
  strays(): readonly (WireNote & { caseId: string })[]
}

/** The cases judged on the run's wire log. */
export function wireCases(log: WireLog): CaseDefinition[] {
  return [
    {
      id: 'wire.no-unsolicited-frames',
      title: 'the device sends no frame that answers no request',
      spec: 'SL §2.1; MB Application Protocol §4.1',
      severity: 'must',
      level: 'interop',
      category: 'framing',
      functionCode: null,
      async run() {
        const frames = log.strays().filter((s) => s.frame)
        const expected = 'no frame but replies to the requests sent'
        if (frames.length === 0) return outcome('pass', null, expected, null, null)
        const first = frames[0]
        const result = outcome('fail', null, expected, null, `${frames.length} unsolicited frame${frames.length === 1 ? '' : 's'}; the first while ${first.caseId} ran: ${first.why}`)
        result.actual = { hex: first.hex, description: `${first.why} (while ${first.caseId} ran)` }
        return result
      },
    },
  ]
}
