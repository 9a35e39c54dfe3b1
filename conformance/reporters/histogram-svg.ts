/**
 * A response-time histogram as inline SVG bars, for the HTML report (no script, no external
 * resources; prints as drawn).
 */
import type { TimingSummary } from '../report.ts'
import { html } from './escape.ts'
import { trimNumber } from './format.ts'

const SLOT = 56
const BAR = 40
const PLOT = 110
const TOP = 18
const BOTTOM = 22
const LEFT = 8

/** The label of each bucket: `≤ 5`, and `> 50` for the open last bucket (upToMs null). */
export function bucketLabels(histogram: TimingSummary['histogram']): string[] {
  return histogram.map((b, i) => {
    if (b.upToMs !== null) return `≤ ${trimNumber(b.upToMs)}`
    const previous = histogram[i - 1]?.upToMs
    return previous === undefined || previous === null ? 'all' : `> ${trimNumber(previous)}`
  })
}

/**
 * One `<rect class="bar">` per non-empty bucket, heights linear in the count, the count written
 * above each bar and every bucket's bound (ms) below; an empty bucket keeps its slot and label.
 * Returns a short paragraph instead when nothing was timed.
 */
export function renderHistogramSvg(timing: TimingSummary, id: string, caption: string): string {
  const buckets = timing.histogram
  const max = Math.max(0, ...buckets.map((b) => b.count))
  if (buckets.length === 0 || max === 0) return `<p class="muted" id="${html(id)}">Nothing was timed.</p>`
  const labels = bucketLabels(buckets)
  const width = LEFT * 2 + SLOT * buckets.length
  const height = TOP + PLOT + BOTTOM
  const baseline = TOP + PLOT
  const parts: string[] = []
  buckets.forEach((b, i) => {
    const x = LEFT + i * SLOT
    const centre = x + SLOT / 2
    if (b.count > 0) {
      const h = Math.max(1, Math.round((b.count / max) * PLOT))
      parts.push(
        `<rect class="bar" x="${x + (SLOT - BAR) / 2}" y="${baseline - h}" width="${BAR}" height="${h}">` +
          `<title>${html(`${labels[i]} ms: ${b.count}`)}</title></rect>`,
        `<text class="count" x="${centre}" y="${baseline - h - 4}" text-anchor="middle">${b.count}</text>`,
      )
    }
    parts.push(`<text class="bound" x="${centre}" y="${baseline + 15}" text-anchor="middle">${html(labels[i])}</text>`)
  })
  parts.push(`<line class="axis" x1="${LEFT}" y1="${baseline}" x2="${width - LEFT}" y2="${baseline}"/>`)
  return (
    `<figure class="histogram"><svg id="${html(id)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" ` +
    `role="img" aria-label="${html(caption)}">${parts.join('')}</svg>` +
    `<figcaption>${html(caption)}</figcaption></figure>`
  )
}
