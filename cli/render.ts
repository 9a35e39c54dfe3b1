/**
 * How results are printed: `table` (tab-separated lines for people and `cut`), `csv` (a header
 * once, then one row per reply, RFC 4180 quoting) or `json` (one JSON object per line). With
 * timestamps each line, row or object carries the time of the reply (ISO 8601, UTC).
 */
import type { Format } from './options.ts'
import { jsonValue, type TypedValue } from './value-types.ts'

/** Values of consecutive addresses (a table read, a FIFO, a file record). */
export interface ValuesResult {
  kind: 'values'
  /** Labels of the values, in the chosen address notation. */
  labels: string[]
  values: (TypedValue | boolean)[]
  /** The JSON form: protocol (0-based) addresses and plain values. */
  json: Record<string, unknown>
}

/** Anything else: named fields. */
export interface RecordResult {
  kind: 'record'
  /** Lines for the table format. */
  text: string[]
  /** The JSON form. */
  json: Record<string, unknown>
}

/** One result to print. */
export type Result = ValuesResult | RecordResult

function cell(v: unknown): string {
  if (typeof v === 'boolean') return v ? '1' : '0'
  if (Array.isArray(v)) return v.map(cell).join(' ')
  if (v !== null && typeof v === 'object') return JSON.stringify(v)
  return String(v)
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

function jsonLine(value: Record<string, unknown>): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' ? jsonValue(v as TypedValue) : v))
}

/** Prints results in one format; CSV writes its header before the first row only. */
export class Renderer {
  private header: string | undefined

  constructor(
    private readonly format: Format,
    private readonly timestamps: boolean,
    private readonly write: (text: string) => void,
  ) {}

  /** Prints one result, stamped with `time` when timestamps are on. */
  print(result: Result, time: Date = new Date()): void {
    const stamp = this.timestamps ? time.toISOString() : undefined
    if (this.format === 'json') {
      this.write(jsonLine(stamp ? { time: stamp, ...result.json } : result.json) + '\n')
      return
    }
    if (this.format === 'csv') {
      const columns = result.kind === 'values' ? result.labels : Object.keys(result.json)
      const cells = result.kind === 'values' ? result.values.map(cell) : Object.values(result.json).map(cell)
      const header = (stamp ? ['time', ...columns] : columns).map(csvField).join(',')
      if (header !== this.header) {
        this.header = header
        this.write(header + '\n')
      }
      this.write((stamp ? [stamp, ...cells] : cells).map(csvField).join(',') + '\n')
      return
    }
    const lines = result.kind === 'values' ? result.values.map((v, i) => `${result.labels[i]}\t${cell(v)}`) : result.text
    this.write(lines.map((l) => (stamp ? `${stamp}\t${l}` : l)).join('\n') + (lines.length ? '\n' : ''))
  }
}
