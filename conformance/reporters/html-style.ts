/**
 * The inline stylesheet of the HTML report: system fonts, no external resources, and a print
 * layout (colours kept, controls hidden, blocks not split across pages).
 */

/** CSS for index.html. Verdict and severity colours are paired with text, so nothing depends on colour alone. */
export const REPORT_CSS = `
:root { --pass: #1b6e34; --pass-bg: #e2f3e7; --must: #a4231b; --must-bg: #fbe3e1; --should: #8a4b00; --should-bg: #fdecd2;
  --may: #6b5d00; --may-bg: #f8f1c6; --skip: #5f6368; --skip-bg: #eeeff1; --error: #5b3596; --error-bg: #ece5f8;
  --line: #d5d8dc; --muted: #5f6368; }
* { box-sizing: border-box; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: #1f2328;
  margin: 0 auto; padding: 24px; max-width: 1180px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 14px; margin: 0; } h4 { font-size: 12px; margin: 0 0 4px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
code, pre, .hex { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 12.5px; }
.muted { color: var(--muted); }
header.top { display: flex; align-items: center; gap: 18px; flex-wrap: wrap; }
.verdict { font-size: 22px; font-weight: 700; padding: 4px 16px; border-radius: 6px; margin: 0; letter-spacing: .05em; }
.verdict.pass { color: var(--pass); background: var(--pass-bg); border: 2px solid var(--pass); }
.verdict.fail { color: var(--must); background: var(--must-bg); border: 2px solid var(--must); }
.facts { display: grid; grid-template-columns: max-content 1fr max-content 1fr; gap: 4px 16px; margin: 14px 0; }
.facts dt { color: var(--muted); } .facts dd { margin: 0; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; font-weight: 600; }
thead { display: table-header-group; }
table.counts { width: auto; } table.counts td { text-align: right; min-width: 64px; }
table.matrix { width: auto; } table.matrix td.cell { text-align: center; min-width: 92px; font-variant-numeric: tabular-nums; }
td.cell small { display: block; font-size: 11px; color: var(--muted); }
.cell-pass { background: var(--pass-bg); color: var(--pass); font-weight: 600; }
.cell-must { background: var(--must-bg); color: var(--must); font-weight: 600; }
.cell-should { background: var(--should-bg); color: var(--should); font-weight: 600; }
.cell-may { background: var(--may-bg); color: var(--may); font-weight: 600; }
.cell-skip { background: var(--skip-bg); color: var(--skip); }
.badge { display: inline-block; font-size: 11px; font-weight: 700; padding: 1px 7px; border-radius: 10px; text-transform: uppercase; border: 1px solid currentColor; }
.badge.sev-must, th.sev-must { color: var(--must); background: var(--must-bg); }
.badge.sev-should, th.sev-should { color: var(--should); background: var(--should-bg); }
.badge.sev-may, th.sev-may { color: var(--may); background: var(--may-bg); }
table.cases td:first-child { white-space: nowrap; }
.v-pass .verdict-cell { color: var(--pass); background: var(--pass-bg); } .v-fail .verdict-cell { color: var(--must); background: var(--must-bg); }
.v-skip .verdict-cell { color: var(--skip); background: var(--skip-bg); } .v-error .verdict-cell { color: var(--error); background: var(--error-bg); }
.verdict-cell { font-weight: 700; text-transform: uppercase; font-size: 12px; }
article.failure, article.case-error { border: 1px solid var(--line); border-left: 5px solid var(--must); border-radius: 4px;
  padding: 10px 14px; margin: 0 0 12px; break-inside: avoid; }
article.failure.sev-should { border-left-color: var(--should); } article.failure.sev-may { border-left-color: var(--may); }
article.failure, article.case-error { background: #fff; }
article.case-error { border-left-color: var(--error); }
article header { display: flex; gap: 8px; align-items: baseline; flex-wrap: wrap; }
article .meta { color: var(--muted); margin: 4px 0; font-size: 12.5px; }
article .message { margin: 6px 0; white-space: pre-wrap; }
.compare { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; margin-top: 8px; }
.side { border: 1px solid var(--line); border-radius: 4px; padding: 6px 10px; background: #fafbfc; min-width: 0; }
.side .hex { display: block; word-spacing: 0; overflow-wrap: anywhere; }
.side .desc { margin: 6px 0 0; color: var(--muted); font-size: 12.5px; }
mark { background: #ffd34d; color: #000; font-weight: 700; text-decoration: underline; border-radius: 2px; padding: 0 1px; }
.note { font-size: 12.5px; color: var(--muted); margin: 6px 0 0; }
.timing-stats { font-variant-numeric: tabular-nums; }
figure.histogram { margin: 8px 0 16px; } figure.histogram svg { max-width: 100%; height: auto; }
figcaption { font-size: 12px; color: var(--muted); }
svg .bar { fill: #3b6fb6; } svg .count { font: 11px system-ui, sans-serif; fill: #1f2328; }
svg .bound { font: 11px system-ui, sans-serif; fill: #5f6368; } svg .axis { stroke: #8c959f; stroke-width: 1; }
table.cases td { font-size: 12.5px; } table.cases td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
table.cases td.msg { max-width: 360px; overflow-wrap: anywhere; }
.controls { margin: 0 0 8px; }
body:has(#only-failing:checked) table.cases tr.v-pass, body:has(#only-failing:checked) table.cases tr.v-skip { display: none; }
details pre { background: #f6f8fa; padding: 8px; overflow: auto; }
footer { margin-top: 32px; font-size: 12px; color: var(--muted); }
@media (max-width: 600px) { .compare { grid-template-columns: 1fr; } .facts { grid-template-columns: max-content 1fr; } }
@media print {
  body { padding: 0; max-width: none; font-size: 10.5pt; }
  .controls { display: none; }
  h2 { break-after: avoid; }
  tr { break-inside: avoid; }
  table.cases td, table.cases th { font-size: 8pt; padding: 2px 4px; }
  table.cases td:first-child { white-space: normal; }
  table.cases td.msg { max-width: none; }
  table.matrix td.cell { min-width: 56px; }
  a { color: inherit; text-decoration: none; }
}
`
