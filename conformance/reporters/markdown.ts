/**
 * summary.md: a short Markdown summary for pull-request comments and CI job summaries
 * (e.g. appended to $GITHUB_STEP_SUMMARY): verdict, counts, each failure with its bytes, timing.
 */
import type { CaseReport, ConformanceReport, Counts } from '../report.ts'
import { markdownInline, visibleControls } from './escape.ts'
import { formatDuration, formatMs, functionLabel, percent } from './format.ts'
import { caretLines, diffHex } from './hex-diff.ts'
import { SEVERITIES } from './matrix.ts'
import { SPEC_DOCUMENTS, parseSpecReferences, specHref } from './spec-sections.ts'

/** Renders the Markdown summary. */
export function renderMarkdown(report: ConformanceReport): string {
  const { summary, target } = report
  const failing = report.cases
    .filter((c) => c.verdict === 'fail' || c.verdict === 'error')
    .sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity))
  const lines = [
    `# modbridge conformance: ${summary.verdict.toUpperCase()}`,
    '',
    `**Verdict: ${summary.verdict.toUpperCase()}** at level ${report.level} — ${codeSpan(target.address)} unit ${target.unit}, ` +
      `${markdownInline(target.framer)} framer; ${summary.total} cases in ${formatDuration(report.durationMs)} ` +
      `(${markdownInline(report.tool.name)} ${markdownInline(report.tool.version)}, started ${markdownInline(report.startedAt)}).`,
    '',
    `Reply window ${report.options.timeoutMs} ms, silence window ${report.options.silenceMs} ms; ${summary.warnings} warning${summary.warnings === 1 ? '' : 's'} (failed cases that do not fail the run, fail on: ${report.options.failOn})` +
      (summary.stopped === null ? '.' : `; the run stopped: ${markdownInline(summary.stopped)}.`),
    '',
    '| Severity | Total | Passed | Failed | Errors | Skipped |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    countsRow('**all**', summary),
    ...SEVERITIES.map((s) => countsRow(s, summary.bySeverity[s])),
    '',
    `## Failures and errors (${failing.length})`,
    '',
  ]
  if (failing.length === 0) lines.push('None.', '')
  for (const c of failing) lines.push(...failureItem(c), '')
  lines.push('## Timing', '', timingLine(report), '')
  return lines.join('\n')
}

function countsRow(name: string, c: Counts): string {
  return `| ${name} | ${c.total} | ${c.passed} | ${c.failed} | ${c.errors} | ${c.skipped} |`
}

/** One list item: id, title, spec, severity; the message; expected vs actual in a fenced block with carets. */
function failureItem(c: CaseReport): string[] {
  const verdict = c.verdict === 'fail' ? 'failed' : 'error (not judged)'
  const head = `- ${codeSpan(c.id)} ${markdownInline(c.title)} — ${markdownInline(c.spec)}, **${c.severity}**, ${verdict}; ` +
    `${markdownInline(c.category)}, ${markdownInline(functionLabel(c.functionCode))}`
  const block = caretLines(diffHex(c.expected.hex, c.actual.hex), c.expected.description, c.actual.description).map(visibleControls)
  if (c.request !== null) block.unshift(`request:  ${visibleControls(c.request)}`)
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(block.join('\n')) + 1))
  const out = [head]
  if (c.message !== null) out.push(`  ${markdownInline(c.message)}`)
  const spec = specLinks(c.spec)
  if (spec) out.push(`  Spec: ${spec}`)
  out.push('', `  ${fence}text`, ...block.map((l) => `  ${l}`), `  ${fence}`)
  return out
}

/** Each section the spec text cites, as a Markdown link to its page: `[Application Protocol §6.3 03 (0x03) Read Holding Registers](…#page=15)`. */
function specLinks(spec: string): string {
  return parseSpecReferences(spec)
    .map((r) => {
      const doc = SPEC_DOCUMENTS[r.document]
      const text = markdownInline(`${doc.short} §${r.section}${r.entry ? ` ${r.entry.title}` : ''}`)
      return `[${text}](${r.entry ? specHref(r.entry) : doc.url})`
    })
    .join(', ')
}

function timingLine(report: ConformanceReport): string {
  const t = report.timing.response
  const parts = [
    t.count === 0
      ? 'No reply was timed.'
      : `Response time over ${t.count} replies: min ${formatMs(t.minMs)}, p50 ${formatMs(t.p50Ms)}, ` +
        `p90 ${formatMs(t.p90Ms)}, p99 ${formatMs(t.p99Ms)}, max ${formatMs(t.maxMs)}.`,
  ]
  if (report.timing.wireMs !== null) {
    parts.push(`Wire time ${formatDuration(report.timing.wireMs)} (${percent(report.timing.wireMs, report.durationMs)} of the run).`)
  }
  return parts.join(' ')
}

/** Inline code that survives backticks inside: a longer fence, padded when the text starts or ends with one. */
export function codeSpan(text: string): string {
  const clean = visibleControls(text).replace(/\s+/g, ' ')
  const fence = '`'.repeat(longestBacktickRun(clean) + 1)
  const pad = clean.startsWith('`') || clean.endsWith('`') ? ' ' : ''
  return `${fence}${pad}${clean}${pad}${fence}`
}

function longestBacktickRun(text: string): number {
  return Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length))
}
