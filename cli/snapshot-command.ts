/**
 * `modbridge snapshot`: records one unit of a live device as a device file that `modbridge serve
 * --device` replays, answering as the device did for every address read. Progress, notes and what
 * could not be read go to stderr; the run is bounded by --max-seconds.
 */
import { writeFileSync } from 'node:fs'
import type { Argv, CommandModule } from 'yargs'
import { loadProfile } from '../conformance/profile.ts'
import { ArgumentError, connectClient, isSerial, parseAddress, TransportError } from '../core/index.ts'
import { takeSnapshot } from './snapshot-read.ts'
import { formatDeviceFile } from './snapshot-spec.ts'

interface SnapshotArgs {
  target: string
  unit: number
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
      .option('unit', { type: 'number', default: 1 })
      .option('profile', { type: 'string', describe: 'device profile (conformance probe output): its readable ranges, files, FIFOs and serverIdLength instead of a scan' })
      .option('out', { type: 'string', demandOption: true, describe: 'device file to write' })
      .option('timeout', { type: 'number', default: 1000, describe: 'reply timeout per request, ms' })
      .option('max-seconds', { type: 'number', default: 120, describe: 'stop asking after this long and write what was read' })
      .example('$0 snapshot --target tcp://192.168.1.20:502 --unit 1 --out device.json', '') as Argv<unknown> as Argv<SnapshotArgs>,
  async handler(args) {
    if (!Number.isInteger(args.unit) || args.unit < 0 || args.unit > 255) throw new ArgumentError(`--unit: expected 0..255, got ${args.unit}`)
    if (!(args.maxSeconds > 0)) throw new ArgumentError(`--max-seconds: expected a positive number, got ${args.maxSeconds}`)
    const profile = args.profile ? loadProfile(args.profile) : undefined
    const address = parseAddress(args.target)
    const client = connectClient(address, { timeout: args.timeout })
    const began = Date.now()
    try {
      const snap = await takeSnapshot(client, {
        unit: args.unit,
        profile,
        serial: isSerial(address),
        deadline: began + args.maxSeconds * 1000,
        progress: (line) => process.stderr.write(`${line}\n`),
      })
      for (const n of snap.notes) process.stderr.write(`note: ${n}\n`)
      if (snap.missing.length) {
        process.stderr.write(`could not read (${snap.missing.length}):\n`)
        for (const m of snap.missing) process.stderr.write(`  ${m}\n`)
      } else process.stderr.write('could not read: nothing\n')
      if (Object.keys(snap.file.units[String(args.unit)]).length === 0) {
        throw new TransportError(`snapshot: nothing could be read from ${args.target} unit ${args.unit}; no device file written`)
      }
      writeFileSync(args.out, formatDeviceFile(snap.file))
      process.stdout.write(`device file written to ${args.out} (${snap.requests} requests, ${((Date.now() - began) / 1000).toFixed(1)} s)\n`)
    } finally {
      await client.close()
    }
  },
}
