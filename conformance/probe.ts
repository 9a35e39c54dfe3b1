/**
 * `conformance probe`: discovers a starting profile — which function codes and diagnostics
 * sub-functions answer something other than exception 01, how far each table reads from address 0
 * (binary search on the answer 02), whether the first address of coils and holding registers takes a
 * write of the value it holds, which files and FIFOs answer, and the identity objects. A person should
 * review the result before certifying against it.
 */
import { decodeResponse, defaultRegistry, DIAGNOSTIC_SUB_FUNCTIONS, encodeRequest, type DeviceObject, type Encodable } from '../core/index.ts'
import { send, type CaseContext } from './cases/case.ts'
import type { DeviceProfile, Range } from './profile.ts'

type Probe = Omit<CaseContext, 'profile'> & { profile: DeviceProfile }

/** Sends a request; the reply PDU, or null for silence. */
async function ask(ctx: Probe, request: Encodable): Promise<Buffer | null> {
  const { exchange } = await send(ctx as CaseContext, encodeRequest(request))
  return exchange.reply?.pdu ?? null
}

const ok = (pdu: Buffer | null, fc: number) => pdu !== null && pdu[0] === fc

/** Probe requests where the registry example would not tell (files and FIFOs need existing numbers; 15 would write). */
const SAMPLES: Record<number, Encodable | null> = {
  [0x14]: { function: 'readFileRecord', records: [{ file: 1, record: 0, length: 1 }] },
  [0x15]: null,
  [0x18]: { function: 'readFifoQueue', address: 0 },
  [0x08]: { function: 'diagnostics', subFunction: 0, data: [0xa537] },
}

/** Request used to find out whether a function is implemented at all. */
function sample(code: number): Encodable | null {
  if (code in SAMPLES) return SAMPLES[code]
  return defaultRegistry.get(code)?.examples?.()[0]?.request ?? null
}

async function tableExtent(ctx: Probe, fn: 'readCoils' | 'readDiscreteInputs' | 'readHoldingRegisters' | 'readInputRegisters', fc: number): Promise<Range[]> {
  const readsAt = async (address: number) => ok(await ask(ctx, { function: fn, address, quantity: 1 } as Encodable), fc)
  for (const start of [0, 1]) {
    if (!(await readsAt(start))) continue
    if (await readsAt(0xffff)) return [[start, 0xffff]]
    let lo = start
    let hi = 0xffff
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1
      if (await readsAt(mid)) lo = mid
      else hi = mid
    }
    return [[start, lo]]
  }
  return []
}

/** Probes a device through a case context; `ctx.profile` is ignored. */
export async function probeProfile(ctx: Probe): Promise<DeviceProfile> {
  const functions: number[] = []
  for (const spec of defaultRegistry.list()) {
    const request = sample(spec.code)
    if (!request) continue
    const pdu = await ask(ctx, request)
    if (pdu !== null && !(pdu[0] === (spec.code | 0x80) && pdu[1] === 0x01)) functions.push(spec.code)
  }
  if (functions.includes(0x14)) functions.push(0x15)
  functions.sort((a, b) => a - b)
  const profile: DeviceProfile = { unit: ctx.unit, functions, readable: {}, writable: {} }
  if (functions.includes(0x08)) {
    profile.diagnostics = []
    for (const sub of DIAGNOSTIC_SUB_FUNCTIONS) {
      if (sub.code === 0x04) continue
      const pdu = await ask(ctx, { function: 'diagnostics', subFunction: sub.code, data: [sub.code === 0 ? 0xa537 : sub.defaultData] })
      if (ok(pdu, 0x08)) profile.diagnostics.push(sub.code)
    }
    if (profile.diagnostics.includes(0x01)) profile.diagnostics.push(0x04)
    profile.diagnostics.sort((a, b) => a - b)
  }
  const tables = [
    ['coils', 'readCoils', 0x01],
    ['discreteInputs', 'readDiscreteInputs', 0x02],
    ['holdingRegisters', 'readHoldingRegisters', 0x03],
    ['inputRegisters', 'readInputRegisters', 0x04],
  ] as const
  for (const [table, fn, fc] of tables) if (functions.includes(fc)) profile.readable[table] = await tableExtent(ctx, fn, fc)
  const hr = profile.readable.holdingRegisters?.[0]
  if (hr && functions.includes(0x06)) {
    const cur = await ask(ctx, { function: 'readHoldingRegisters', address: hr[0], quantity: 1 })
    if (cur) {
      const value = cur.readUInt16BE(2)
      if (ok(await ask(ctx, { function: 'writeSingleRegister', address: hr[0], value }), 0x06)) profile.writable.holdingRegisters = [hr]
    }
  }
  const coils = profile.readable.coils?.[0]
  if (coils && functions.includes(0x05)) {
    const cur = await ask(ctx, { function: 'readCoils', address: coils[0], quantity: 1 })
    if (cur && ok(await ask(ctx, { function: 'writeSingleCoil', address: coils[0], value: (cur[2] & 1) === 1 }), 0x05)) profile.writable.coils = [coils]
  }
  if (functions.includes(0x14)) {
    profile.files = []
    for (let file = 1; file <= 4; file++) {
      if (!ok(await ask(ctx, { function: 'readFileRecord', records: [{ file, record: 0, length: 1 }] }), 0x14)) continue
      let lo = 0
      let hi = 10000
      while (hi - lo > 1) {
        const mid = (lo + hi) >>> 1
        if (ok(await ask(ctx, { function: 'readFileRecord', records: [{ file, record: mid, length: 1 }] }), 0x14)) lo = mid
        else hi = mid
      }
      profile.files.push({ file, records: lo + 1 })
    }
  }
  if (functions.includes(0x18)) {
    profile.fifos = []
    for (const address of [0, 1, 0x04de]) if (ok(await ask(ctx, { function: 'readFifoQueue', address }), 0x18)) profile.fifos.push(address)
  }
  if (functions.includes(0x2b)) {
    const identity: Record<string, string> = {}
    let objectId = 0
    for (let i = 0; i < 32; i++) {
      const pdu = await ask(ctx, { function: 'readDeviceIdentification', readCode: 3, objectId })
      if (!ok(pdu, 0x2b)) break
      const r = decodeResponse(pdu!) as unknown as { objects: DeviceObject[]; moreFollows: boolean; nextObjectId: number }
      for (const o of r.objects) identity[String(o.id)] = o.value
      if (!r.moreFollows || r.nextObjectId <= objectId) break
      objectId = r.nextObjectId
    }
    profile.identity = identity
  }
  return profile
}
