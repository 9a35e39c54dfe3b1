// The monitor page: renders each snapshot pushed over the /feed WebSocket.
const $ = (sel) => document.querySelector(sel)

function cell(text, cls) {
  const td = document.createElement('td')
  td.textContent = text
  if (cls) td.className = cls
  return td
}

function fill(tbody, rows) {
  tbody.replaceChildren(...rows)
}

function fixed(n, digits = 1) {
  return Number.isFinite(n) ? n.toFixed(digits) : '–'
}

function busRow(b) {
  const tr = document.createElement('tr')
  tr.dataset.bus = b.name
  if (b.state !== 'up') tr.className = 'down'
  const util = cell('', 'num')
  const bar = document.createElement('span')
  bar.className = 'bar'
  bar.style.width = `${Math.round(b.utilization * 80)}px`
  util.append(bar, `${fixed(b.utilization * 100)} %`)
  tr.append(cell(b.name), cell(b.state), util, cell(b.queued, 'num queue'), cell(b.inFlight, 'num'), cell(fixed(b.tps), 'num tps'),
    cell(b.transactions, 'num transactions'), cell(b.timeouts, 'num'), cell(b.rejectedQueueFull, 'num'),
    strayCell(b), cell(b.framingErrors, 'num framing-errors'), cell(fixed(b.latency.p50, 2), 'num'), cell(fixed(b.latency.p99, 2), 'num'))
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
  const exceptions = Object.entries(u.exceptions).map(([code, n]) => `${code}×${n}`).join(' ') || '0'
  tr.append(cell(u.unit, 'num'), cell(u.requests, 'num requests'), cell(exceptions), cell(u.timeouts, 'num'), cell(fixed(u.latency.p50, 2), 'num'), cell(fixed(u.latency.p99, 2), 'num'))
  return tr
}

function describe(m) {
  if (!m) return ''
  if (m.error) return `error: ${m.error}`
  const { function: fn, ...rest } = m
  const text = JSON.stringify(rest)
  return `${fn} ${text.length > 80 ? text.slice(0, 77) + '…' : text}`
}

function frameRow(f) {
  const tr = document.createElement('tr')
  if (f.exception !== null) tr.className = 'exception'
  const decoded = f.exception !== null ? `exception 0x${f.exception.toString(16).padStart(2, '0')}${f.reason ? ` (${f.reason})` : ''}` : `${describe(f.requestDecoded)} → ${describe(f.replyDecoded)}`
  tr.append(cell(new Date(f.time).toLocaleTimeString()), cell(f.unit, 'num'), cell(f.bus ?? '–'), cell(f.request, 'hex'), cell(f.reply ?? '–', 'hex'), cell(decoded), cell(fixed(f.latencyMs, 2), 'num'))
  return tr
}

function render(s) {
  $('#uptime').textContent = `up ${Math.round(s.uptimeS)} s`
  $('#total-requests').textContent = s.totals.requests
  $('#total-exceptions').textContent = s.totals.exceptions
  fill($('#buses tbody'), s.buses.map(busRow))
  fill($('#units tbody'), s.units.map(unitRow))
  fill($('#frames tbody'), s.frames.map(frameRow))
}

function connect() {
  const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/feed`)
  ws.onopen = () => {
    $('#status').textContent = 'live'
    $('#status').classList.add('live')
  }
  ws.onmessage = (e) => render(JSON.parse(e.data))
  ws.onclose = () => {
    $('#status').textContent = 'reconnecting…'
    $('#status').classList.remove('live')
    setTimeout(connect, 1000)
  }
}
connect()
