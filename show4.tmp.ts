import { runConformance } from './conformance/runner.ts'
import { buildDevices, createServer, defaultDeviceFile, defaultRegistry, PduError, type Registry } from './core/index.ts'
import { DEFAULT_PROFILE } from './test/conformance/runner/fixtures/defective-devices.ts'
function limited(subs: number[], mei: number[]): Registry {
  const r = defaultRegistry.clone()
  for (const [code, allowed] of [[0x08, subs], [0x2b, mei]] as const) {
    const spec = r.get(code)!
    const request = spec.request
    r.register({ ...spec, request: { ...request, read(buf, o, end) {
      const sub = spec.semantics?.subFunction?.(buf.subarray(o, end))
      if (sub !== undefined && !allowed.includes(sub)) throw new PduError('MB_ERR_UNKNOWN_FUNCTION', `sub-function ${sub} is not supported`, { functionCode: code })
      return request.read(buf, o, end)
    } } })
  }
  return r
}
const subs = [0x00, 0x0a, 0x0b, 0x0c]
const devices = buildDevices(defaultDeviceFile([1]))
const server = createServer('tcp://127.0.0.1:0', { context: devices.context, registry: limited(subs, []) })
const served = await server.listen()
const r = await runConformance({ target: served, unit: 1, level: 'strict', waitMs: 250, silenceMs: 150, profile: { ...DEFAULT_PROFILE, diagnostics: subs, meiTypes: [] } })
console.log(r.durationMs, r.summary.total, r.summary.failed, r.summary.verdict)
for (const c of r.cases) if (c.verdict !== 'pass') console.log(c.id, c.severity, c.verdict, c.message)
await server.close()
