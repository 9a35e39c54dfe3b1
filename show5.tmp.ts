import { probeProfile } from './conformance/probe.ts'
import { openTarget } from './conformance/targets/open.ts'
import { buildDevices, createServer, defaultDeviceFile, defaultRegistry } from './core/index.ts'
const devices = buildDevices(defaultDeviceFile([1]))
const server = createServer('tcp://127.0.0.1:0', { context: devices.context })
const served = await server.listen()
const target = await openTarget(served)
let n = 0
const orig = target.exchange.bind(target)
target.exchange = (r, o) => { n++; return orig(r, o) }
let tid = 0
const t0 = performance.now()
const p = await probeProfile({ target, unit: 1, level: 'strict', waitMs: 250, silenceMs: 150, nextTid: () => (tid = (tid % 255) + 1), registry: defaultRegistry })
console.log(performance.now() - t0, n, p.notes)
await target.close(); await server.close()
