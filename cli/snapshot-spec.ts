/**
 * Turning what `modbridge snapshot` read into device-file pieces (core/simulator/device-file.ts):
 * a table of values read becomes a sequential table when the addresses are one unbroken run and a
 * sparse one otherwise (so that a gap still answers exception 02 after replay), and a Report
 * Server ID reply is split into serverId, running and additionalData.
 */
import { splitServerId, type DeviceFile, type TableSpec, type UnitSpec } from '../core/index.ts'

/** An inclusive address range. */
export type AddressRange = [first: number, last: number]

/** A table spec for the values read: sequential when the addresses are contiguous, else sparse. */
export function tableSpec(values: ReadonlyMap<number, number | boolean>): TableSpec | undefined {
  if (values.size === 0) return undefined
  const addresses = [...values.keys()].sort((a, b) => a - b)
  const start = addresses[0]
  if (addresses[addresses.length - 1] - start + 1 === addresses.length) {
    return { start, length: addresses.length, values: addresses.map((a) => values.get(a)!) }
  }
  return { sparse: Object.fromEntries(addresses.map((a) => [String(a), values.get(a)!])) }
}

/** The contiguous runs of a set of addresses, as inclusive ranges. */
export function runsOf(addresses: Iterable<number>): AddressRange[] {
  const sorted = [...addresses].sort((a, b) => a - b)
  const runs: AddressRange[] = []
  for (const a of sorted) {
    const last = runs[runs.length - 1]
    if (last && a === last[1] + 1) last[1] = a
    else if (!last || a > last[1]) runs.push([a, a])
  }
  return runs
}

/** Report Server ID data as device-file fields, with a note on how it was split. */
export interface ServerIdParts {
  fields: Pick<UnitSpec, 'serverId' | 'running' | 'additionalData'>
  /** How the split was chosen; says when the replay cannot be byte-exact. */
  note: string
}

const RUN_ON = 0xff
const RUN_OFF = 0x00

/**
 * Splits Report Server ID data (hex). With `idLength` (a profile's serverIdLength) the split is
 * there. Without it the id's length cannot be told from the reply (§6.13), so the last byte that
 * is 0x00 or 0xFF (a possible run indicator) is taken as the run indicator: the replay then gives
 * back exactly the bytes recorded, whatever the true split. Only data with no such byte cannot be
 * replayed exactly (its last byte is taken as the indicator and replayed as 0xFF).
 */
export function serverIdParts(data: string, idLength?: number): ServerIdParts {
  const bytes = Buffer.from(data, 'hex')
  if (idLength !== undefined) {
    const s = splitServerId(data, idLength)
    const exact = s.runIndicator === RUN_ON || s.runIndicator === RUN_OFF
    return {
      fields: { serverId: s.serverId, running: s.runIndicator !== RUN_OFF, additionalData: s.additionalData },
      note: `server id split after ${idLength} byte(s) as the profile says${exact ? '' : `; the run indicator ${s.runIndicator === undefined ? 'is missing' : `0x${s.runIndicator.toString(16).padStart(2, '0')} is neither 0x00 nor 0xFF`}, so the replay answers 0xFF`}`,
    }
  }
  let at = -1
  for (let i = bytes.length - 1; i >= 1; i--) {
    if (bytes[i] === RUN_ON || bytes[i] === RUN_OFF) {
      at = i
      break
    }
  }
  if (at < 0) {
    const last = bytes.length - 1
    return {
      fields: { serverId: bytes.toString('hex', 0, Math.max(last, 1)), running: true, additionalData: '' },
      note: `server id: no byte after the first is 0x00 or 0xFF, so the last byte (0x${(bytes[last] ?? 0).toString(16).padStart(2, '0')}) was taken as the run indicator and is replayed as 0xFF: the replay differs there (give serverIdLength in a --profile)`,
    }
  }
  return {
    fields: { serverId: bytes.toString('hex', 0, at), running: bytes[at] === RUN_ON, additionalData: bytes.toString('hex', at + 1) },
    note: `server id: the id length is not in the reply (§6.13); byte ${at} (0x${bytes[at].toString(16).padStart(2, '0')}) was taken as the run indicator, so the replay answers the same ${bytes.length} bytes (give serverIdLength in a --profile for the true split)`,
  }
}

/**
 * A device file as JSON text for people: indented, with each array of values kept on one line
 * (10,000 registers one per line would make a file hard to read and diff). Only arrays whose
 * items hold no brackets or braces are joined; newlines never occur inside JSON strings, so a
 * string cannot be mistaken for an array.
 */
export function formatDeviceFile(file: DeviceFile): string {
  const text = JSON.stringify(file, null, 2)
  return text.replace(/\[\n\s+([^[\]{}]*?)\n\s*\]/g, (_, body: string) => `[${body.split(/,\n\s+/).join(', ')}]`) + '\n'
}
