/**
 * Recording one unit of a live device as a device file (`modbridge snapshot`): where each table is
 * readable (a profile's ranges, or the conformance probe's coarse scan and bisection, which only
 * reads), every readable address in spec-sized chunks (halved on exception 02 or 03, so gaps and
 * smaller device limits are found), identity objects, Report Server ID, exception status, FIFOs and
 * file records. Everything it could not read is listed, and a time budget bounds the whole run.
 */
import { findRanges } from '../conformance/probe-tables.ts'
import type { DeviceProfile } from '../conformance/profile.ts'
import { EXCEPTION_CODES, ModbusError, ModbusExceptionError, TimeoutError, type DeviceFile, type ModbusClient, type UnitSpec } from '../core/index.ts'
import { runsOf, serverIdParts, tableSpec, type AddressRange } from './snapshot-spec.ts'

type TableName = 'coils' | 'discreteInputs' | 'holdingRegisters' | 'inputRegisters'

const TABLES: readonly TableName[] = ['coils', 'discreteInputs', 'holdingRegisters', 'inputRegisters']
const BIT_TABLES = new Set<TableName>(['coils', 'discreteInputs'])

/** Spec read limits (§6.1-§6.4): 2000 bits, 125 registers per request. */
const MAX_READ_BITS = 2000
const MAX_READ_REGISTERS = 125
/** Records per Read File Record sub-request: 100 keeps the reply well inside 253 bytes (§6.14). */
const FILE_CHUNK = 100
/** Files and record counts tried without a profile (as the conformance probe does). */
const MAX_FILE = 4
const MAX_RECORDS = 10000
/** FIFO pointer addresses tried without a profile: the first two, and §6.18's example. */
const FIFO_CANDIDATES = [0, 1, 0x04de]
/** Scan step of the range search: one read every this many addresses, then bisection. */
const NETWORK_STEP = 64
const SERIAL_STEP = 1024
/** A range scan gives up after this many reads drew no reply at all. */
const MAX_SILENT_READS = 8
/** A progress line at most this often while a table is read (a serial line can take minutes). */
const PROGRESS_EVERY_MS = 5000
/** Exceptions after which a chunk is halved: illegal data address, illegal data value. */
const SPLIT_ON = new Set<number>([EXCEPTION_CODES.illegalDataAddress, EXCEPTION_CODES.illegalDataValue])

/** What to record and how. */
export interface SnapshotOptions {
  unit: number
  /** Readable ranges, files, FIFOs and serverIdLength from a profile; without it the tables are scanned. */
  profile?: DeviceProfile
  /** Scan step for the range search (serial lines want a coarser one). */
  serial?: boolean
  /** Milliseconds since the epoch after which nothing more is asked. */
  deadline: number
  /** Progress lines (to stderr in the CLI). */
  progress?: (line: string) => void
}

/** A recorded unit and what could not be recorded. */
export interface Snapshot {
  file: DeviceFile
  /** Ranges found readable per table (what the replay is exact for). */
  ranges: Partial<Record<TableName, AddressRange[]>>
  /** What could not be read, one line each. */
  missing: string[]
  /** How choices were made (server id split, scan resolution). */
  notes: string[]
  requests: number
}

/** Reads one unit of a device through `client` into a device file. */
export async function takeSnapshot(client: ModbusClient, options: SnapshotOptions): Promise<Snapshot> {
  const { unit, profile, deadline } = options
  const progress = options.progress ?? (() => {})
  const missing: string[] = []
  const notes: string[] = []
  let requests = 0
  const timeUp = () => Date.now() > deadline
  /** Runs one request; an exception or timeout is returned, not thrown; past the deadline nothing is sent. */
  const ask = async <T>(run: () => Promise<T>): Promise<T | ModbusError> => {
    if (timeUp()) return new TimeoutError('snapshot: the time limit (--max-seconds) was reached')
    requests++
    try {
      return await run()
    } catch (err) {
      if (err instanceof ModbusError) return err
      throw err
    }
  }
  const spec: UnitSpec = {}
  const ranges: Snapshot['ranges'] = {}
  const read = (table: TableName, address: number, quantity: number): Promise<(number | boolean)[]> =>
    table === 'coils' ? client.readCoils(unit, address, quantity)
    : table === 'discreteInputs' ? client.readDiscreteInputs(unit, address, quantity)
    : table === 'holdingRegisters' ? client.readHoldingRegisters(unit, address, quantity)
    : client.readInputRegisters(unit, address, quantity)

  for (const table of TABLES) {
    let found: AddressRange[]
    if (profile) found = profile.readable[table] ?? []
    else {
      let silent = 0
      found = await findRanges(async (address) => {
        if (silent >= MAX_SILENT_READS) return false
        const r = await ask(() => read(table, address, 1))
        if (r instanceof TimeoutError || (r instanceof ModbusError && !(r instanceof ModbusExceptionError))) silent++
        return !(r instanceof ModbusError)
      }, options.serial ? SERIAL_STEP : NETWORK_STEP)
      if (silent >= MAX_SILENT_READS) missing.push(`${table}: the range scan stopped after ${silent} reads drew no reply`)
    }
    const total = found.reduce((n, [a, b]) => n + b - a + 1, 0)
    progress(`snapshot: ${table}: ${total} address(es) in ${found.length} range(s)${found.length ? ` (${found.map(([a, b]) => `${a}-${b}`).join(', ')})` : ''}`)
    const values = new Map<number, number | boolean>()
    let reported = Date.now()
    const failed = new Map<string, number[]>()
    const readChunk = async (address: number, quantity: number): Promise<void> => {
      const r = await ask(() => read(table, address, quantity))
      if (!(r instanceof ModbusError)) {
        r.forEach((v, i) => values.set(address + i, v))
        if (Date.now() - reported > PROGRESS_EVERY_MS) {
          reported = Date.now()
          progress(`snapshot: ${table}: ${values.size} of ${total} read`)
        }
        return
      }
      if (r instanceof ModbusExceptionError && SPLIT_ON.has(r.exceptionCode) && quantity > 1) {
        const half = Math.ceil(quantity / 2)
        await readChunk(address, half)
        await readChunk(address + half, quantity - half)
        return
      }
      const why = r instanceof ModbusExceptionError ? `exception 0x${r.exceptionCode.toString(16).padStart(2, '0')}` : r.message
      const list = failed.get(why) ?? []
      for (let a = address; a < address + quantity; a++) list.push(a)
      failed.set(why, list)
    }
    const max = BIT_TABLES.has(table) ? MAX_READ_BITS : MAX_READ_REGISTERS
    for (const [first, last] of found) {
      for (let a = first; a <= last; a += max) await readChunk(a, Math.min(max, last - a + 1))
    }
    for (const [why, addresses] of failed) missing.push(`${table} ${runsOf(addresses).map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(', ')}: ${why}`)
    const t = tableSpec(values)
    if (t) spec[table] = t
    ranges[table] = runsOf(values.keys())
  }
  if (!profile) notes.push(`tables were scanned every ${options.serial ? SERIAL_STEP : NETWORK_STEP} addresses, then each edge bisected (the conformance probe's search): a readable run or a hole shorter than that between two probes can be missed`)

  const identity = await readIdentity(ask, client, unit)
  if (identity instanceof ModbusError) missing.push(`identity (2B/0E): ${identity.message}`)
  else if (identity.length) spec.identity = Object.fromEntries(identity.map((o) => [String(o.id), o.value]))

  const serverId = await ask(() => client.reportServerId(unit))
  if (serverId instanceof ModbusError) missing.push(`report server id (11): ${serverId.message}`)
  else {
    const parts = serverIdParts(serverId.data, profile?.serverIdLength)
    Object.assign(spec, parts.fields)
    notes.push(parts.note)
  }

  const status = await ask(() => client.readExceptionStatus(unit))
  if (status instanceof ModbusError) missing.push(`exception status (07): ${status.message}`)
  else spec.exceptionStatus = status

  const fifos: Record<string, number[]> = {}
  for (const address of profile ? (profile.fifos ?? []) : FIFO_CANDIDATES) {
    const r = await ask(() => client.readFifoQueue(unit, address))
    if (!(r instanceof ModbusError)) fifos[String(address)] = r
    else if (profile || !(r instanceof ModbusExceptionError)) missing.push(`fifo ${address} (18): ${r.message}`)
  }
  if (Object.keys(fifos).length) spec.fifos = fifos
  if (!profile) notes.push(`fifos: only pointer addresses ${FIFO_CANDIDATES.join(', ')} were tried`)

  const files = await readFiles(ask, client, unit, profile, missing)
  if (Object.keys(files).length) spec.files = files
  if (!profile) notes.push(`files: only files 1-${MAX_FILE} were tried, each up to ${MAX_RECORDS} records`)
  if (timeUp()) missing.push('the time limit (--max-seconds) was reached: what is listed above as timed out was never asked')

  return { file: { units: { [String(unit)]: spec } }, ranges, missing, notes, requests }
}

type Ask = <T>(run: () => Promise<T>) => Promise<T | ModbusError>

/** Identity objects: extended (every object), falling back to regular, then basic. */
async function readIdentity(ask: Ask, client: ModbusClient, unit: number) {
  let last: ModbusError | undefined
  for (const readCode of [3, 2, 1]) {
    const r = await ask(() => client.readDeviceIdentificationAll(unit, readCode))
    if (!(r instanceof ModbusError)) return r
    last = r
    if (!(r instanceof ModbusExceptionError)) break
  }
  return last!
}

/** File records: the profile's files, or files 1-4 with their record counts found by bisection. */
async function readFiles(ask: Ask, client: ModbusClient, unit: number, profile: DeviceProfile | undefined, missing: string[]): Promise<Record<string, number[]>> {
  const readsRecord = async (file: number, record: number) => !((await ask(() => client.readFileRecord(unit, [{ file, record, length: 1 }]))) instanceof ModbusError)
  let files = profile?.files ?? []
  if (!profile) {
    files = []
    for (let file = 1; file <= MAX_FILE; file++) {
      if (!(await readsRecord(file, 0))) continue
      let lo = 0
      let hi = MAX_RECORDS
      while (hi - lo > 1) {
        const mid = (lo + hi) >>> 1
        if (await readsRecord(file, mid)) lo = mid
        else hi = mid
      }
      files.push({ file, records: lo + 1 })
    }
  }
  const out: Record<string, number[]> = {}
  for (const { file, records } of files) {
    const values: number[] = []
    for (let record = 0; record < records; record += FILE_CHUNK) {
      const length = Math.min(FILE_CHUNK, records - record)
      const r = await ask(() => client.readFileRecord(unit, [{ file, record, length }]))
      if (r instanceof ModbusError) {
        missing.push(`file ${file} records ${record}-${records - 1} (14): ${r.message}; the file is left out`)
        break
      }
      values.push(...r[0])
    }
    if (values.length === records) out[String(file)] = values
  }
  return out
}
