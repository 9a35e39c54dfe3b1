// The frame list: the page keeps the last frames it was sent (by sequence number, so a frame sent
// twice is kept once), filters them by unit, bus, function code and exceptions, and shows the
// newest matches.
import { clock, code, fixed, spacedHex } from './format.js'

/** Frames the page keeps to filter from; the gateway keeps fewer, so filters reach further back here. */
export const KEEP = 500
/** Matching frames shown. */
export const SHOW = 50
/** Longer hex is folded behind its first bytes. */
const FOLD_BYTES = 24

function cell(text, cls, label) {
  const td = document.createElement('td')
  td.textContent = text
  if (cls) td.className = cls
  if (label) td.dataset.label = label
  return td
}

function describe(m) {
  if (!m) return ''
  if (m.error) return `error: ${m.error}`
  const { function: fn, ...rest } = m
  const text = JSON.stringify(rest)
  return `${fn} ${text.length > 80 ? text.slice(0, 77) + '…' : text}`
}

/** A hex cell: spaced bytes; a long frame shows its first bytes and unfolds on a click. */
function hexCell(hex, cls, label) {
  const td = cell('', `hex ${cls}`, label)
  if (hex === null) {
    td.textContent = '–'
    return td
  }
  const spaced = spacedHex(hex)
  const bytes = hex.length / 2
  if (bytes <= FOLD_BYTES) {
    td.textContent = spaced
    return td
  }
  const details = document.createElement('details')
  const summary = document.createElement('summary')
  summary.textContent = `${spaced.slice(0, 16 * 3 - 1)} … (${bytes} bytes)`
  const full = document.createElement('span')
  full.textContent = spaced
  details.append(summary, full)
  td.append(details)
  return td
}

function row(f) {
  const tr = document.createElement('tr')
  tr.dataset.seq = f.seq
  tr.dataset.unit = f.unit
  tr.dataset.bus = f.bus ?? ''
  tr.dataset.fc = f.functionCode
  if (f.exception !== null) tr.className = 'exception'
  const name = f.requestDecoded && !f.requestDecoded.error ? f.requestDecoded.function : ''
  const outcome =
    f.exception !== null
      ? `exception ${code(f.exception)}${f.reason ? ` (${f.reason})` : ''}`
      : f.reply === null
        ? `no reply${f.reason ? ` (${f.reason})` : ''}`
        : `${describe(f.requestDecoded)} → ${describe(f.replyDecoded)}`
  tr.append(
    cell(clock(f.time), 'time', 'time'),
    cell(f.bus ?? '–', 'bus', 'bus'),
    cell(f.unit, 'num unit', 'unit'),
    cell(`${code(f.functionCode)} ${name}`.trim(), 'fc', 'function'),
    hexCell(f.request, 'request', 'request'),
    hexCell(f.reply, 'reply', 'reply'),
    cell(outcome, 'decoded', 'decoded'),
    cell(fixed(f.latencyMs, 2), 'num ms', 'ms'),
  )
  return tr
}

export class FrameList {
  constructor(tbody, form, summary) {
    this.tbody = tbody
    this.form = form
    this.summary = summary
    /** Newest first. */
    this.frames = []
    this.newest = 0
    /** Frames the gateway had but the page never got (more traffic per message than the gateway keeps). */
    this.missed = 0
    this.unitsSeen = new Set()
    this.busesSeen = new Set()
    this.codesSeen = new Set()
    this.shown = 0
    this.frozen = undefined
  }

  /** Keeps showing (and filtering) the frames held now, while new ones are still collected. */
  freeze() {
    this.frozen = this.frames.slice()
  }

  thaw() {
    this.frozen = undefined
  }

  /** Forgets everything (the gateway restarted: its sequence numbers start again). */
  clear() {
    this.frames = []
    this.newest = 0
    this.missed = 0
  }

  /** Adds frames (newest first, possibly some already held); returns how many were new. */
  add(frames) {
    const fresh = frames.filter((f) => f.seq > this.newest)
    if (fresh.length === 0) return 0
    const oldestFresh = fresh[fresh.length - 1].seq
    if (this.newest > 0 && oldestFresh > this.newest + 1) this.missed += oldestFresh - this.newest - 1
    this.newest = fresh[0].seq
    this.frames.unshift(...fresh)
    if (this.frames.length > KEEP) this.frames.length = KEEP
    for (const f of fresh) {
      this.unitsSeen.add(f.unit)
      if (f.bus !== null) this.busesSeen.add(f.bus)
      this.codesSeen.add(f.functionCode)
    }
    return fresh.length
  }

  filters() {
    const v = (name) => this.form.elements[name].value
    return { unit: v('unit'), bus: v('bus'), fc: v('fc'), exceptions: this.form.elements.exceptions.checked }
  }

  /** Keeps each filter's choices in step with what has been seen, leaving the selection alone. */
  refreshChoices() {
    const sync = (select, values, label) => {
      const have = new Set([...select.options].map((o) => o.value))
      let added = false
      for (const value of values) {
        if (have.has(String(value))) continue
        const option = document.createElement('option')
        option.value = String(value)
        option.textContent = label(value)
        select.append(option)
        added = true
      }
      if (!added) return
      const options = [...select.options].slice(1).sort((a, b) => (Number(a.value) - Number(b.value)) || a.value.localeCompare(b.value))
      select.append(...options)
    }
    sync(this.form.elements.unit, this.unitsSeen, String)
    sync(this.form.elements.bus, this.busesSeen, String)
    sync(this.form.elements.fc, this.codesSeen, (c) => code(c))
  }

  render() {
    this.refreshChoices()
    const f = this.filters()
    const frames = this.frozen ?? this.frames
    const matching = frames.filter(
      (x) => (f.unit === '' || String(x.unit) === f.unit) && (f.bus === '' || x.bus === f.bus) && (f.fc === '' || String(x.functionCode) === f.fc) && (!f.exceptions || x.exception !== null),
    )
    this.tbody.replaceChildren(...matching.slice(0, SHOW).map(row))
    this.shown = Math.min(SHOW, matching.length)
    const missed = this.missed ? `; ${this.missed} passed between updates unseen` : ''
    this.summary.textContent = `${this.shown} shown of ${matching.length} matching, from the last ${frames.length} frames${missed}`
  }
}
