// Small multiples: one card per bus and per unit, each with three small uPlot charts over the
// same seconds — transactions/s, latency p50/p99, and timeouts, exceptions and stray frames per
// second. uPlot comes from /vendor/uPlot.iife.min.js (a global), served by the gateway itself.
import { clockSeconds, fixed } from './format.js'

const CHARTS = [
  { metric: 'tps', title: 'transactions/s', series: [{ key: 'transactions', label: 'tx/s', stroke: '#2f6fd0', fill: 'rgba(47,111,208,0.12)' }] },
  {
    metric: 'latency',
    title: 'latency ms',
    series: [
      { key: 'p50', label: 'p50', stroke: '#1f8a4c' },
      { key: 'p99', label: 'p99', stroke: '#d9822b' },
    ],
  },
  {
    metric: 'problems',
    title: 'problems/s',
    series: [
      { key: 'timeouts', label: 'timeouts', stroke: '#c62828' },
      { key: 'exceptions', label: 'exceptions', stroke: '#7b3fb5' },
      { key: 'stray', label: 'stray', stroke: '#8d6e63' },
    ],
  },
]

const HEIGHT = 110

/** A y range from 0 to a little above the top, and 0–1 for a chart with nothing in it. */
function fromZero(_u, _min, max) {
  return [0, typeof max === 'number' && Number.isFinite(max) && max > 0 ? max * 1.15 : 1]
}

function axes() {
  const font = '11px system-ui, sans-serif'
  return [
    { font, size: 28, space: 70, values: (_u, splits) => splits.map((s) => clockSeconds(s)), grid: { stroke: '#eceff3' }, ticks: { stroke: '#d5d9e0' } },
    { font, size: 40, values: (_u, splits) => splits.map((v) => (Math.abs(v) >= 1000 ? `${fixed(v / 1000, 1)}k` : String(Math.round(v * 100) / 100))), grid: { stroke: '#eceff3' }, ticks: { stroke: '#d5d9e0' } },
  ]
}

function options(chart, width) {
  return {
    width,
    height: HEIGHT,
    legend: { show: true, live: false },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true }, y: { range: fromZero } },
    axes: axes(),
    series: [
      { value: (_u, v) => (v == null ? '–' : clockSeconds(v)) },
      ...chart.series.map((s) => ({ label: s.label, stroke: s.stroke, fill: s.fill, width: 1.5, spanGaps: false, value: (_u, v) => (v == null ? '–' : String(v)) })),
    ],
  }
}

export class SmallMultiples {
  /** `container` holds the cards; `store` is the TrendStore they draw from. */
  constructor(container, store, kind) {
    this.container = container
    this.store = store
    this.kind = kind
    /** key → { card, charts: [{ metric, plot }] } */
    this.cards = new Map()
    this.available = typeof globalThis.uPlot === 'function'
    this.resize = new ResizeObserver(() => this.fit())
    this.resize.observe(container)
  }

  /** Width of one chart: its card's inner width. */
  width(card) {
    return Math.max(120, Math.floor(card.querySelector('.charts').clientWidth))
  }

  fit() {
    for (const { card, charts } of this.cards.values()) {
      const width = this.width(card)
      for (const c of charts) if (c.plot.width !== width) c.plot.setSize({ width, height: HEIGHT })
    }
  }

  card(key, title) {
    let entry = this.cards.get(key)
    if (entry) return entry
    const card = document.createElement('article')
    card.className = 'trend-card'
    card.dataset.key = key
    const head = document.createElement('h3')
    const dot = document.createElement('span')
    dot.className = 'dot'
    head.append(dot, title)
    const charts = document.createElement('div')
    charts.className = 'charts'
    card.append(head, charts)
    this.container.append(card)
    entry = { card, charts: [] }
    this.cards.set(key, entry)
    if (!this.available) return entry
    for (const chart of CHARTS) {
      const box = document.createElement('div')
      box.className = 'chart'
      box.dataset.metric = chart.metric
      const label = document.createElement('div')
      label.className = 'chart-title'
      label.textContent = chart.title
      box.append(label)
      charts.append(box)
      const plot = new globalThis.uPlot(options(chart, this.width(card)), this.data(key, chart), box)
      entry.charts.push({ metric: chart.metric, chart, plot })
    }
    return entry
  }

  /** Copies: the store grows its arrays in place, and a paused chart must keep the data it shows. */
  data(key, chart) {
    const s = this.store.series.get(key)
    return [this.store.times.slice(), ...chart.series.map((m) => (s ? s[m.key].slice() : []))]
  }

  /** Draws every series of the store (new cards made as needed) and colours each card by `health` (key → health). */
  draw(health) {
    for (const key of this.store.keys(this.kind)) {
      const name = key.slice(this.kind.length + 1)
      const entry = this.card(key, this.kind === 'bus' ? `bus ${name}` : `unit ${name}`)
      entry.card.dataset.health = health.get(key) ?? 'idle'
      for (const c of entry.charts) c.plot.setData(this.data(key, c.chart))
    }
  }

  /** Colours only (the charts keep their view while paused). */
  colour(health) {
    for (const [key, entry] of this.cards) entry.card.dataset.health = health.get(key) ?? 'idle'
  }

  /** What each chart holds, for tests and for anyone reading the page from a console. */
  describe() {
    const out = []
    for (const [key, entry] of this.cards) {
      for (const c of entry.charts) {
        const data = c.plot.data
        const n = data[0].length
        out.push({
          key,
          metric: c.metric,
          canvas: c.plot.root.querySelector('canvas') !== null,
          points: n,
          firstTime: n ? data[0][0] : null,
          lastTime: n ? data[0][n - 1] : null,
          series: c.chart.series.map((m, i) => ({ name: m.key, last: n ? data[i + 1][n - 1] : null, sum: data[i + 1].reduce((a, v) => a + (v ?? 0), 0), nonNull: data[i + 1].filter((v) => v != null).length })),
        })
      }
    }
    return out
  }
}
