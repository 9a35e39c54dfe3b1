// The monitor page: one feed message on connect with the trend history and the kept frames, then a
// message per interval with the figures of the moment, new frames and newly closed seconds.
// Pause freezes the frame list and the charts' view; the page keeps collecting underneath.
import { SmallMultiples } from './charts.js'
import { fixed } from './format.js'
import { FrameList } from './frames.js'
import { TrendStore } from './trend-store.js'

const $ = (sel) => document.querySelector(sel)

const store = new TrendStore()
const busCharts = new SmallMultiples($('#bus-trends'), store, 'bus')
const unitCharts = new SmallMultiples($('#unit-trends'), store, 'unit')
const frames = new FrameList($('#frames tbody'), $('#filters'), $('#frame-summary'))
let paused = false
let held = { seconds: 0, frames: 0 }
let health = new Map()
/** When the gateway started (ms): a different one means it restarted and frame numbers began again. */
let startedAt

function cell(text, cls) {
  const td = document.createElement('td')
  td.textContent = text
  if (cls) td.className = cls
  return td
}

/** A health label: coloured by data-health, with the reason as its text and title. */
function pill(h, text, reason) {
  const td = document.createElement('td')
  td.className = 'health'
  const span = document.createElement('span')
  span.className = 'pill'
  span.dataset.health = h
  span.textContent = text
  span.title = reason
  const why = document.createElement('span')
  why.className = 'why'
  why.textContent = reason
  td.append(span, why)
  return td
}

function busRow(b) {
  const tr = document.createElement('tr')
  tr.dataset.bus = b.name
  tr.dataset.health = b.health
  const util = cell('', 'num')
  const bar = document.createElement('span')
  bar.className = 'bar'
  bar.style.width = `${Math.round(b.utilization * 60)}px`
  util.append(bar, `${fixed(b.utilization * 100)} %`)
  tr.append(cell(b.name), pill(b.health, b.state, b.healthReason), util, cell(b.queued, 'num queue'), cell(b.inFlight, 'num'), cell(fixed(b.tps), 'num tps'),
    cell(b.transactions, 'num transactions'), cell(b.timeouts, 'num timeouts'), cell(b.rejectedQueueFull, 'num'),
    strayCell(b), cell(b.framingErrors, 'num framing-errors'), cell(fixed(b.latency.p50, 2), 'num p50'), cell(fixed(b.latency.p99, 2), 'num p99'))
  return tr
}

/** Stray frames: the count, with the last one's hex and reason as a tooltip. */
function strayCell(b) {
  const td = cell(b.discarded, 'num stray')
  const last = b.recentStray && b.recentStray[0]
  if (last) td.title = `last: unit ${last.unit} ${last.hex} (${last.reason})`
  return td
}

function unitRow(u) {
  const tr = document.createElement('tr')
  tr.dataset.unit = u.unit
  tr.dataset.health = u.health
  const never = u.answered === 0 && u.timeouts > 0
  if (never) tr.classList.add('never-answered')
  const exceptions = Object.entries(u.exceptions).map(([code, n]) => `${code}×${n}`).join(' ') || '0'
  const label = never ? 'never answered' : u.health
  tr.append(cell(u.unit, 'num'), pill(u.health, label, u.healthReason), cell(u.requests, 'num requests'), cell(u.answered, 'num answered'), cell(exceptions, 'exceptions'),
    cell(u.timeouts, 'num timeouts'), cell(fixed(u.latency.p50, 2), 'num p50'), cell(fixed(u.latency.p99, 2), 'num p99'))
  return tr
}

function renderTables(m) {
  $('#uptime').textContent = `up ${Math.round(m.uptimeS)} s`
  $('#total-requests').textContent = m.totals.requests
  $('#total-exceptions').textContent = m.totals.exceptions
  $('#buses tbody').replaceChildren(...m.buses.map(busRow))
  $('#units tbody').replaceChildren(...m.units.map(unitRow))
  const untracked = store.untrackedUnits
  $('#unit-cap').textContent = untracked.length
    ? `Trends are kept for ${store.maxUnits} units; units ${untracked.join(', ')} are counted in the table without a trend.`
    : ''
}

function renderHeld() {
  const note = $('#held')
  note.hidden = !paused
  note.textContent = paused ? `paused · ${held.frames} new frames and ${held.seconds} s of trend held` : ''
}

function draw() {
  busCharts.draw(health)
  unitCharts.draw(health)
  frames.render()
}

function onMessage(m) {
  const started = m.time - m.uptimeS * 1000
  if (m.history && startedAt !== undefined && Math.abs(started - startedAt) > 2000) frames.clear()
  startedAt = started
  let seconds = 0
  if (m.history) store.reset(m.trends)
  else if (m.trends) seconds = store.append(m.trends)
  const added = frames.add(m.frames)
  health = new Map([...m.buses.map((b) => [`bus:${b.name}`, b.health]), ...m.units.map((u) => [`unit:${u.unit}`, u.health])])
  renderTables(m)
  if (paused) {
    held = { seconds: held.seconds + seconds, frames: held.frames + added }
    busCharts.colour(health)
    unitCharts.colour(health)
    renderHeld()
  } else draw()
}

function setPaused(on) {
  paused = on
  const button = $('#pause')
  button.setAttribute('aria-pressed', String(on))
  button.textContent = on ? 'Resume' : 'Pause'
  document.body.classList.toggle('paused', on)
  if (on) frames.freeze()
  else {
    frames.thaw()
    held = { seconds: 0, frames: 0 }
    draw()
  }
  renderHeld()
}

$('#pause').addEventListener('click', () => setPaused(!paused))
$('#filters').addEventListener('change', () => frames.render())
$('#filters').addEventListener('submit', (e) => e.preventDefault())

function connect() {
  const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/feed`)
  ws.onopen = () => {
    $('#status').textContent = 'live'
    $('#status').classList.add('live')
  }
  ws.onmessage = (e) => onMessage(JSON.parse(e.data))
  ws.onclose = () => {
    $('#status').textContent = 'reconnecting…'
    $('#status').classList.remove('live')
    setTimeout(connect, 1000)
  }
}

/** For tests, and for anyone reading the page from the console: what the charts hold. */
globalThis.modbridgeMonitor = {
  charts: () => [...busCharts.describe(), ...unitCharts.describe()],
  /** The page's copy of one series ('bus:<name>', 'unit:<id>'), aligned with its times. */
  trend: (key) => ({ times: store.times.slice(), ...store.series.get(key) }),
  paused: () => paused,
  chartsAvailable: busCharts.available,
}

if (!busCharts.available) $('#no-charts').hidden = false
connect()
