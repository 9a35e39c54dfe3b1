/**
 * `modbridge serve`: the device simulator on one or more addresses. A serial port that vanishes is
 * reopened with back-off (as the gateway reopens its buses), and a failure it cannot recover from
 * ends the process with a non-zero status, so a supervisor restarts it. With `--store` the four
 * tables live in SQLite or Redis (core/datastore/sqlite-unit.ts, redis-unit.ts); a store that
 * cannot be opened ends serve before it listens.
 */
import type { Argv, CommandModule } from 'yargs'
import { buildDevices, createServer, defaultDeviceFile, isSerial, loadDeviceFile, ModbusSerialServer, parseAddress, type ModbusServer, type SimulatedDevices } from '../core/index.ts'
import { formatAddress } from '../core/index.ts'
import { asyncUnit } from '../core/datastore/async-unit.ts'
import type { WriteListener } from '../core/datastore/memory-unit.ts'
import { openStore, type UnitStore } from '../core/datastore/open-store.ts'
import { createLogger, logOptions, type LogArgs, type Logger } from './log.ts'
import { openRemoteUnits } from './serve-remote.ts'

interface ServeArgs extends LogArgs {
  listen: string[]
  device?: string
  onWrite?: 'ndjson'
  store?: string
}

const REOPEN_MIN_MS = 250
const REOPEN_MAX_MS = 5000

/** A serial server that reopens its port after it vanishes; resolves once the port is first open. */
async function serveSerial(server: ModbusSerialServer, label: string, log: Logger): Promise<ModbusServer> {
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  const reopen = (delay: number) => {
    timer = setTimeout(async () => {
      if (stopped) return
      try {
        await server.listen()
        log.info(`${label}: port reopened`)
      } catch (err) {
        log.warn(`${label}: cannot reopen the port (${(err as Error).message}); next attempt in ${Math.min(delay * 2, REOPEN_MAX_MS)} ms`)
        reopen(Math.min(delay * 2, REOPEN_MAX_MS))
      }
    }, delay)
  }
  server.on('close', (err?: Error) => {
    if (stopped) return
    log.warn(`${label}: the port closed${err ? ` (${err.message})` : ''}; reopening`)
    reopen(REOPEN_MIN_MS)
  })
  server.on('frameError', (err: Error) => log.debug(`${label}: ${err.message}`))
  await server.listen()
  return {
    listen: async () => label,
    async close() {
      stopped = true
      if (timer) clearTimeout(timer)
      await server.close()
    },
  }
}

/**
 * Prints every write a client made, once stored, as one JSON line on stdout:
 * {"time","unit","table","address","values","client"} (plus "file" for file records); client is
 * "host:port" for a network client, the port path for a serial line.
 */
function printWrites(units: Iterable<[number, { onWrite(listener: WriteListener): unknown }]>): void {
  for (const [unit, data] of units) {
    data.onWrite((e) => {
      const line = {
        time: new Date().toISOString(),
        unit,
        table: e.table,
        address: e.address,
        values: e.values,
        ...(e.file === undefined ? {} : { file: e.file }),
        ...(e.client === undefined ? {} : { client: e.client }),
      }
      process.stdout.write(JSON.stringify(line) + '\n')
    })
  }
}

/**
 * Puts the four tables of every local unit in the store `spec` names (sqlite:PATH, redis://…):
 * the device file still gives the map, the initial values, files and FIFOs; behaviours update
 * the store, where reads are answered.
 */
async function useStore(spec: string, devices: SimulatedDevices, log: Logger): Promise<UnitStore> {
  const templates = new Map([...devices.units].map(([id, u]) => [id, u.data]))
  const { store, description } = await openStore(spec, templates, {
    onError: (message) => log.warn(message),
    onStatus: (level, message) => log[level](message),
  })
  for (const [id, u] of devices.units) {
    const stored = store.units.get(id)!
    u.device.data = asyncUnit(stored)
    devices.behaviours.setData(id, stored)
  }
  log.info(`store: ${description}`)
  return store
}

/** The `serve` command. */
export const serveCommand: CommandModule<object, ServeArgs> = {
  command: 'serve',
  describe: 'Run the device simulator on one or more addresses',
  builder: (y: Argv) =>
    logOptions(y)
      .option('listen', {
        type: 'string',
        array: true,
        default: ['tcp://127.0.0.1:5020'],
        describe: 'address to serve (repeatable): tcp://, tls://, udp://, rtu+tcp://, rtu://, ascii://, binary://',
      })
      .option('device', { type: 'string', describe: 'device description (JSON); default: unit 1 of the documented default device' })
      .option('on-write', { choices: ['ndjson'] as const, describe: 'print every accepted write as a JSON line on stdout (logs then go to stderr)' })
      .option('store', {
        type: 'string',
        describe: 'keep the four tables in a store: sqlite:PATH (persists across restarts) or redis://host:port/db (shared with other programs)',
      })
      .example('$0 serve --listen tcp://127.0.0.1:5020 --listen "rtu:///dev/pts/7?baud=19200" --device sim.json', '')
      .example('$0 serve --store sqlite:./plant.db', 'values survive a restart')
      .example('$0 serve --store redis://127.0.0.1:6379/0', 'values in Redis hashes modbridge:<unit>:co|di|hr|ir') as Argv<unknown> as Argv<ServeArgs>,
  async handler(args) {
    const log = createLogger({ level: args.logLevel, format: args.logFormat, destination: args.onWrite ? 2 : 1 })
    const devices = args.device ? loadDeviceFile(args.device) : buildDevices(defaultDeviceFile())
    const { context, units } = devices
    const store = args.store === undefined ? undefined : await useStore(args.store, devices, log)
    if (args.onWrite === 'ndjson') printWrites(store ? store.units : [...units].map(([id, u]) => [id, u.data] as [number, typeof u.data]))
    // After the store: behaviours write where reads are answered.
    devices.start({ onError: (err, where) => log.warn(`behaviour of ${where}: ${(err as Error).message}`) })
    const remote = devices.remotes.size > 0 ? await openRemoteUnits(context, devices.remotes, log) : undefined
    const servers: ModbusServer[] = []
    for (const text of args.listen) {
      const address = parseAddress(text)
      if (isSerial(address)) {
        servers.push(await serveSerial(new ModbusSerialServer({ context, address }), formatAddress(address), log))
        log.info(`serving ${formatAddress(address)}`)
      } else {
        const server = createServer(address, { context })
        log.info(`serving ${await server.listen()}`)
        servers.push(server)
      }
    }
    const stop = async () => {
      devices.stop()
      await Promise.all(servers.map((s) => s.close()))
      await remote?.close()
      await store?.close()
      process.exit(0)
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  },
}
