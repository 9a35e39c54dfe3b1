/**
 * Codec benchmark (issue #2): frames per second, encoding and decoding, for
 *   (a) a Read Holding Registers response of 125 registers (server encodes, client decodes) and
 *   (b) a Write Multiple Registers request of 123 registers (client encodes, server decodes),
 * through each of modbridge's four framers, against modbus-serial, jsmodbus and a hand-written
 * ceiling doing the same work. Every implementation is checked before it is timed: decoders must
 * give back the registers, encoders modbridge's exact bytes.
 *
 *   npm run bench:codec                 whole table, about a minute on two cores
 *   BENCH_SECONDS=0.1 BENCH_RUNS=7      longer batches (default 0.05 s), more runs (default 5)
 *   BENCH_TRIES=1                       a run is one batch, not the fastest of 3
 *   BENCH_ONLY='decode rtu'             only rows whose key, '<read|write> <encode|decode> <framer>',
 *                                       contains the text
 *
 * Aims (issue #2): modbridge at least 3× the faster peer and at least half the ceiling.
 */
import { FRAMER_KINDS, type FramerKind } from '../core/index.ts'
import {
  READ_VALUES,
  UNIT,
  WRITE_ADDRESS,
  WRITE_VALUES,
  isMissing,
  type CaseId,
  type Decoded,
  type Impl,
  type Missing,
  type Operation,
  type Peer,
} from './cases.ts'
import { allocationPerFrame, calibrate, environment, rates, type Allocation } from './measure.ts'
import { modbridge } from './modbridge.ts'
import { ceiling } from './peers/ceiling.ts'
import { jsmodbus } from './peers/jsmodbus.ts'
import { modbusSerial } from './peers/modbus-serial.ts'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 0.05)
const RUNS = Number(process.env.BENCH_RUNS ?? 5)
const TRIES = Number(process.env.BENCH_TRIES ?? 3)
const PREWARM_SECONDS = 0.04
const ONLY = process.env.BENCH_ONLY ?? ''

const PEER_AIM = 3
const CEILING_AIM = 0.5

const PEERS: readonly Peer[] = [modbusSerial, jsmodbus]
const CASE_LABEL: Record<CaseId, string> = { read: '(a) fc03 resp 125 reg', write: '(b) fc10 req 123 reg' }
const SIDE: Record<`${CaseId} ${Operation}`, string> = {
  'read encode': 'server',
  'read decode': 'client',
  'write encode': 'client',
  'write decode': 'server',
}

/** One timed cell's outcome: a rate, or why there is none; `mark` is its footnote mark. */
type Cell = { rate: number; mark: string } | { skipped: string; mark: string }

interface Row {
  label: string
  modbridge: Cell
  peers: Cell[]
  ceiling: Cell
  /** Per frame, modbridge's and the ceiling's. */
  allocation: Allocation
  ceilingAllocation: Allocation | undefined
}

const notes = new Map<string, number>()
const warnings: string[] = []

/** Footnote number for a note (the same text always gets the same number). */
function footnote(text: string): number {
  if (!notes.has(text)) notes.set(text, notes.size + 1)
  return notes.get(text) as number
}

function hexAt(buf: Buffer, i: number): string {
  return i < buf.length ? buf[i].toString(16).padStart(2, '0') : '--'
}

/** Why `got` is not `want`, or undefined when they match. */
function bytesDiffer(got: Buffer, want: Buffer): string | undefined {
  if (got.equals(want)) return undefined
  let i = 0
  while (i < got.length && i < want.length && got[i] === want[i]) i++
  return `${got.length} bytes vs ${want.length}; first difference at offset ${i}: ${hexAt(got, i)} instead of ${hexAt(want, i)}`
}

/** Why a decoded frame is not case c's message, or undefined when it is. */
function decodedDiffers(c: CaseId, d: Decoded): string | undefined {
  const want = c === 'read' ? READ_VALUES : WRITE_VALUES
  if (d.unit !== UNIT) return `unit ${d.unit}, expected ${UNIT}`
  if (c === 'write' && d.address !== WRITE_ADDRESS) return `address ${d.address}, expected ${WRITE_ADDRESS}`
  if (d.values.length !== want.length) return `${d.values.length} values, expected ${want.length}`
  for (let i = 0; i < want.length; i++) {
    if (d.values[i] !== want[i]) return `value[${i}] = ${d.values[i]}, expected ${want[i]}`
  }
  return undefined
}

/** Runs one implementation once and checks it; returns the reason it failed, if it did. */
async function verify(c: CaseId, op: Operation, impl: Impl<Buffer> | Impl<Decoded>, reference: Buffer): Promise<string | undefined> {
  try {
    const out = await impl.once()
    return op === 'encode' ? bytesDiffer(out as Buffer, reference) : decodedDiffers(c, out as Decoded)
  } catch (err) {
    return `threw ${(err as Error).message}`
  }
}

function implFor(peer: Peer, c: CaseId, op: Operation, kind: FramerKind, adu: Buffer): Impl<Buffer> | Impl<Decoded> | Missing {
  return op === 'encode' ? peer.encoder(c, kind) : peer.decoder(c, kind, adu)
}

/** A row whose implementations are built and checked, ready to time. */
interface Prepared {
  label: string
  cells: Cell[]
  /** The implementations that passed their check, and their column in `cells`. */
  timed: Impl<unknown>[]
  timedAt: number[]
}

const ALL: readonly Peer[] = [modbridge, ...PEERS, ceiling]

/** Builds every implementation of a row and checks each once. */
async function prepareRow(c: CaseId, op: Operation, kind: FramerKind, adu: Buffer): Promise<Prepared> {
  const label = `${CASE_LABEL[c]}  ${op} (${SIDE[`${c} ${op}`]})  ${kind}`
  const row: Prepared = { label, cells: [], timed: [], timedAt: [] }
  for (let i = 0; i < ALL.length; i++) {
    const impl = implFor(ALL[i], c, op, kind, adu)
    if (isMissing(impl)) {
      row.cells.push({ skipped: 'n/a', mark: superscript(footnote(impl.missing)) })
      continue
    }
    const mark = impl.note ? superscript(footnote(`${ALL[i].name}: ${impl.note}`)) : ''
    const wrong = await verify(c, op, impl, adu)
    if (wrong) {
      warnings.push(`WARNING ${ALL[i].name}, ${label}: ${op === 'encode' ? 'bytes differ from modbridge' : 'decoded wrong'}: ${wrong}`)
      row.cells.push({ skipped: 'WRONG', mark })
      continue
    }
    row.cells.push({ rate: 0, mark })
    row.timed.push(impl)
    row.timedAt.push(i)
  }
  if (row.timedAt[0] !== 0) throw new Error(`modbridge failed its own check: ${warnings.at(-1)}`)
  return row
}

/** Times a prepared row and measures modbridge's and the ceiling's allocation. */
async function measureRow(row: Prepared): Promise<Row> {
  const { cells, timed, timedAt } = row
  const measured = await rates(timed, SECONDS, RUNS, TRIES)
  timedAt.forEach((i, k) => (cells[i] = { rate: measured[k], mark: cells[i].mark }))
  const allocation = await allocationPerFrame(timed[0])
  const ceilingAt = timedAt.indexOf(ALL.length - 1)
  const ceilingAllocation = ceilingAt < 0 ? undefined : await allocationPerFrame(timed[ceilingAt])
  return { label: row.label, modbridge: cells[0], peers: cells.slice(1, 1 + PEERS.length), ceiling: cells[cells.length - 1], allocation, ceilingAllocation }
}

const SUPERSCRIPTS = '⁰¹²³⁴⁵⁶⁷⁸⁹'
function superscript(n: number): string {
  return [...String(n)].map((d) => SUPERSCRIPTS[Number(d)]).join('')
}

function rateText(cell: Cell): string {
  if ('skipped' in cell) return cell.skipped + cell.mark
  const k = cell.rate / 1000
  return `${k >= 100 ? Math.round(k).toLocaleString('en-US') : k.toFixed(1)}k${cell.mark}`
}

function ratioText(a: Cell, b: Cell | undefined, aim: number): string {
  if (!b || 'skipped' in a || 'skipped' in b) return '-'
  const r = a.rate / b.rate
  return `${r.toFixed(r >= 10 ? 1 : 2)}×${r >= aim ? ' ' : '!'}`
}

function bytesText(x: number): string {
  return Number.isNaN(x) ? '?' : String(Math.round(x))
}

function allocationText(mine: number, ceiling: number | undefined): string {
  return ceiling === undefined ? bytesText(mine) : `${bytesText(mine)} (${bytesText(ceiling)})`
}

function printTable(rows: readonly Row[]): void {
  const header = ['case, operation (side), framer', 'modbridge', ...PEERS.map((p) => p.name), 'ceiling', 'mb/peer', 'mb/ceiling', 'heap B/f (ceil)', 'buf B/f (ceil)']
  const lines = rows.map((row) => {
    const peerCells = row.peers.filter((p): p is Extract<Cell, { rate: number }> => 'rate' in p)
    const faster = peerCells.length ? peerCells.reduce((a, b) => (a.rate >= b.rate ? a : b)) : undefined
    return [
      row.label,
      rateText(row.modbridge),
      ...row.peers.map(rateText),
      rateText(row.ceiling),
      ratioText(row.modbridge, faster, PEER_AIM),
      ratioText(row.modbridge, row.ceiling, CEILING_AIM),
      allocationText(row.allocation.heap, row.ceilingAllocation?.heap),
      allocationText(row.allocation.offHeap, row.ceilingAllocation?.offHeap),
    ]
  })
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)))
  const format = (cells: string[]) => cells.map((s, i) => (i === 0 ? s.padEnd(widths[i]) : s.padStart(widths[i]))).join('  ')
  console.log(format(header))
  console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  let previous = ''
  for (let i = 0; i < lines.length; i++) {
    const group = rows[i].label.slice(0, rows[i].label.lastIndexOf(' '))
    if (previous && group !== previous) console.log('')
    previous = group
    console.log(format(lines[i]))
  }
}

async function main(): Promise<void> {
  const started = process.hrtime.bigint()
  console.log('modbridge codec benchmark (issue #2)')
  console.log(environment())
  console.log(
    `method: every cell warmed up first; then per cell, the median of ${RUNS} interleaved runs, each the fastest of ${TRIES} batches of ~${SECONDS} s (process.hrtime.bigint)`,
  )
  console.log('modbridge and the ceiling run as tsx compiles them (esbuild, keepNames on); the peers run their published JS')
  console.log('')
  const prepared: Prepared[] = []
  for (const c of ['read', 'write'] as const) {
    const adus = new Map<FramerKind, Buffer>()
    for (const kind of FRAMER_KINDS) {
      const reference = modbridge.encoder(c, kind)
      if (isMissing(reference)) throw new Error('modbridge has every framer')
      adus.set(kind, await reference.once())
    }
    for (const op of ['encode', 'decode'] as const) {
      for (const kind of FRAMER_KINDS) {
        if (ONLY && !`${c} ${op} ${kind}`.includes(ONLY)) continue
        prepared.push(await prepareRow(c, op, kind, adus.get(kind) as Buffer))
      }
    }
  }
  // Every code path sees every row's messages before any row is timed, as in a long-running
  // process; otherwise a row's figures would depend on which rows ran before it.
  for (const row of prepared) for (const impl of row.timed) await calibrate(impl, PREWARM_SECONDS)
  const rows: Row[] = []
  for (const row of prepared) {
    rows.push(await measureRow(row))
    process.stderr.write('.')
  }
  process.stderr.write('\n')
  printTable(rows)
  console.log('')
  console.log(`frames/s in thousands (k). mb/peer: modbridge over the faster peer, aim >= ${PEER_AIM}×; mb/ceiling: aim >= ${CEILING_AIM}×; '!' marks a missed aim.`)
  console.log('heap B/f: JS-heap bytes modbridge (the ceiling) allocates per frame; buf B/f: Buffer-pool / array-buffer bytes per frame (method: bench/measure.ts).')
  for (const [text, n] of notes) console.log(`${superscript(n)} ${text}`)
  for (const w of warnings) console.log(w)
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  console.log(`\nrun time ${seconds.toFixed(1)} s`)
}

await main()
