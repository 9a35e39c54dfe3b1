import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { bucketLabels, renderHistogramSvg } from '../../../conformance/reporters/histogram-svg.ts'
import { fixtureReport } from './fixture-report.ts'

const test = suite('histogram svg')
const timing = fixtureReport().timing.response

test('bucket labels: inclusive upper bounds, and the open last bucket as "> previous bound"', () => {
  assert.equal(bucketLabels(timing.histogram), ['≤ 1', '≤ 2', '≤ 5', '≤ 10', '≤ 20', '> 20'])
  assert.equal(bucketLabels([{ upToMs: null, count: 3 }]), ['all'])
})
test('one bar per non-empty bucket, the tallest at full height, every bucket labelled', () => {
  const svg = renderHistogramSvg(timing, 'h', 'caption')
  const heights = [...svg.matchAll(/<rect class="bar"[^>]* height="(\d+)"/g)].map((m) => Number(m[1]))
  assert.equal(heights, [55, 110, 55, 55])
  assert.is((svg.match(/class="bound"/g) ?? []).length, 6)
  assert.match(svg, /<text class="count"[^>]*>2<\/text>/)
  assert.match(svg, /^<figure class="histogram"><svg id="h" viewBox="0 0 352 150"/)
})
test('nothing timed: a sentence instead of an empty chart', () => {
  const out = renderHistogramSvg({ ...timing, count: 0, histogram: [{ upToMs: 1, count: 0 }] }, 'h', 'c')
  assert.not.match(out, '<svg')
  assert.match(out, 'Nothing was timed.')
})
test('caption text is escaped', () => {
  assert.match(renderHistogramSvg(timing, 'h', 'a <b> & c'), 'aria-label="a &lt;b&gt; &amp; c"')
})

test.run()
