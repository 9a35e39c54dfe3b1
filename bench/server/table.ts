/**
 * The server benchmark's printed output: the table of every server × cell (medians over the
 * rounds), then the ratios issue #3 names, each against its aim.
 */
import { median } from '../measure.ts'
import type { CellReport } from './messages.ts'
import { cellLabel, type Cell } from './workload.ts'

/** What one target produced. */
export interface Outcome {
  name: string
  description: string
  nodePeer: boolean
  /** Why it has no figures (not installed, failed to start, wrong replies). */
  skipped?: string
  /** Order of 8 pipelined replies, from the check. */
  order?: string
  /** Every measured window, in the order run. */
  windows: CellReport[]
}

/** One server × cell, over its rounds. */
export interface Summary {
  cell: Cell
  rounds: number
  /** Medians over the rounds. */
  rate: number
  p50: number
  p99: number
  cpuPerRequest: number
  serverShare: number
  loadShare: number
  /** Everything else the machine ran meanwhile, in cores (median). */
  otherShare: number
  /** Lowest and highest CPU µs/req of the rounds. */
  cpuRange: [number, number]
  errors: number
  firstError?: string
}

const sameCell = (a: Cell, b: Cell) => a.connections === b.connections && a.inFlight === b.inFlight

/** The summary of `cell` for `o`, or undefined when it has no window with replies. */
export function summarize(o: Outcome | undefined, cell: Cell): Summary | undefined {
  const ws = (o?.windows ?? []).filter((w) => sameCell(w.cell, cell))
  const answered = ws.filter((w) => w.requests > 0)
  if (answered.length === 0) return undefined
  const cpu = answered.map((w) => (w.serverCpu * 1e6) / w.requests)
  const errored = ws.find((w) => w.errors > 0)
  return {
    cell,
    rounds: ws.length,
    rate: median(ws.map((w) => w.requests / w.elapsed)),
    p50: median(answered.map((w) => w.p50)),
    p99: median(answered.map((w) => w.p99)),
    cpuPerRequest: median(cpu),
    serverShare: median(ws.map((w) => w.serverCpu / w.elapsed)),
    loadShare: median(ws.map((w) => w.loadCpu / w.elapsed)),
    otherShare: median(ws.map((w) => Math.max(0, w.machineBusy - w.serverCpu - w.loadCpu) / w.elapsed)),
    cpuRange: [Math.min(...cpu), Math.max(...cpu)],
    errors: ws.reduce((n, w) => n + w.errors, 0),
    ...(errored?.firstError === undefined ? {} : { firstError: errored.firstError }),
  }
}

function num(x: number, digits = 0): string {
  if (!Number.isFinite(x)) return '—'
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
}

const micros = (x: number) => num(x, x < 100 ? 1 : 0)
const percent = (x: number) => `${num(x * 100)}%`

function pad(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')
}

/** The table: one row per server × cell. */
export function formatTable(outcomes: readonly Outcome[], cells: readonly Cell[]): string {
  const header = ['server', 'cell', 'req/s', 'p50 µs', 'p99 µs', 'CPU µs/req', '(rounds)', 'server CPU', 'gen CPU', 'other CPU', 'errors']
  const rows: string[][] = []
  for (const o of outcomes) {
    if (o.skipped) {
      rows.push([o.name, '—', `skipped: ${o.skipped}`])
      continue
    }
    for (const cell of cells) {
      const s = summarize(o, cell)
      if (!s) {
        rows.push([o.name, cellLabel(cell), 'no replies'])
        continue
      }
      rows.push([
        o.name,
        cellLabel(cell),
        num(s.rate),
        micros(s.p50),
        micros(s.p99),
        num(s.cpuPerRequest, 1),
        `${num(s.cpuRange[0], 1)}–${num(s.cpuRange[1], 1)}`,
        percent(s.serverShare),
        percent(s.loadShare),
        percent(s.otherShare),
        s.errors === 0 ? '0' : `${s.errors} (${s.firstError})`,
      ])
    }
  }
  const full = rows.filter((r) => r.length > 3)
  const widths = header.map((h, i) => Math.max(h.length, ...full.map((r) => r[i].length)))
  const lines = [pad(header, widths), widths.map((w) => '-'.repeat(w)).join('  ')]
  for (const r of rows) lines.push(r.length > 3 ? pad(r, widths) : `${r[0].padEnd(widths[0])}  ${r[1].padEnd(widths[1])}  ${r[2]}`)
  return lines.join('\n')
}

function verdict(value: number, aim: number, atMost: boolean): string {
  if (!Number.isFinite(value)) return 'n/a'
  const met = atMost ? value <= aim : value >= aim
  // Three decimals when two would print the aim itself for a miss (1.003 is not "1.00, met").
  const shown = Number(value.toFixed(2)) === aim && !met ? value.toFixed(3) : value.toFixed(2)
  return `${shown}  (aim ${atMost ? '≤' : '≥'} ${aim.toFixed(1)}: ${met ? 'met' : 'MISSED'})`
}

/** The ratios of issue #3, per cell where they apply. */
export function formatRatios(outcomes: readonly Outcome[], cells: readonly Cell[]): string {
  const by = (name: string) => outcomes.find((o) => o.name === name && !o.skipped)
  const modbridge = by('modbridge')
  const libmodbus = by('libmodbus')
  const peers = outcomes.filter((o) => o.nodePeer && !o.skipped)
  const wide = cells.filter((c) => c.connections === 16)
  const lines: string[] = ['modbridge CPU/req ÷ libmodbus CPU/req:']
  for (const cell of cells) {
    const m = summarize(modbridge, cell)
    const l = summarize(libmodbus, cell)
    lines.push(`  ${cellLabel(cell).padEnd(6)}  ${verdict(m && l ? m.cpuPerRequest / l.cpuPerRequest : NaN, 1, true)}`)
  }
  lines.push('modbridge req/s ÷ libmodbus req/s, 16 connections:')
  for (const cell of wide) {
    const m = summarize(modbridge, cell)
    const l = summarize(libmodbus, cell)
    lines.push(`  ${cellLabel(cell).padEnd(6)}  ${verdict(m && l ? m.rate / l.rate : NaN, 1, false)}`)
  }
  lines.push('modbridge req/s ÷ the faster Node peer, 16 connections:')
  for (const cell of wide) {
    const m = summarize(modbridge, cell)
    let best: { name: string; rate: number } | undefined
    for (const p of peers) {
      const s = summarize(p, cell)
      if (s && (!best || s.rate > best.rate)) best = { name: p.name, rate: s.rate }
    }
    const v = verdict(m && best ? m.rate / best.rate : NaN, 1.2, false)
    lines.push(`  ${cellLabel(cell).padEnd(6)}  ${v}${best ? `  vs ${best.name}` : ''}`)
  }
  return lines.join('\n')
}
