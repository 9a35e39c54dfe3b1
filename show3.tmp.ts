import { runConformance } from './conformance/runner.ts'
import { ptyPair } from './test/helpers/pty.ts'
import { DEFAULT_PROFILE, DEFECTS, startDevice } from './test/conformance/runner/fixtures/defective-devices.ts'
const name = process.argv[2] as keyof typeof DEFECTS
const d = DEFECTS[name]
const pty = d.medium === 'rtu' ? await ptyPair() : undefined
const dev = await startDevice(d, pty?.a)
const r = await runConformance({ target: pty ? `rtu://${pty.b}?baud=19200` : dev.target, unit: 1, level: 'strict', waitMs: 250, silenceMs: 100, profile: DEFAULT_PROFILE, only: process.argv[3] ? process.argv[3].split(',').map((x) => parseInt(x, 16)) : undefined })
console.log(r.durationMs, r.summary.total, r.summary.failed, r.summary.verdict)
for (const c of r.cases) if (c.verdict !== 'pass' || c.wire.length || c.id.startsWith('frame.')) console.log(c.id, c.verdict, c.message, c.request, c.actual, JSON.stringify(c.wire))
await dev.close(); await pty?.close()
