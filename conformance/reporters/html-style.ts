/**
 * The inline stylesheet of the HTML report: system fonts, no external resources; usable from
 * 400 px wide (nothing scrolls sideways: hex wraps between bytes, long words break); a print
 * layout that keeps colours, stacks expected over actual and never splits a failure block.
 */

/** CSS for index.html. Verdict, severity and byte marks pair colour with text or shape, so nothing depends on colour alone. */
export const REPORT_CSS = `
:root { --pass: #1b6e34; --pass-bg: #e2f3e7; --must: #a4231b; --must-bg: #fbe3e1; --should: #8a4b00; --should-bg: #fdecd2;
  --may: #6b5d00; --may-bg: #f8f1c6; --skip: #5f6368; --skip-bg: #eeeff1; --error: #5b3596; --error-bg: #ece5f8;
  --line: #d5d8dc; --muted: #5f6368; --differs: #ffd34d; --extra: #b9dcff; }
* { box-sizing: border-box; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
html { overflow-wrap: break-word; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: #1f2328;
  margin: 0 auto; padding: 24px; max-width: 1180px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 18px 0 8px; } h4 { font-size: 14px; margin: 0; }
h5 { font-size: 11.5px; margin: 0 0 4px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); font-weight: 600; }
code, pre, .hex { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 12.5px; }
code { overflow-wrap: anywhere; }
a { color: #0b57d0; }
.muted { color: var(--muted); }
header.top { display: flex; align-items: center; gap: 18px; flex-wrap: wrap; }
.verdict { font-size: 22px; font-weight: 700; padding: 4px 16px; border-radius: 6px; margin: 0; letter-spacing: .05em; }
.verdict.pass { color: var(--pass); background: var(--pass-bg); border: 2px solid var(--pass); }
.verdict.fail { color: var(--must); background: var(--must-bg); border: 2px solid var(--must); }
.facts { display: grid; grid-template-columns: max-content minmax(0, 1fr) max-content minmax(0, 1fr); gap: 4px 16px; margin: 14px 0; }
.facts dt { color: var(--muted); } .facts dd { margin: 0; min-width: 0; overflow-wrap: anywhere; }
.capture { background: #eef4ff; border: 1px solid #c6d8fb; border-radius: 4px; padding: 6px 10px; }
nav.jump { margin: 16px 0 0; padding: 6px 0; border-top: 1px solid var(--line); border-bottom: 1px solid var(--line); font-size: 13px; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; font-weight: 600; }
thead { display: table-header-group; }
table.counts { width: auto; } table.counts td { text-align: right; min-width: 56px; }
table.matrix { width: auto; max-width: 100%; } table.matrix th { overflow-wrap: anywhere; }
table.matrix td.cell { text-align: center; min-width: 84px; font-variant-numeric: tabular-nums; }
td.cell small { display: block; font-size: 11px; color: var(--muted); }
.cell-pass { background: var(--pass-bg); color: var(--pass); font-weight: 600; }
.cell-must { background: var(--must-bg); color: var(--must); font-weight: 600; }
.cell-should { background: var(--should-bg); color: var(--should); font-weight: 600; }
.cell-may { background: var(--may-bg); color: var(--may); font-weight: 600; }
.cell-skip { background: var(--skip-bg); color: var(--skip); }
.badge { display: inline-block; font-size: 11px; font-weight: 700; padding: 1px 7px; border-radius: 10px; text-transform: uppercase; border: 1px solid currentColor; text-decoration: none; }
.badge.sev-must, th.sev-must { color: var(--must); background: var(--must-bg); }
.badge.sev-should, th.sev-should { color: var(--should); background: var(--should-bg); }
.badge.sev-may, th.sev-may { color: var(--may); background: var(--may-bg); }
.badge.error { color: var(--error); background: var(--error-bg); }
.badge.wire { color: #0b4f8a; background: #e3f0fc; }
.legend { font-size: 12.5px; color: var(--muted); } .legend .hex { display: inline; }
.fn-group > h3 .count, summary .count { font-weight: 400; color: var(--muted); font-size: 12.5px; }
article.failure, article.case-error, article.wire-case { border: 1px solid var(--line); border-left: 5px solid var(--must); border-radius: 4px;
  padding: 10px 14px; margin: 0 0 12px; background: #fff; break-inside: avoid; page-break-inside: avoid; }
article.failure.sev-should { border-left-color: var(--should); } article.failure.sev-may { border-left-color: var(--may); }
article.case-error { border-left-color: var(--error); } article.wire-case { border-left-color: #3b6fb6; }
article header { display: flex; gap: 8px; align-items: baseline; flex-wrap: wrap; }
article .id { color: var(--muted); font-size: 12px; }
article .meta { color: var(--muted); margin: 4px 0; font-size: 12.5px; }
article .message { margin: 6px 0; white-space: pre-wrap; font-weight: 600; }
article .request, article .ids, article .wire, article .spec { margin-top: 8px; }
.compare { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 12px; margin-top: 8px; }
.side { border: 1px solid var(--line); border-radius: 4px; padding: 6px 10px; background: #fafbfc; min-width: 0; }
.hex { display: block; overflow-wrap: normal; word-break: normal; line-height: 1.7; }
.hex .b { white-space: nowrap; border-radius: 2px; padding: 0 1px; }
.hex mark.b { color: #000; font-weight: 700; }
.hex mark.differs { background: var(--differs); text-decoration: underline; }
.hex mark.extra { background: var(--extra); outline: 1px dashed #1c5fa8; outline-offset: -1px; }
.hex .missing { color: #8c959f; outline: 1px dashed #8c959f; outline-offset: -1px; }
.hex.nobytes { color: var(--muted); font-style: italic; }
.desc { margin: 6px 0 0; font-size: 12.5px; }
.decoded { margin: 4px 0 0; font-size: 12.5px; color: #1f4f2f; } .decoded .msg { font-family: ui-monospace, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 12px; }
.decoded.bad { color: var(--must); } .request .decoded.bad { color: var(--muted); }
.note { font-size: 12.5px; color: var(--muted); margin: 6px 0 0; }
.ids ul, .wire ul, .spec ul { margin: 0; padding-left: 18px; }
.ids mark { background: var(--differs); font-weight: 700; }
.wire li { margin-bottom: 6px; } .wire .why { margin: 2px 0 0; font-size: 12.5px; }
.spec h5 { text-transform: none; letter-spacing: 0; font-size: 12.5px; }
.spec li { font-size: 12.5px; margin-bottom: 3px; } .spec-summary { display: block; color: #30363d; }
.groups { display: flex; flex-wrap: wrap; gap: 6px; align-items: flex-start; }
details.fn-group { border: 1px solid var(--line); border-radius: 4px; padding: 3px 8px; background: #fafbfc; max-width: 100%; }
details.fn-group[open] { flex-basis: 100%; background: #fff; }
details.fn-group summary { cursor: pointer; font-size: 13px; }
.case-list { margin: 6px 0 4px; padding-left: 18px; font-size: 12.5px; }
.case-list li { margin: 2px 0; } .case-list .why { color: var(--should); }
.v-fail .verdict-tag, .verdict-tag.v-fail { color: var(--must); }
.verdict-tag { font-weight: 700; text-transform: uppercase; font-size: 11px; }
.verdict-tag.v-pass { color: var(--pass); } .verdict-tag.v-skip, .verdict-tag.v-not-run { color: var(--skip); }
.timing-stats { font-variant-numeric: tabular-nums; }
figure.histogram { margin: 8px 0 16px; } figure.histogram svg { max-width: 100%; height: auto; }
figcaption { font-size: 12px; color: var(--muted); }
svg .bar { fill: #3b6fb6; } svg .count { font: 11px system-ui, sans-serif; fill: #1f2328; }
svg .bound { font: 11px system-ui, sans-serif; fill: #5f6368; } svg .axis { stroke: #8c959f; stroke-width: 1; }
details pre { background: #f6f8fa; padding: 8px; white-space: pre-wrap; overflow-wrap: anywhere; }
footer { margin-top: 32px; font-size: 12px; color: var(--muted); }
@media (max-width: 700px) {
  body { padding: 12px; }
  .compare { grid-template-columns: minmax(0, 1fr); }
  .facts { grid-template-columns: max-content minmax(0, 1fr); }
  table.counts td { min-width: 0; } th, td { padding: 3px 5px; }
  table.matrix td.cell { min-width: 0; font-size: 12px; } table.matrix th { font-size: 12px; }
}
@media print {
  body { padding: 0; max-width: none; font-size: 10pt; }
  nav.jump { display: none; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  tr { break-inside: avoid; }
  .compare { grid-template-columns: minmax(0, 1fr); gap: 6px; }
  article.failure, article.case-error, article.wire-case { padding: 6px 10px; }
  table.matrix td.cell { min-width: 0; }
  a { color: inherit; }
  .spec a::after { content: " (" attr(href) ")"; font-size: 8pt; color: var(--muted); overflow-wrap: anywhere; }
}
`
