/**
 * What the runner adds to a case after it ran: late and duplicate replies its requests caused,
 * stray bytes noted where they arrived; and one note per reason cases were skipped. A duplicate
 * fails a case that passed (one request draws one reply); a late reply fails a case that passed
 * on silence (the device did answer, after the window), and is noted elsewhere — a case that
 * waited for a reply already failed for want of one.
 */
import type { CaseReport, WireNote } from './report.ts'

/** Adds `note` to the case and, for a late or duplicate reply, fails a case that had passed. */
export function amend(c: CaseReport, note: WireNote, waitMs: number, silenceMs: number, passedOnSilence: boolean): void {
  c.wire.push(note)
  if (note.kind === 'stray' || (note.kind === 'late' && c.verdict === 'pass' && !passedOnSilence)) return
  const what =
    note.kind === 'late'
      ? `answered late: a reply ${note.afterMs} ms after the request, past the window (reply ${waitMs} ms, silence ${silenceMs} ms)`
      : `answered twice: a second reply ${note.afterMs} ms after the request`
  if (c.verdict === 'pass') {
    c.verdict = 'fail'
    c.message = what
  } else if (c.verdict === 'fail' || c.verdict === 'skip') c.message = c.message ? `${c.message}; ${what}` : what
}

/** One note per reason cases were skipped: how many, which reason, the first few ids. */
export function noteSkips(cases: readonly CaseReport[]): string[] {
  const byReason = new Map<string, string[]>()
  for (const c of cases) {
    if (c.verdict !== 'skip') continue
    const why = c.message ?? 'no reason given'
    byReason.set(why, [...(byReason.get(why) ?? []), c.id])
  }
  return [...byReason].map(([why, ids]) => `${ids.length} case${ids.length === 1 ? '' : 's'} skipped: ${why} (${ids.slice(0, 3).join(', ')}${ids.length > 3 ? ', …' : ''})`)
}
