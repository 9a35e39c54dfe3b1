import { runConformance } from './conformance/runner.ts'
import { buildDevices, createServer, defaultDeviceFile } from './core/index.ts'
import { DEFAULT_PROFILE } from './test/conformance/runner/fixtures/defective-devices.ts'
const devices = buildDevices(defaultDeviceFile([1]))
const server = createServer('tcp://127.0.0.1:0', { context: devices.context })
const served = await server.listen()
const t0 = performance.now()
const r = await runConformance({ target: served, unit: 1, level: 'strict', waitMs: 250, silenceMs: 150, profile: process.argv[2] === 'probe' ? undefined : DEFAULT_PROFILE })
console.log(r.durationMs, r.summary, performance.now() - t0)
for (const c of r.cases) if (c.verdict !== 'pass') console.log(c.id, c.verdict, c.message, c.wire)
console.log(r.notes)
await server.close()
