/**
 * report.json: the versioned report every other output is rendered from, written and read back.
 */
import { ArgumentError } from '../../core/index.ts'
import { REPORT_SCHEMA, type ConformanceReport } from '../report.ts'

const VERDICTS = ['pass', 'fail', 'skip', 'error', 'not-run']
const SEVERITIES = ['must', 'should', 'may']
const LEVELS = ['strict', 'interop']

/** The report as 2-space indented JSON with a final newline (diff-friendly under version control). */
export function renderJson(report: ConformanceReport): string {
  return JSON.stringify(report, null, 2) + '\n'
}

/**
 * Parses report.json text. `source` (a file name) starts every error message. Checks that the
 * text is JSON, that `schema` is exactly {@link REPORT_SCHEMA}, and the fields `conformance diff`
 * reads: run identity (startedAt, tool.version, target, level, summary counts and verdict) and,
 * per case, id (unique), title, spec, severity, verdict and message. Other fields (timing,
 * observations, profile) are passed through unchecked.
 * @throws ArgumentError naming `source` and the offending field.
 */
export function parseReport(text: string, source: string): ConformanceReport {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (err) {
    throw new ArgumentError(`${source}: not JSON (${(err as Error).message}); expected a ${REPORT_SCHEMA} file`, { cause: err })
  }
  checkReport(data, source)
  return data
}

/**
 * Throws unless `data` has the fields parseReport checks. An assertion, not a full validation: the
 * other fields of a report of this schema are taken as written.
 */
function checkReport(data: unknown, source: string): asserts data is ConformanceReport {
  if (!isObject(data)) throw new ArgumentError(`${source}: not a ${REPORT_SCHEMA} file: the top level is ${kind(data)}, not an object`)
  if (data.schema !== REPORT_SCHEMA) {
    const found = data.schema === undefined ? 'has no "schema" field' : `has schema ${show(data.schema)}`
    throw new ArgumentError(`${source}: not a ${REPORT_SCHEMA} file: it ${found}`)
  }
  const at = new Checker(source)
  at.string(data, 'startedAt')
  at.oneOf(data, 'level', LEVELS)
  at.string(at.object(data, 'tool'), 'version', 'tool.')
  const target = at.object(data, 'target')
  at.string(target, 'address', 'target.')
  at.number(target, 'unit', 'target.')
  at.string(target, 'framer', 'target.')
  const summary = at.object(data, 'summary')
  at.oneOf(summary, 'verdict', ['pass', 'fail'], 'summary.')
  for (const field of ['total', 'passed', 'failed', 'skipped', 'errors']) at.number(summary, field, 'summary.')
  if (!Array.isArray(data.cases)) throw at.fail('cases', 'must be an array', data.cases)
  const seen = new Map<string, number>()
  data.cases.forEach((c: unknown, i: number) => {
    const path = `cases[${i}].`
    if (!isObject(c)) throw at.fail(`cases[${i}]`, 'must be an object', c)
    const id = at.string(c, 'id', path)
    const first = seen.get(id)
    if (first !== undefined) throw at.fail(`${path}id`, `must be unique (cases[${first}] has the same id)`, id)
    seen.set(id, i)
    at.string(c, 'title', path)
    at.string(c, 'spec', path)
    at.oneOf(c, 'severity', SEVERITIES, path)
    at.oneOf(c, 'verdict', VERDICTS, path)
    if (c.message !== null && typeof c.message !== 'string') throw at.fail(`${path}message`, 'must be a string or null', c.message)
  })
}

type Json = Record<string, unknown>

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function kind(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`
}

function show(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v)
  return text.length > 60 ? text.slice(0, 57) + '...' : text
}

/** Field checks that name the file and the field path in their errors. */
class Checker {
  constructor(private readonly source: string) {}

  fail(path: string, rule: string, got: unknown): ArgumentError {
    const found = got === undefined ? 'it is missing' : `got ${show(got)}`
    return new ArgumentError(`${this.source}: ${path} ${rule}; ${found}`)
  }

  object(o: Json, field: string, prefix = ''): Json {
    const v = o[field]
    if (!isObject(v)) throw this.fail(prefix + field, 'must be an object', v)
    return v
  }

  string(o: Json, field: string, prefix = ''): string {
    const v = o[field]
    if (typeof v !== 'string') throw this.fail(prefix + field, 'must be a string', v)
    return v
  }

  number(o: Json, field: string, prefix = ''): number {
    const v = o[field]
    if (typeof v !== 'number' || !Number.isFinite(v)) throw this.fail(prefix + field, 'must be a number', v)
    return v
  }

  oneOf(o: Json, field: string, allowed: readonly string[], prefix = ''): string {
    const v = o[field]
    if (typeof v !== 'string' || !allowed.includes(v)) throw this.fail(prefix + field, `must be one of ${allowed.join(', ')}`, v)
    return v
  }
}
