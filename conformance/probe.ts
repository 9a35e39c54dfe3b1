/**
 * `conformance probe`: discovers a starting profile — which function codes and diagnostics
 * sub-functions answer something other than exception 01, how far each table reads from address 0
 * (binary search on the answer 02), whether the first address of coils and holding registers takes a
 * write of the value it holds, which files and FIFOs answer, and the identity objects. A person should
 * review the result before certifying against it.
 */
import { encodeRequest, EXCEPTION_CODES, EXCEPTION_FLAG, FUNCTION_CODES, READ_DEVICE_ID_CODES, DIAGNOSTIC_SUB_FUNCTIONS, type Encodable, type FunctionSpec } from '../core/index.ts'
import { send, type CaseContext } from './cases/case.ts'
import { tryDecodeAs } from './cases/decode-as.ts'
import { SUB_FUNCTIONS } from './cases/sub-functions.ts'
import type { DeviceProfile, Range } from './profile.ts'

/** What the probe works with: a case context without a profile, which is what it finds. */
export type ProbeContext = Omit<CaseContext, 'profile'>

type FunctionName = keyof typeof FUNCTION_CODES

/** Return Query Data's test pattern (any word is echoed; this one is not a default). */
const QUERY_PATTERN = 0xa537

/** FIFO pointer addresses tried: the first two, and §6.18's example. */
const FIFO_CANDIDATES = [0, 1, 0x04de]

/** Sends a request; the reply PDU, or null for silence. */
async function ask(ctx: ProbeContext, request: Encodable): Promise<Buffer | null> {
  const { exchange } = await send(ctx, encodeRequest(request, ctx.registry))
  return exchange.reply?.pdu ?? null
}

/** The reply when it is a normal reply to `request` (the same function code), else null. */
async function answers(ctx: ProbeContext, request: Encodable): Promise<Buffer | null> {
  const code = encodeRequest(request, ctx.registry)[0]
  const pdu = await ask(ctx, request)
  return pdu !== null && pdu[0] === code ? pdu : null
}

/** Probe requests where the registry example would not tell (files and FIFOs need existing numbers; 15 would write). */
const SAMPLES: Partial<Record<FunctionName, Encodable | null>> = {
  readFileRecord: { function: 'readFileRecord', records: [{ file: 1, record: 0, length: 1 }] },
  writeFileRecord: null,
  readFifoQueue: { function: 'readFifoQueue', address: 0 },
  diagnostics: { function: 'diagnostics', subFunction: SUB_FUNCTIONS.returnQueryData, data: [QUERY_PATTERN] },
}
const SAMPLE_OF = new Map(Object.entries(SAMPLES))

/** Request used to find out whether a function is implemented at all. */
function sample(spec: FunctionSpec): Encodable | null {
  if (SAMPLE_OF.has(spec.name)) return SAMPLE_OF.get(spec.name) ?? null
  return spec.examples?.()[0]?.request ?? null
}

async function tableExtent(ctx: ProbeContext, fn: 'readCoils' | 'readDiscreteInputs' | 'readHoldingRegisters' | 'readInputRegisters'): Promise<Range[]> {
  const readsAt = async (address: number) => (await answers(ctx, { function: fn, address, quantity: 1 })) !== null
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

/** True when `pdu` is exception 01 to function `code`. */
function isIllegalFunction(pdu: Buffer, code: number): boolean {
  return pdu[0] === (code | EXCEPTION_FLAG) && pdu[1] === EXCEPTION_CODES.illegalFunction
}

/** Probes a device through a case context (its registry tells which functions to try). */
export async function probeProfile(ctx: ProbeContext): Promise<DeviceProfile> {
  const functions: number[] = []
  for (const spec of ctx.registry.list()) {
    const request = sample(spec)
    if (!request) continue
    const pdu = await ask(ctx, request)
    if (pdu !== null && !isIllegalFunction(pdu, spec.code)) functions.push(spec.code)
  }
  const has = (name: FunctionName) => functions.includes(FUNCTION_CODES[name])
  // 15 is never sent (it would write): a device with file records read is taken to write them too.
  if (has('readFileRecord')) functions.push(FUNCTION_CODES.writeFileRecord)
  functions.sort((a, b) => a - b)
  const profile: DeviceProfile = { unit: ctx.unit, functions, readable: {}, writable: {} }
  if (has('diagnostics')) {
    const diagnostics: number[] = []
    for (const sub of DIAGNOSTIC_SUB_FUNCTIONS) {
      // Listen-only would silence the device; it is claimed along with Restart Communications below.
      if (sub.code === SUB_FUNCTIONS.forceListenOnlyMode) continue
      const data = [sub.code === SUB_FUNCTIONS.returnQueryData ? QUERY_PATTERN : sub.defaultData]
      if (await answers(ctx, { function: 'diagnostics', subFunction: sub.code, data })) diagnostics.push(sub.code)
    }
    if (diagnostics.includes(SUB_FUNCTIONS.restartCommunicationsOption)) diagnostics.push(SUB_FUNCTIONS.forceListenOnlyMode)
    profile.diagnostics = diagnostics.sort((a, b) => a - b)
  }
  const tables = [
    ['coils', 'readCoils'],
    ['discreteInputs', 'readDiscreteInputs'],
    ['holdingRegisters', 'readHoldingRegisters'],
    ['inputRegisters', 'readInputRegisters'],
  ] as const
  for (const [table, fn] of tables) if (has(fn)) profile.readable[table] = await tableExtent(ctx, fn)
  const hr = profile.readable.holdingRegisters?.[0]
  if (hr && has('writeSingleRegister')) {
    const value = tryDecodeAs('readHoldingRegisters', await ask(ctx, { function: 'readHoldingRegisters', address: hr[0], quantity: 1 }))?.values[0]
    if (value !== undefined && (await answers(ctx, { function: 'writeSingleRegister', address: hr[0], value }))) profile.writable.holdingRegisters = [hr]
  }
  const coils = profile.readable.coils?.[0]
  if (coils && has('writeSingleCoil')) {
    const value = tryDecodeAs('readCoils', await ask(ctx, { function: 'readCoils', address: coils[0], quantity: 1 }))?.values[0]
    if (value !== undefined && (await answers(ctx, { function: 'writeSingleCoil', address: coils[0], value }))) profile.writable.coils = [coils]
  }
  if (has('readFileRecord')) {
    profile.files = []
    const readsRecord = async (file: number, record: number) => (await answers(ctx, { function: 'readFileRecord', records: [{ file, record, length: 1 }] })) !== null
    for (let file = 1; file <= 4; file++) {
      if (!(await readsRecord(file, 0))) continue
      let lo = 0
      let hi = 10000
      while (hi - lo > 1) {
        const mid = (lo + hi) >>> 1
        if (await readsRecord(file, mid)) lo = mid
        else hi = mid
      }
      profile.files.push({ file, records: lo + 1 })
    }
  }
  if (has('readFifoQueue')) {
    profile.fifos = []
    for (const address of FIFO_CANDIDATES) if (await answers(ctx, { function: 'readFifoQueue', address })) profile.fifos.push(address)
  }
  if (has('encapsulatedInterfaceTransport')) {
    const identity: Record<string, string> = {}
    let objectId = 0
    for (let i = 0; i < 32; i++) {
      const r = tryDecodeAs('readDeviceIdentification', await ask(ctx, { function: 'readDeviceIdentification', readCode: READ_DEVICE_ID_CODES.extended, objectId }), ctx.registry)
      if (!r) break
      for (const o of r.objects) identity[String(o.id)] = o.value
      if (!r.moreFollows || r.nextObjectId <= objectId) break
      objectId = r.nextObjectId
    }
    profile.identity = identity
  }
  return profile
}
