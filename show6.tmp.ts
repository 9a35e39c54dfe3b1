import { spawn } from 'node:child_process'
import { runConformance } from './conformance/runner.ts'
import { ptyPair } from './test/helpers/pty.ts'
const medium = process.argv[2]
const pty = medium === 'rtu' ? await ptyPair() : undefined
const proc = spawn('/tmp/lmd', medium === 'rtu' ? ['rtu', pty!.a] : ['tcp'], { stdio: ['ignore', 'pipe', 'inherit'] })
const line: string = await new Promise((r) => proc.stdout!.on('data', (c) => r(String(c))))
const port = /READY tcp (\d+)/.exec(line)?.[1]
const profile = {
  functions: [1, 2, 3, 4, 5, 6, 0x0f, 0x10, 0x11, 0x16, 0x17],
  readable: { coils: [[0, 99]], discreteInputs: [[0, 99]], holdingRegisters: [[0, 99]], inputRegisters: [[0, 99]] },
  writable: { coils: [[0, 99]], holdingRegisters: [[0, 99]] },
  serverIdLength: 1,
} as any
let last = performance.now(); const slow: string[] = []
const r = await runConformance({ onProgress: (_d, _t, c) => { const now = performance.now(); if (now - last > 150) slow.push(`${c.id} ${Math.round(now - last)}`); last = now }, target: pty ? `rtu://${pty.b}?baud=19200` : `tcp://127.0.0.1:${port}`, unit: 1, level: 'strict', waitMs: 500, silenceMs: 200, profile: process.argv[3] === 'probe' ? undefined : profile })
console.log(r.durationMs, r.summary.total, r.summary.failed, r.summary.verdict, JSON.stringify(r.summary.bySeverity.must))
for (const c of r.cases) if (c.verdict === 'fail' || c.verdict === 'error' || c.wire.length) console.log(c.severity, c.id, c.verdict, '|', c.message, '|', c.request, '|', c.actual.hex, JSON.stringify(c.wire))
console.log(r.notes, slow.length, slow.slice(0, 60).join("\n"))
if (process.argv[3] === 'probe') console.log(JSON.stringify(r.profile))
proc.kill(); await pty?.close()
