/**
 * `modbridge snapshot`: records units of a live device (one, or several: `--unit 1,2` or `--unit 1
 * --unit 2`, one after another on one connection) as a device file that `modbridge serve --device`
 * replays, answering as the device did for every address read. Progress, notes and what could not be
 * read go to stderr, each line naming its unit when there are several; the whole run is bounded by
 * --max-seconds.
 */
import { writeFileSync } from 'node:fs'
import type { Argv, CommandModule } from 'yargs'
import { loadProfile } from '../conformance/profile.ts'
import { ArgumentError, connectClient, isSerial, parseAddress, TransportError, type DeviceFile } from '../core/index.ts'
import { takeSnapshot } from './snapshot-read.ts'
import { formatDeviceFile } from './snapshot-spec.ts'

interface SnapshotArgs {
  target: string
  unit: (string | number)[]
  profile?: string
  out: string
  timeout: number
  maxSeconds: number
}

/** The `snapshot` command. */
export const snapshotCommand: CommandModule<object, SnapshotArgs> = {
  command: 'snapshot',
  describe: 'Record a device as a device file for serve --device',
  builder: (y: Argv) =>
    y
      .option('target', { type: 'string', demandOption: true, describe: 'address of the device (tcp://, rtu://, ...)' })
      .option('unit', { type: 'string', array: true, default: ['1'], describe: 'unit id(s) to record: repeatable, or a comma list (1,2,5)' })
      .option('profile', { type: 'string', describe: 'device profile (conformance probe output): its readable ranges, files, FIFOs and serverIdLength instead of a scan' })
      .option('out', { type: 'string', demandOption: true, describe: 'device file to write' })
      .option('timeout', { type: 'number', default: 1000, describe: 'reply timeout per request, ms' })
      .option('max-seconds', { type: 'number', default: 120, describe: 'stop asking after this long and write what was read' })
      .example('$0 snapshot --target tcp://192.168.1.20:502 --unit 1 --out device.json', '')
      .example('$0 snapshot --target "rtu:///dev/ttyUSB0?baud=19200" --unit 1,2,7 --out line.json', 'three units of a serial line in one file') as Argv<unknown> as Argv<SnapshotArgs>,
  async handler(args) {
    const units = unitList(args.unit)
    if (!(args.maxSeconds > 0)) throw new ArgumentError(`--max-seconds: expected a positive number, got ${args.maxSeconds}`)
    const profile = args.profile ? loadProfile(args.profile) : undefined
    const address = parseAddress(args.target)
    const client = connectClient(address, { timeout: args.timeout })
    const began = Date.now()
    const several = units.length > 1
    const say = (unit: number, line: string) => process.stderr.write(`${several ? `unit ${unit}: ` : ''}${line}\n`)
    const file: DeviceFile = { units: {} }
    let requests = 0
    try {
      for (const unit of units) {
        const snap = await takeSnapshot(client, {
          unit,
          profile,
          serial: isSerial(address),
          deadline: began + args.maxSeconds * 1000,
          progress: (line) => say(unit, line),
        })
        requests += snap.requests
        for (const n of snap.notes) say(unit, `note: ${n}`)
        if (snap.missing.length) {
          say(unit, `could not read (${snap.missing.length}):`)
          for (const m of snap.missing) process.stderr.write(`  ${m}\n`)
        } else say(unit, 'could not read: nothing')
        const recorded = snap.file.units[String(unit)]
        if (Object.keys(recorded).length === 0) say(unit, 'nothing could be read; the unit is left out of the file')
        else file.units[String(unit)] = recorded
      }
      if (Object.keys(file.units).length === 0) {
        throw new TransportError(`snapshot: nothing could be read from ${args.target} unit ${units.join(', ')}; no device file written`)
      }
      writeFileSync(args.out, formatDeviceFile(file))
      process.stdout.write(`device file written to ${args.out} (${Object.keys(file.units).length} unit(s), ${requests} requests, ${((Date.now() - began) / 1000).toFixed(1)} s)\n`)
    } finally {
      await client.close()
    }
  },
}

/** The unit ids of --unit (repeatable, each a comma list), in order, without repeats; throws ArgumentError for a bad one. */
export function unitList(values: readonly (string | number)[]): number[] {
  const out: number[] = []
  for (const text of values.flatMap((v) => String(v).split(','))) {
    const t = text.trim()
    const unit = /^\d{1,3}$/.test(t) ? Number(t) : NaN
    if (!(unit >= 0 && unit <= 255)) throw new ArgumentError(`--unit: expected unit ids 0..255 (repeatable, or a comma list), got ${JSON.stringify(t)}`)
    if (!out.includes(unit)) out.push(unit)
  }
  return out
}
