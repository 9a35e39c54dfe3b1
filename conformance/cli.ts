/**
 * `modbridge conformance run | probe | diff`.
 * Exit codes: 0 no case failed that fails the run (MUST failures at the chosen level; SHOULD ones
 * too with --fail-on should; SHOULD and MAY failures are otherwise warnings); 1 such a case failed
 * or could not be judged (or, for diff, a regression); 2 the run could not proceed or stopped
 * (target unreachable or lost for good, bad profile or arguments).
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import type { Argv, CommandModule } from 'yargs'
import { ArgumentError, defaultRegistry } from '../core/index.ts'
import { diffReports, renderDiff } from './diff.ts'
import { probeProfile } from './probe.ts'
import { loadProfile } from './profile.ts'
import type { CaseReport, ConformanceReport } from './report.ts'
import { parseReport } from './reporters/json.ts'
import { writeReports } from './reporters/write.ts'
import { failsRun, runConformance } from './runner.ts'
import { TargetCapture } from './targets/capture.ts'
import { openTarget } from './targets/open.ts'

interface RunArgs {
  target: string
  unit: number
  profile?: string
  level: 'strict' | 'interop'
  only?: string
  out?: string
  timeout: number
  silence?: number
  'fail-on': 'must' | 'should'
  capture?: string
}

function functionList(text: string): number[] {
  return text.split(/[\s,]+/).filter(Boolean).map((t) => {
    const n = /^(0x)?[0-9a-f]{1,2}$/i.test(t) ? parseInt(t.replace(/^0x/i, ''), 16) : NaN
    if (!Number.isInteger(n) || n < 1 || n > 127) throw new ArgumentError(`--only: ${JSON.stringify(t)} is not a function code (hex, e.g. 03,10,2b)`)
    return n
  })
}

/** True when folder `a` is `b` or inside it. */
function isInside(a: string, b: string): boolean {
  const r = relative(resolve(b), resolve(a))
  return r === '' || (!r.startsWith('..') && !isAbsolute(r))
}

function progress(done: number, total: number, c: CaseReport): void {
  if (!process.stderr.isTTY) return
  const width = 30
  const filled = Math.round((done / total) * width)
  const mark = c.verdict === 'pass' ? ' ' : c.verdict === 'fail' ? '✗' : c.verdict === 'skip' || c.verdict === 'not-run' ? '-' : '!'
  process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(done).padStart(4)}/${total} ${mark} ${c.id.slice(0, 50).padEnd(50)}`)
  if (done === total) process.stderr.write('\n')
}

/** The console summary: counts by category and severity, failures, timing, verdict. */
export function summaryTable(r: ConformanceReport, outDir?: string): string {
  const lines: string[] = []
  lines.push(`conformance ${r.summary.verdict.toUpperCase()}: ${r.target.address} unit ${r.target.unit} (${r.target.framer}), level ${r.level}`)
  lines.push('')
  lines.push(`${'category'.padEnd(12)} ${'total'.padStart(6)} ${'pass'.padStart(6)} ${'fail'.padStart(6)} ${'skip'.padStart(6)} ${'error'.padStart(6)}`)
  for (const cat of ['positive', 'negative', 'exception', 'framing', 'scenario'] as const) {
    const cs = r.cases.filter((c) => c.category === cat)
    const n = (v: string) => String(cs.filter((c) => c.verdict === v).length).padStart(6)
    lines.push(`${cat.padEnd(12)} ${String(cs.length).padStart(6)} ${n('pass')} ${n('fail')} ${n('skip')} ${n('error')}`)
  }
  const s = r.summary
  lines.push(`${'all'.padEnd(12)} ${String(s.total).padStart(6)} ${String(s.passed).padStart(6)} ${String(s.failed).padStart(6)} ${String(s.skipped).padStart(6)} ${String(s.errors).padStart(6)}`)
  lines.push(`must ${s.bySeverity.must.passed}/${s.bySeverity.must.total} passed, should ${s.bySeverity.should.passed}/${s.bySeverity.should.total}, may ${s.bySeverity.may.passed}/${s.bySeverity.may.total}`)
  lines.push(`reply window ${r.options.timeoutMs} ms, silence window ${r.options.silenceMs} ms, failing on ${r.options.failOn.toUpperCase()} failures`)
  if (s.notRun) lines.push(`${s.notRun} cases not run: ${s.stopped ?? ''}`)
  const failed = r.cases.filter((c) => failsRun(c, r.options.failOn))
  const warned = r.cases.filter((c) => c.verdict === 'fail' && !failsRun(c, r.options.failOn))
  for (const [title, list] of [
    ['failures:', failed],
    ['warnings (do not fail the run):', warned],
  ] as const) {
    if (!list.length) continue
    lines.push('')
    lines.push(title)
    for (const c of list.slice(0, 30)) lines.push(`  ${c.verdict === 'error' ? 'ERROR' : c.severity.toUpperCase().padEnd(6)} ${c.id} (${c.spec}): ${c.message ?? ''}`)
    if (list.length > 30) lines.push(`  … and ${list.length - 30} more (see the report)`)
  }
  if (r.notes.length) {
    lines.push('')
    lines.push('notes:')
    for (const n of r.notes) lines.push(`  ${n}`)
  }
  const t = r.timing.response
  lines.push('')
  lines.push(`response time: p50 ${t.p50Ms} ms, p90 ${t.p90Ms} ms, p99 ${t.p99Ms} ms, max ${t.maxMs} ms over ${t.count} replies`)
  const wire = r.timing.wireMs === null ? '' : `; the wire itself needed ${r.timing.wireMs} ms of it (frame sizes at the line's baud rate)`
  lines.push(`run time: ${r.durationMs} ms${wire}`)
  if (outDir) lines.push(`reports: ${outDir}`)
  return lines.join('\n')
}

const run: CommandModule<object, RunArgs> = {
  command: 'run',
  describe: 'Replay the golden vectors and scenarios against a device and write reports',
  builder: (y: Argv) =>
    y
      .option('target', { type: 'string', demandOption: true, describe: 'device address: tcp://, udp://, rtu+tcp://, rtu://, ascii://, binary://' })
      .option('unit', { type: 'number', default: 1, describe: 'unit id under test' })
      .option('profile', { type: 'string', describe: 'device profile (JSON); probed when absent' })
      .option('level', { choices: ['strict', 'interop'] as const, default: 'strict' as const, describe: 'interop tolerates what the field tolerates' })
      .option('only', { type: 'string', describe: 'only these function codes, hex: 03,10' })
      .option('out', { type: 'string', describe: 'report folder (default reports/<date-time>)' })
      .option('timeout', { type: 'number', default: 1000, describe: 'reply window per request, ms' })
      .option('silence', { type: 'number', describe: 'how long a case that must draw no reply listens, and how long a late reply is waited for, ms (default 300 on networks, 500 on serial lines)' })
      .option('fail-on', { choices: ['must', 'should'] as const, default: 'must' as const, describe: 'which failures fail the run (exit 1); the others are warnings' })
      .option('capture', { type: 'string', requiresArg: true, describe: 'write every frame sent and received (stray and late ones too) to this pcapng file, for Wireshark; the report links it' })
      .example('$0 conformance run --target tcp://127.0.0.1:5020 --unit 1 --out reports/sim', '')
      .example('$0 conformance run --target "rtu:///dev/ttyUSB0?baud=19200" --unit 3 --profile device.json --level interop --only 03,10', '')
      .example('$0 conformance run --target tcp://127.0.0.1:5020 --out reports/plc --capture reports/plc/run.pcapng', 'with a capture of the run, linked from the report'),
  async handler(args) {
    const profile = args.profile ? loadProfile(args.profile) : undefined
    const only = args.only ? functionList(args.only) : undefined
    const out = args.out ?? join('reports', new Date().toISOString().replace(/[:.]/g, '-'))
    // The capture file is created first: a path that cannot be written stops the run before it begins.
    // Inside the report folder, the folder is made (as the reports will make it); elsewhere it must exist.
    let captureError: string | undefined
    if (args.capture && isInside(dirname(args.capture), out)) await mkdir(dirname(args.capture), { recursive: true })
    const capture = args.capture ? await TargetCapture.create(args.capture, (message) => (captureError = message)) : undefined
    let report: ConformanceReport
    try {
      report = await runConformance({ target: args.target, unit: args.unit, profile, level: args.level, only, waitMs: args.timeout, silenceMs: args.silence, failOn: args['fail-on'], onProgress: progress, capture })
    } finally {
      await capture?.close()
    }
    if (capture && args.capture) {
      // A path relative to the report's folder, with forward slashes: what the HTML report links.
      report.capture = relative(out, args.capture).split(sep).join('/')
      if (captureError) report.notes.push(`the capture is incomplete: ${captureError}`)
    }
    await writeReports(report, out)
    process.stdout.write(summaryTable(report, out) + '\n')
    if (capture && args.capture) process.stdout.write(`capture: ${args.capture} (${capture.file.stats.packets} packets; open it with: wireshark ${args.capture})\n`)
    process.exitCode = report.summary.stopped !== null ? 2 : report.summary.verdict === 'pass' ? 0 : 1
  },
}

interface ProbeArgs {
  target: string
  unit: number
  out?: string
  timeout: number
}

const probe: CommandModule<object, ProbeArgs> = {
  command: 'probe',
  describe: 'Discover a starting device profile (claimed function codes, readable ranges, files, FIFOs, identity)',
  builder: (y: Argv) =>
    y
      .option('target', { type: 'string', demandOption: true, describe: 'device address: tcp://, udp://, rtu+tcp://, rtu://, ascii://, binary://' })
      .option('unit', { type: 'number', default: 1, describe: 'unit id to probe' })
      .option('out', { type: 'string', describe: 'write the profile here (default: print it)' })
      .option('timeout', { type: 'number', default: 1000, describe: 'reply timeout per request, ms' })
      .example('$0 conformance probe --target tcp://127.0.0.1:5020 --unit 1 --out device.json', ''),
  async handler(args) {
    const target = await openTarget(args.target)
    try {
      let tid = 0
      const { profile, notes } = await probeProfile({
        target,
        unit: args.unit,
        level: 'strict',
        waitMs: args.timeout,
        silenceMs: 300,
        nextTid: () => (tid = (tid % 0xff) + 1),
        registry: defaultRegistry,
      })
      for (const n of notes) process.stderr.write(`${n}\n`)
      const text = JSON.stringify(profile, null, 2) + '\n'
      if (args.out) {
        writeFileSync(args.out, text)
        process.stdout.write(`profile written to ${args.out}\n`)
      } else process.stdout.write(text)
    } finally {
      await target.close()
    }
  },
}

interface DiffArgs {
  old: string
  new: string
}

const diff: CommandModule<object, DiffArgs> = {
  command: 'diff <old> <new>',
  describe: 'Regressions and fixes between two runs (e.g. firmware A and B); exits 1 on any regression',
  builder: (y: Argv) =>
    y
      .positional('old', { type: 'string', demandOption: true, describe: 'the earlier report.json' })
      .positional('new', { type: 'string', demandOption: true, describe: 'the later report.json' })
      .example('$0 conformance diff reports/fw-1.2/report.json reports/fw-1.3/report.json', ''),
  handler(args) {
    const read = (p: string) => {
      try {
        return parseReport(readFileSync(p, 'utf8'), p)
      } catch (err) {
        if (err instanceof ArgumentError) throw err
        throw new ArgumentError(`cannot read ${p}: ${(err as Error).message}`, { cause: err })
      }
    }
    const d = diffReports(read(args.old), read(args.new))
    process.stdout.write(renderDiff(d) + '\n')
    process.exitCode = d.regressions.length > 0 ? 1 : 0
  },
}

/** The `conformance` command group. */
export const conformanceCommand: CommandModule = {
  command: 'conformance <command>',
  describe: 'Certify a Modbus device against the golden vectors (run, probe, diff)',
  builder: (y: Argv) => y.command(run).command(probe).command(diff).demandCommand(1),
  handler: () => {},
}
