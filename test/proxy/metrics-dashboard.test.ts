import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { get, makeTraffic, parseExposition, promtool, startMeteredGateway, type MeteredGateway, type Sample, type Types } from './metrics-gateway.ts'

/** The parts of a Grafana dashboard the checks read. */
interface Target {
  expr: string
  refId: string
  datasource?: { type: string; uid: string }
}
interface Panel {
  id: number
  type: string
  title: string
  datasource?: { type: string; uid: string }
  gridPos: { x: number; y: number; w: number; h: number }
  targets: Target[]
}
interface Dashboard {
  __inputs: { name: string; type: string; pluginId: string }[]
  __requires: { type: string; id: string; version: string }[]
  schemaVersion: number
  uid: string
  panels: Panel[]
  templating: { list: { name: string; definition: string; datasource: { uid: string } }[] }
}

const DASHBOARD_FILE = new URL('../../dashboards/modbridge-gateway.json', import.meta.url)
const DS = '${DS_PROMETHEUS}'

/** Grafana's variables, as a query with every value selected would see them. */
function substitute(expr: string): string {
  return expr.replaceAll('$__rate_interval', '1m').replaceAll('$__range', '1h').replace(/\$(instance|bus|unit)\b/g, '.*')
}

const PROMQL_WORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'inf', 'nan'])

/** The metric names a PromQL expression selects: identifiers left once strings, matchers, ranges, grouping lists and calls are set aside. */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
  const names: string[] = []
  for (const m of bare.matchAll(/(?<![\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)) {
    if (m[2] || PROMQL_WORDS.has(m[1].toLowerCase())) continue
    names.push(m[1])
  }
  return names
}

/** `label_values(selector, label)` as the selector, restricted to series carrying the label. */
function variableSelector(definition: string): string {
  const m = /^label_values\((.+),\s*([a-z_]+)\)$/.exec(definition)
  if (!m) throw new Error(`not a label_values() query: ${definition}`)
  const selector = m[1].includes('{') ? m[1].replace('}', `,${m[2]}!=""}`) : `${m[1]}{${m[2]}!=""}`
  return substitute(selector)
}

const test = suite('Grafana dashboard: Grafana 10 schema, and every query reads metrics the gateway exposes')
let dashboard: Dashboard
let fixture: MeteredGateway
let samples: Sample[]
let types: Types
let exposed: Set<string>
/** Every query of the dashboard, after substitution, by a name usable as an alert name. */
let queries: { name: string; expr: string }[]
const dir = mkdtempSync(join(tmpdir(), 'modbridge-dashboard-'))

test.before(async () => {
  dashboard = JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as Dashboard
  fixture = await startMeteredGateway()
  await makeTraffic(fixture.client)
  ;({ samples, types } = parseExposition((await get(fixture.monitor.url, '/metrics')).body))
  exposed = new Set(samples.map((s) => s.name))
  queries = [
    ...dashboard.panels.flatMap((p) => p.targets.map((t) => ({ name: `Panel${p.id}${t.refId}`, expr: substitute(t.expr) }))),
    ...dashboard.templating.list.map((v) => ({ name: `Variable_${v.name}`, expr: variableSelector(v.definition) })),
  ]
})
test.after(async () => {
  await fixture?.close()
  rmSync(dir, { recursive: true, force: true })
})

test('imports into Grafana 10+: schema 38 or later, the datasource as the ${DS_PROMETHEUS} input, nothing hard-wired', () => {
  assert.ok(dashboard.schemaVersion >= 38, `schemaVersion ${dashboard.schemaVersion}`)
  assert.equal(
    dashboard.__inputs.map((i) => [i.name, i.type, i.pluginId]),
    [['DS_PROMETHEUS', 'datasource', 'prometheus']],
  )
  const grafana = dashboard.__requires.find((r) => r.id === 'grafana')
  assert.ok(grafana && Number(grafana.version.split('.')[0]) >= 10, 'requires Grafana 10')
  for (const p of dashboard.panels) {
    assert.is(p.datasource?.uid, DS, `panel "${p.title}"`)
    assert.ok(dashboard.__requires.some((r) => r.type === 'panel' && r.id === p.type), `panel type ${p.type} is declared in __requires`)
    for (const t of p.targets) assert.is(t.datasource?.uid, DS, `panel "${p.title}" target ${t.refId}`)
  }
  for (const v of dashboard.templating.list) assert.is(v.datasource.uid, DS, `variable ${v.name}`)
  const uids = [...readFileSync(DASHBOARD_FILE, 'utf8').matchAll(/"uid": "([^"]*)"/g)].map((m) => m[1])
  assert.equal([...new Set(uids)].sort(), ['${DS_PROMETHEUS}', '-- Grafana --', 'modbridge-gateway'].sort(), 'no datasource uid of some other installation')
})

test('panels have unique ids and tile the 24-column grid without overlapping', () => {
  const ids = dashboard.panels.map((p) => p.id)
  assert.is(new Set(ids).size, ids.length)
  const cells = new Set<string>()
  for (const p of dashboard.panels) {
    const { x, y, w, h } = p.gridPos
    assert.ok(x >= 0 && w > 0 && x + w <= 24, `panel "${p.title}" fits the grid`)
    for (let i = x; i < x + w; i++) {
      for (let j = y; j < y + h; j++) {
        assert.not.ok(cells.has(`${i},${j}`), `panel "${p.title}" overlaps another at ${i},${j}`)
        cells.add(`${i},${j}`)
      }
    }
  }
})

test('the panels the issue asks for are there', () => {
  const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr.replace(/\s+/g, ' ')))
  const has = (re: RegExp, what: string) => assert.ok(exprs.some((e) => re.test(e)), what)
  has(/sum by \(bus\) \(rate\(modbridge_bus_transactions_total\{/, 'transactions/s per bus')
  has(/histogram_quantile\(0\.5, sum by \([^)]*\ble\b[^)]*\) \(rate\(modbridge_request_duration_seconds_bucket\{/, 'p50 from the histogram')
  has(/histogram_quantile\(0\.99, sum by \([^)]*\ble\b[^)]*\) \(rate\(modbridge_request_duration_seconds_bucket\{/, 'p99 from the histogram')
  has(/rate\(modbridge_bus_timeouts_total\{/, 'timeouts')
  has(/sum by \(exception\) \(rate\(modbridge_exception_replies_total\{/, 'exceptions by code')
  has(/rate\(modbridge_bus_stray_frames_total\{/, 'stray frames')
  has(/modbridge_bus_queue_depth\{/, 'queue depth')
  has(/modbridge_bus_up\{/, 'bus up')
})

test('every query names only metrics a live /metrics scrape exposes', () => {
  assert.ok(queries.length >= 15, `${queries.length} queries`)
  for (const q of queries) {
    const names = metricNames(q.expr)
    assert.ok(names.length > 0, `${q.name} selects a metric: ${q.expr}`)
    for (const n of names) assert.ok(exposed.has(n), `${q.name}: ${n} is not in the scrape (${q.expr})`)
  }
})

test('the name check is not a rubber stamp: it finds the metric of a query and catches a misspelt one', () => {
  assert.equal(metricNames('histogram_quantile(0.99, sum by (bus, le) (rate(modbridge_request_duration_seconds_bucket{bus=~".*"}[1m])))'), ['modbridge_request_duration_seconds_bucket'])
  assert.equal(metricNames('sum without (unit) (modbridge_a_total{x="y z"} / on (bus) group_left modbridge_b) > bool 0'), ['modbridge_a_total', 'modbridge_b'])
  assert.not.ok(exposed.has('modbridge_unit_latency_milliseconds'), 'the old name is gone')
})

test('promtool check rules accepts every query as PromQL', async () => {
  const rules = join(dir, 'dashboard-rules.yml')
  writeFileSync(rules, JSON.stringify({ groups: [{ name: 'dashboard', rules: queries.map((q) => ({ record: `dashboard:${q.name.toLowerCase()}`, expr: q.expr })) }] }, null, 2))
  const r = await promtool(['check', 'rules', rules])
  assert.is(r.code, 0, r.stdout + r.stderr)
  assert.match(r.stdout, `SUCCESS: ${queries.length} rules found`)
})

test('promtool test rules: over series shaped like the live scrape, every query returns data', async () => {
  // Each scraped sample becomes a series with the labels Prometheus adds; counters (and histogram
  // parts) grow by their scraped value every 15 s, gauges hold it. A query whose labels or
  // grouping do not fit the gateway's series returns nothing, and its alert does not fire.
  const counterLike = (name: string) => types.get(name) === 'counter' || /_(bucket|sum|count)$/.test(name)
  const series = samples
    .filter((s) => !/^modbridge_(process|nodejs)_/.test(s.name) && Number.isFinite(s.value))
    .map((s) => ({
      series: `${s.name}{${Object.entries({ ...s.labels, instance: 'gateway:8020', job: 'modbridge' }).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}`,
      values: counterLike(s.name) ? `0+${s.value}x40` : `${s.value}x40`,
    }))
  const rules = join(dir, 'dashboard-alerts.yml')
  writeFileSync(rules, JSON.stringify({ groups: [{ name: 'dashboard', rules: queries.map((q) => ({ alert: q.name, expr: `count(${q.expr}) > 0` })) }] }, null, 2))
  const tests = join(dir, 'dashboard-test.yml')
  writeFileSync(
    tests,
    JSON.stringify({
      rule_files: [rules],
      evaluation_interval: '15s',
      tests: [{ interval: '15s', input_series: series, alert_rule_test: queries.map((q) => ({ eval_time: '9m', alertname: q.name, exp_alerts: [{ exp_labels: {} }] })) }],
    }),
  )
  const r = await promtool(['test', 'rules', tests])
  assert.is(r.code, 0, r.stdout + r.stderr)
  assert.match(r.stdout, 'SUCCESS')
})

test('promtool test rules is not a rubber stamp: a query with a label value the gateway never uses returns nothing', async () => {
  const rules = join(dir, 'wrong-alerts.yml')
  writeFileSync(rules, JSON.stringify({ groups: [{ name: 'wrong', rules: [{ alert: 'Wrong', expr: 'count(rate(modbridge_requests_total{outcome="timeouts"}[1m])) > 0' }] }] }))
  const tests = join(dir, 'wrong-test.yml')
  writeFileSync(
    tests,
    JSON.stringify({
      rule_files: [rules],
      tests: [{ interval: '15s', input_series: [{ series: 'modbridge_requests_total{outcome="timeout"}', values: '0+1x40' }], alert_rule_test: [{ eval_time: '9m', alertname: 'Wrong', exp_alerts: [{ exp_labels: {} }] }] }],
    }),
  )
  const r = await promtool(['test', 'rules', tests])
  assert.is.not(r.code, 0)
})

test.run()
