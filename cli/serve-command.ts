/**
 * `modbridge serve`: the device simulator on one or more addresses.
 */
import type { Argv, CommandModule } from 'yargs'
import { buildDevices, createServer, defaultDeviceFile, loadDeviceFile, type ModbusServer } from '../core/index.ts'

interface ServeArgs {
  listen: string[]
  device?: string
}

/** The `serve` command. */
export const serveCommand: CommandModule<object, ServeArgs> = {
  command: 'serve',
  describe: 'Run the device simulator on one or more addresses',
  builder: (y: Argv) =>
    y
      .option('listen', {
        type: 'string',
        array: true,
        default: ['tcp://127.0.0.1:5020'],
        describe: 'address to serve (repeatable): tcp://, udp://, rtu+tcp://, rtu://, ascii://, binary://',
      })
      .option('device', { type: 'string', describe: 'device description (JSON); default: unit 1 of the documented default device' })
      .example('$0 serve --listen tcp://127.0.0.1:5020 --listen "rtu:///dev/pts/7?baud=19200" --device sim.json', '') as Argv<ServeArgs>,
  async handler(args) {
    const { context } = args.device ? loadDeviceFile(args.device) : buildDevices(defaultDeviceFile())
    const servers: ModbusServer[] = []
    for (const address of args.listen) {
      const server = createServer(address, { context })
      process.stdout.write(`serving ${await server.listen()}\n`)
      servers.push(server)
    }
    const stop = async () => {
      await Promise.all(servers.map((s) => s.close()))
      process.exit(0)
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  },
}
