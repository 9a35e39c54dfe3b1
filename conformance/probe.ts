/**
 * `conformance probe`: discovers a starting profile — which function codes, diagnostics
 * sub-functions and MEI types answer something other than exception 01, where each table is
 * readable anywhere in 0..65535 (a coarse scan, then bisection of every edge), whether the first
 * address of each readable coil and holding-register range takes a write of the value it holds,
 * which files and FIFOs answer, and the identity objects — and what it could not determine. A
 * person should review the result before certifying against it.
 */
import { encodeRequest, EXCEPTION_CODES, EXCEPTION_FLAG, FUNCTION_CODES, MEI_READ_DEVICE_ID, READ_DEVICE_ID_CODES, DIAGNOSTIC_SUB_FUNCTIONS, TransportError, hex, type Encodable, type FunctionSpec } from '../core/index.ts'
import { send, type CaseContext } from './cases/case.ts'
import { tryDecodeAs } from './cases/decode-as.ts'
import { SUB_FUNCTIONS } from './cases/sub-functions.ts'
import { findRanges } from './probe-tables.ts'
import type { DeviceProfile } from './profile.ts'

/** What the probe works with: a case context without a profile, which is what it finds. */
export type ProbeContext = Omit<CaseContext, 'profile'>

type FunctionName = keyof typeof FUNCTION_CODES

/** Return Query Data's test pattern (any word is echoed; this one is not a default). */
const QUERY_PATTERN = 0xa537

/** FIFO pointer addresses tried: the first two, and §6.18's example. */
const FIFO_CANDIDATES = [0, 1, 0x04de]

/** What a probe found, and what it could not determine. */
export interface ProbeResult {
  profile: DeviceProfile
  notes: string[]
}

/** Scan steps: one element every this many addresses, then bisection (networks answer fast; a serial line costs a frame time per probe). */
const NETWORK_STEP = 64
const SERIAL_STEP = 1024

/** A table scan gives up after this many reads drew no reply at all: each costs a whole reply window. */
const MAX_SILENT_READS = 8

/**
 * Sends a request; the reply PDU, or null when none came. After a request that drew none, the
 * target is settled (drained, and a connection re-opened) before the next.
 */
async function ask(ctx: ProbeContext, request: Encodable): Promise<Buffer | null> {
  const { exchange } = await send(ctx, encodeRequest(request, ctx.registry))
  if (exchange.reply) return exchange.reply.pdu
  const settled = await ctx.target.settle(0)
  if (settled.lost) throw new TransportError(`probe: ${settled.lost}`)
  return null
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

type ReadFunction = 'readCoils' | 'readDiscreteInputs' | 'readHoldingRegisters' | 'readInputRegisters'

/** Where `fn` reads one element, anywhere in 0..65535; `silent` collects addresses that drew no reply. */
function tableRanges(ctx: ProbeContext, fn: ReadFunction, silent: number[]) {
  return findRanges(async (address) => {
    if (silent.length >= MAX_SILENT_READS) return false
    const pdu = await ask(ctx, { function: fn, address, quantity: 1 })
    if (pdu === null) silent.push(address)
    return pdu !== null && pdu[0] === FUNCTION_CODES[fn]
  }, ctx.target.serial ? SERIAL_STEP : NETWORK_STEP)
}

/** True when `pdu` is exception 01 to function `code`. */
function isIllegalFunction(pdu: Buffer, code: number): boolean {
  return pdu[0] === (code | EXCEPTION_FLAG) && pdu[1] === EXCEPTION_CODES.illegalFunction
}

/** Probes a device through a case context (its registry tells which functions to try). */
export async function probeProfile(ctx: ProbeContext): Promise<ProbeResult> {
  const notes: string[] = []
  const functions: number[] = []
  const silentFunctions: number[] = []
  for (const spec of ctx.registry.list()) {
    const request = sample(spec)
    if (!request) continue
    const pdu = await ask(ctx, request)
    if (pdu === null) silentFunctions.push(spec.code)
    else if (!isIllegalFunction(pdu, spec.code)) functions.push(spec.code)
  }
  if (silentFunctions.length) notes.push(`probe: functions ${silentFunctions.map((c) => hex(c)).join(', ')} drew no reply at all (neither data nor exception 01): taken as not implemented, which cannot be told for sure`)
  const has = (name: FunctionName) => functions.includes(FUNCTION_CODES[name])
  // 15 is never sent (it would write): a device with file records read is taken to write them too.
  if (has('readFileRecord')) {
    functions.push(FUNCTION_CODES.writeFileRecord)
    notes.push('probe: 15 (write file record) is not sent; it is claimed because 14 answers')
  }
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
    else notes.push('probe: 08/04 (force listen only) is not sent; it is claimed only with 08/01, which did not answer')
    profile.diagnostics = diagnostics.sort((a, b) => a - b)
  }
  if (has('encapsulatedInterfaceTransport')) {
    const id = await ask(ctx, { function: 'readDeviceIdentification', readCode: READ_DEVICE_ID_CODES.basic, objectId: 0 })
    profile.meiTypes = id !== null && !isIllegalFunction(id, FUNCTION_CODES.encapsulatedInterfaceTransport) ? [MEI_READ_DEVICE_ID] : []
    notes.push('probe: MEI types other than 0x0E (Read Device Identification) are not tried')
  }
  const tables = [
    ['coils', 'readCoils'],
    ['discreteInputs', 'readDiscreteInputs'],
    ['holdingRegisters', 'readHoldingRegisters'],
    ['inputRegisters', 'readInputRegisters'],
  ] as const
  const step = ctx.target.serial ? SERIAL_STEP : NETWORK_STEP
  for (const [table, fn] of tables) {
    if (!has(fn)) continue
    const silent: number[] = []
    profile.readable[table] = await tableRanges(ctx, fn, silent)
    if (silent.length >= MAX_SILENT_READS) notes.push(`probe: ${table}: could not be determined: ${silent.length} reads drew no reply at all (the first at ${silent[0]}), so the scan stopped; what it found before is kept`)
    else if (silent.length) notes.push(`probe: ${table}: ${silent.length} reads drew no reply (e.g. at ${silent[0]}); those addresses are taken as unreadable`)
  }
  notes.push(`probe: tables were scanned every ${step} addresses, then each edge bisected: a readable run or a hole shorter than ${step} addresses between two probes can be missed`)
  const hrWritable = []
  for (const range of has('writeSingleRegister') ? (profile.readable.holdingRegisters ?? []) : []) {
    const value = tryDecodeAs('readHoldingRegisters', await ask(ctx, { function: 'readHoldingRegisters', address: range[0], quantity: 1 }))?.values[0]
    if (value !== undefined && (await answers(ctx, { function: 'writeSingleRegister', address: range[0], value }))) hrWritable.push(range)
  }
  if (hrWritable.length) profile.writable.holdingRegisters = hrWritable
  const coilsWritable = []
  for (const range of has('writeSingleCoil') ? (profile.readable.coils ?? []) : []) {
    const value = tryDecodeAs('readCoils', await ask(ctx, { function: 'readCoils', address: range[0], quantity: 1 }))?.values[0]
    if (value !== undefined && (await answers(ctx, { function: 'writeSingleCoil', address: range[0], value }))) coilsWritable.push(range)
  }
  if (coilsWritable.length) profile.writable.coils = coilsWritable
  if (hrWritable.length || coilsWritable.length) notes.push('probe: a readable range is taken as writable when its first address takes a write of the value it holds; the rest of the range is not tried')
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
    notes.push('probe: only files 1-4 are tried, each up to record 9999')
  }
  if (has('readFifoQueue')) {
    profile.fifos = []
    for (const address of FIFO_CANDIDATES) if (await answers(ctx, { function: 'readFifoQueue', address })) profile.fifos.push(address)
    notes.push(`probe: only FIFO pointer addresses ${FIFO_CANDIDATES.join(', ')} are tried`)
  }
  if (has('encapsulatedInterfaceTransport') && profile.meiTypes?.length) {
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
  if (has('reportServerId')) notes.push("probe: Report Server ID (11): the server id's length cannot be told from a reply (§6.13); set serverIdLength in the profile to have the run indicator judged")
  return { profile, notes }
}
