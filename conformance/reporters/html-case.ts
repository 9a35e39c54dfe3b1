/**
 * One case as the HTML report explains it: the failure block (expected and actual bytes side by
 * side with each differing byte marked, both sides decoded, the request sent, the spec sections
 * with their text summarised and linked), wire notes, id mismatches and spec links.
 */
import type { CaseReport, WireNote } from '../report.ts'
import { html } from './escape.ts'
import { formatMs, levelScope } from './format.ts'
import { decodeAdu, type Decoded, type Direction } from './frame-decode.ts'
import { diffHex, type HexByte, type HexDiff } from './hex-diff.ts'
import { SPEC_DOCUMENTS, parseSpecReferences, specHref, type SpecReference } from './spec-sections.ts'

/** What a case block needs to know about the run. */
export interface CaseContext {
  /** The run's framing (report.target.framer), to decode the bytes. */
  framer: string
  /** The element id of each case. */
  anchor: string
  /** Late and duplicate replies other cases caused that arrived while this one ran. */
  arrivals?: Arrival[]
}

/** A late or duplicate reply shown where it arrived: the note, and the case whose request caused it. */
export interface Arrival {
  note: WireNote
  causedBy: CaseReport
  /** The element id of the case that caused it. */
  anchor: string
}

/** The legend of the byte marks, shown once above the failures. */
export const BYTE_LEGEND =
  '<p class="legend" id="legend">Bytes: <code class="hex"><span class="b">01</span></code> same on both sides · ' +
  '<code class="hex"><mark class="b differs">02</mark></code> differs from the other side · ' +
  '<code class="hex"><mark class="b extra">0b</mark></code> only on this side (the other is shorter) · ' +
  '<code class="hex"><span class="b missing">··</span></code> missing here (the other side has a byte there).</p>'

/** One failed (or errored) case as a block that prints whole. */
export function failureBlock(c: CaseReport, ctx: CaseContext): string {
  const kind = c.verdict === 'error' ? 'case-error' : 'failure'
  const diff = diffHex(c.expected.hex, c.actual.hex)
  const badge = c.verdict === 'error' ? ' <span class="badge error">error: not judged</span>' : ''
  const meta = [c.category, levelScope(c.level), `response ${c.responseMs === null ? 'not timed (no reply)' : formatMs(c.responseMs)}`]
  return `<article class="${kind} sev-${c.severity}" id="${ctx.anchor}" data-verdict="${c.verdict}">
<header><span class="badge sev-${c.severity}">${c.severity}</span>${badge} <h4>${html(c.title)}</h4> <code class="id">${html(c.id)}</code></header>
<p class="meta">${meta.map(html).join(' · ')}</p>
${c.message === null ? '' : `<p class="message">${html(c.message)}</p>`}
${requestPart(c, ctx.framer)}
<div class="compare">
${sidePart('Expected', 'expected', diff.expected, diff.actual, c.expected.description, decodeSide(c.expected.hex, ctx.framer, c.request))}
${sidePart('Actual', 'actual', diff.actual, diff.expected, c.actual.description, decodeSide(c.actual.hex, ctx.framer, c.request))}
</div>
${differenceNote(diff)}${idsNote(c)}${wireNotes(c, ctx.framer, ctx.arrivals)}${specPart(c.spec)}
</article>`
}

function requestPart(c: CaseReport, framer: string): string {
  if (c.request === null) return '<p class="request muted">No request was sent.</p>'
  return `<div class="request"><h5>Request sent</h5>${plainHex(c.request)}${decodedLine(decodeSide(c.request, framer, null, 'request'))}</div>`
}

function sidePart(title: string, cls: string, mine: HexByte[] | null, other: HexByte[] | null, description: string, decoded: Decoded | null): string {
  return `<div class="side ${cls}"><h5>${title}</h5>${markedHex(mine, other)}` +
    `${description ? `<p class="desc">${html(description)}</p>` : ''}${decodedLine(decoded)}</div>`
}

function decodeSide(hexText: string | null, framer: string, request: string | null, direction: Direction = 'response'): Decoded | null {
  return hexText === null || hexText.trim() === '' ? null : decodeAdu(hexText, framer, direction, request)
}

/** "decodes as …" (with unit and transaction id), "does not decode: …", or nothing when there are no bytes. */
export function decodedLine(d: Decoded | null): string {
  if (d === null) return ''
  if (!d.ok) return `<p class="decoded bad">does not decode: ${html(d.reason)}</p>`
  const ids = `unit ${d.unit}${d.tid === null ? '' : `, transaction ${d.tid}`}`
  return `<p class="decoded">decodes as <span class="msg">${html(d.text)}</span> <span class="muted">(${ids})</span></p>`
}

/**
 * Hex bytes each in its own element, so long frames wrap between bytes and never inside one.
 * Bytes that differ from `other` at the same offset, and bytes past its end, are marked; when
 * `other` is longer, a placeholder marks each byte missing here. "no bytes" when there are none.
 */
export function markedHex(bytes: HexByte[] | null, other: HexByte[] | null = null): string {
  if (!bytes || bytes.length === 0) return '<code class="hex nobytes">no bytes</code>'
  const cells = bytes.map((b, i) => {
    if (b.mark === 'same') return `<span class="b">${html(b.text)}</span>`
    const theirs = b.mark === 'extra' ? 'nothing' : html(other?.[i]?.text ?? '?')
    return `<mark class="b ${b.mark}" title="byte ${i}: ${theirs} on the other side">${html(b.text)}</mark>`
  })
  const missing = other && other.length > bytes.length ? other.length - bytes.length : 0
  for (let i = 0; i < missing; i++) cells.push(`<span class="b missing" title="byte ${bytes.length + i}: missing">··</span>`)
  return `<code class="hex">${cells.join(' ')}</code>`
}

/** Unmarked hex, one element per byte (wraps between bytes). */
export function plainHex(hexText: string): string {
  const tokens = hexText.trim().split(/\s+/).filter(Boolean)
  if (tokens.length === 0) return '<code class="hex nobytes">no bytes</code>'
  return `<code class="hex">${tokens.map((t) => `<span class="b">${html(t)}</span>`).join(' ')}</code>`
}

function differenceNote(diff: HexDiff): string {
  if (diff.firstDifference === null) return ''
  const parts = [`First difference at byte ${diff.firstDifference} (counting from 0).`]
  if (diff.lengthDelta !== 0) {
    const n = Math.abs(diff.lengthDelta)
    parts.push(`Actual is ${n} byte${n === 1 ? '' : 's'} ${diff.lengthDelta > 0 ? 'longer' : 'shorter'} than expected.`)
  }
  return `<p class="note">${parts.join(' ')}</p>\n`
}

/** Ids of the reply that differ from the request's, each marked. */
export function idsNote(c: CaseReport): string {
  if (c.ids.length === 0) return ''
  const items = c.ids.map((m) => `<li>${html(m.field)}: sent <code>${html(hexWord(m.sent))}</code>, received <mark>${html(hexWord(m.received))}</mark></li>`)
  return `<div class="ids"><h5>Ids that differ from the request’s</h5><ul>${items.join('')}</ul></div>\n`
}

function hexWord(n: number): string {
  return '0x' + n.toString(16).toUpperCase().padStart(n > 0xff ? 4 : 2, '0')
}

const WIRE_WORDS: Record<WireNote['kind'], string> = {
  late: 'the reply to this case’s request, after its window',
  duplicate: 'a second reply to this case’s request',
  stray: 'arrived while this case ran and answers nothing sent',
}

/**
 * Late, duplicate and stray bytes the case saw or caused: kind, when (ms after the request), the
 * bytes, what they decode to and why they are not the reply.
 */
export function wireNotes(c: CaseReport, framer: string, arrivals: readonly Arrival[] = []): string {
  const count = c.wire.length + arrivals.length
  if (count === 0) return ''
  const items = c.wire.map((w) => {
    const when = (w.afterMs === null ? '' : ` · ${html(formatMs(w.afterMs))} after the request`) + (w.arrivedIn ? ` · arrived while <code>${html(w.arrivedIn)}</code> ran` : '')
    return wireItem(w, `${html(WIRE_WORDS[w.kind] ?? w.kind)}${when}`, framer, c.request)
  })
  for (const a of arrivals) {
    const when = a.note.afterMs === null ? '' : `, ${html(formatMs(a.note.afterMs))} after it`
    const what = `arrived while this case ran: ${a.note.kind === 'late' ? 'the late reply' : 'a second reply'} to the request of <a href="#${html(a.anchor)}"><code>${html(a.causedBy.id)}</code></a>${when}`
    items.push(wireItem(a.note, what, framer, a.causedBy.request))
  }
  return `<div class="wire"><h5>Frames outside the exchange (${count})</h5><ul>${items.join('')}</ul></div>\n`
}

function wireItem(w: WireNote, what: string, framer: string, request: string | null): string {
  const decoded = w.frame ? decodedLine(decodeSide(w.hex, framer, request)) : '<p class="decoded bad">not a frame: bytes that form none</p>'
  return `<li class="wire-${w.kind}"><span class="badge wire">${html(w.kind)}</span> <span class="muted">${what}</span>${plainHex(w.hex)}${decoded}<p class="why">${html(w.why)}</p></li>`
}

/** The case's spec text, each cited section linked to its page, with its title and what it requires. */
export function specPart(spec: string): string {
  const refs = parseSpecReferences(spec)
  const items = refs.map((r) => `<li>${specLink(r)}${r.entry ? ` <span class="spec-summary">${html(r.entry.summary)}</span>` : ''}</li>`)
  return `<div class="spec"><h5>Spec: ${html(spec)}</h5>${items.length ? `<ul>${items.join('')}</ul>` : ''}</div>`
}

/** A link to a cited section: document, section and title, to the page it starts on. */
export function specLink(r: SpecReference): string {
  const doc = SPEC_DOCUMENTS[r.document]
  if (!r.entry) return `<a href="${html(doc.url)}" rel="noreferrer">${html(`${doc.short} §${r.section}`)}</a>`
  return `<a href="${html(specHref(r.entry))}" rel="noreferrer">${html(`${doc.short} §${r.section} ${r.entry.title}`)}</a> <span class="muted">p. ${r.entry.textIn?.page ?? r.entry.page}</span>`
}

/** The spec text with each cited section as a short link (for the case lists). */
export function specLinks(spec: string): string {
  const refs = parseSpecReferences(spec)
  if (refs.length === 0) return html(spec)
  return refs
    .map((r) => {
      const href = r.entry ? specHref(r.entry) : SPEC_DOCUMENTS[r.document].url
      const label = `${r.document === 'application' ? '' : r.document === 'serial' ? 'SL ' : 'TCP '}§${r.section}`
      return `<a href="${html(href)}" rel="noreferrer" title="${html(r.entry ? `${SPEC_DOCUMENTS[r.document].short}: ${r.entry.title}` : SPEC_DOCUMENTS[r.document].title)}">${html(label)}</a>`
    })
    .join(', ')
}
