import { runConformance } from './conformance/runner.ts'
import { buildDevices, createServer, defaultDeviceFile } from './core/index.ts'
import { ptyPair } from './test/helpers/pty.ts'
import { DEFAULT_PROFILE } from './test/conformance/runner/fixtures/defective-devices.ts'
const kind = process.argv[2]
const pty = await ptyPair()
const devices = buildDevices(defaultDeviceFile([1]))
const server = createServer(`${kind}://${pty.a}?baud=19200`, { context: devices.context })
await server.listen()
const r = await runConformance({ target: `${kind}://${pty.b}?baud=19200`, unit: 1, level: 'strict', waitMs: 250, silenceMs: 150, profile: process.argv[3] === 'probe' ? undefined : DEFAULT_PROFILE })
console.log(r.durationMs, r.summary.total, r.summary.failed, r.summary.verdict)
for (const c of r.cases) if (c.verdict !== 'pass') console.log(c.id, c.verdict, c.message, JSON.stringify(c.wire))
console.log(r.notes)
await server.close(); await pty.close()
