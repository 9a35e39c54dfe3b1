/**
 * `modbridge proxy`: the gateway from a JSON file or from command-line essentials; with neither,
 * the embedded default — the gateway in front of simulated RTU devices on a virtual line.
 */
import type { Argv, CommandModule } from 'yargs'
import { ArgumentError } from '../core/index.ts'
import { integerOption } from '../cli/numbers.ts'
import { createLogger, logOptions, type LogArgs, type Logger } from '../cli/log.ts'
import type { CaptureFile } from '../core/capture/capture-file.ts'
import { attachGatewayCapture, openGatewayCapture } from './capture.ts'
import { attachGatewayLog } from './gateway-log.ts'
import { configFromCli, loadConfig, type GatewayConfig } from './config.ts'
import { Gateway } from './gateway.ts'
import { startMonitor, type Monitor } from './monitor.ts'
import { defaultGatewayConfig, startSimulatedBus, type SimulatedBus } from './simulated-bus.ts'

interface ProxyArgs extends LogArgs {
  config?: string
  listen?: string[]
  bus?: string[]
  route?: string[]
  timeout?: number
  retries?: number
  monitor?: string
  capture?: string
  captureMaxBytes?: number
  captureFiles?: number
}

const SIZE = /^(\d+)\s*([kmg])?(?:i?b)?$/i

/** A size in bytes from text such as 65536, 512k, 10M or 1GiB (binary multiples). */
function sizeOption(option: string) {
  return (value: unknown): number => {
    const m = SIZE.exec(String(Array.isArray(value) ? value.join(' ') : value).trim())
    if (!m) throw new ArgumentError(`${option}: ${JSON.stringify(value)} is not a size (bytes, or with k, M or G, e.g. 10M)`)
    const n = Number(m[1]) * 1024 ** ' kmg'.indexOf((m[2] ?? ' ').toLowerCase())
    if (!Number.isSafeInteger(n)) throw new ArgumentError(`${option}: ${JSON.stringify(value)} is too large`)
    return n
  }
}

/** Starts a gateway (and its monitor) and prints where it serves; returns a stop function. */
export async function runGateway(
  config: GatewayConfig,
  simulated?: SimulatedBus,
  log: Logger = createLogger(),
  capture?: CaptureFile,
): Promise<{ gateway: Gateway; monitor?: Monitor; stop(): Promise<void> }> {
  const gateway = new Gateway(config, simulated ? { links: { sim: simulated.open } } : {})
  const detach = attachGatewayLog(gateway, log)
  const served = await gateway.start()
  const detachCapture = capture && attachGatewayCapture(gateway, capture)
  for (const a of served) log.info(`gateway listening on ${a}`)
  if (capture) log.info(`capturing both sides of the gateway to ${capture.path} (open it with: wireshark ${capture.path})`)
  for (const b of config.buses) log.info(`bus ${b.name}: ${simulated && b.name === 'sim' ? 'simulated RTU units 1-3 on a virtual 19200-baud line' : b.address.kind}`)
  // The monitor needs the running gateway, so it starts second; when it cannot (its port busy or
  // not permitted) the gateway is closed again and the TransportError goes to the CLI's one-line report.
  let monitor: Monitor | undefined
  try {
    monitor = config.monitor ? await startMonitor(gateway, config.monitor, undefined, { onWarning: (m) => log.warn(m) }) : undefined
  } catch (err) {
    await gateway.close()
    await simulated?.close()
    throw err
  }
  if (monitor) log.info(`monitor on ${monitor.url} (metrics: ${monitor.url}metrics)`)
  return {
    gateway,
    monitor,
    async stop() {
      detach()
      await monitor?.close()
      await gateway.close()
      await simulated?.close()
      // After the gateway closed: the clients' disconnects are in the capture.
      detachCapture?.()
      if (capture) {
        const s = await capture.close()
        log.info(`capture: ${s.packets} packets in ${s.files} file${s.files === 1 ? '' : 's'} (${capture.paths.join(', ')})${s.dropped ? `, ${s.dropped} dropped` : ''}`)
      }
    },
  }
}

/** The `proxy` command. */
export const proxyCommand: CommandModule<object, ProxyArgs> = {
  command: 'proxy',
  describe: 'Run the multi-bus gateway (no options: in front of simulated RTU devices, no hardware needed)',
  builder: (y: Argv) =>
    logOptions(y)
      .option('config', { type: 'string', describe: 'gateway configuration (JSON)' })
      .option('listen', { type: 'string', array: true, describe: 'upstream address (repeatable): tcp://, tls://, rtu+tcp://, udp://' })
      .option('bus', { type: 'string', array: true, describe: 'name=address of a downstream bus (repeatable)' })
      .option('route', { type: 'string', array: true, describe: 'units=bus, e.g. 1-10=a, or unit=bus:unit to remap, e.g. 20=b:1 (repeatable)' })
      .option('timeout', { requiresArg: true, describe: 'bus reply timeout, ms (default 1000; with --bus)', coerce: integerOption('--timeout', 1, 600_000) })
      .option('retries', { requiresArg: true, describe: 'extra attempts after a timeout (default 1; with --bus)', coerce: integerOption('--retries', 0, 100) })
      .option('monitor', { type: 'string', requiresArg: true, describe: 'host:port of the live monitor, e.g. 127.0.0.1:8020 (default: none, except for the bare `modbridge proxy`, which serves it on 127.0.0.1:8020)' })
      .option('capture', { type: 'string', requiresArg: true, describe: 'write every frame of both sides (clients and buses) to this pcapng file, for Wireshark' })
      .option('capture-max-bytes', { requiresArg: true, describe: 'rotate the capture before a file passes this size (e.g. 10M): FILE.pcapng → FILE.1.pcapng …', coerce: sizeOption('--capture-max-bytes') })
      .option('capture-files', { requiresArg: true, describe: 'with --capture-max-bytes: files kept, the current one included (default 5)', coerce: integerOption('--capture-files', 1, 1000) })
      .example('$0 proxy', 'the gateway on 127.0.0.1:5020 in front of three simulated RTU units')
      .example('$0 proxy --config gateway.json', '')
      .example('$0 proxy --listen tcp://127.0.0.1:5020 --bus "a=rtu:///dev/ttyUSB0?baud=19200" --bus b=rtu+tcp://127.0.0.1:4001 --route 1-10=a --route 20=b:1', '')
      .example('$0 proxy --log-level debug --log-format json', 'every client connect and stray frame, as JSON lines')
      .example('$0 proxy --capture gateway.pcapng --capture-max-bytes 10M --capture-files 3', 'both sides in pcapng files of at most 10 MiB, the 3 newest kept') as Argv<unknown> as Argv<ProxyArgs>,
  async handler(args) {
    const log = createLogger({ level: args.logLevel, format: args.logFormat })
    if (!args.capture && (args.captureMaxBytes !== undefined || args.captureFiles !== undefined)) throw new ArgumentError('--capture-max-bytes and --capture-files rotate the file of --capture; give --capture FILE')
    if (args.captureFiles !== undefined && args.captureMaxBytes === undefined) throw new ArgumentError('--capture-files counts the files of a rotating capture; give --capture-max-bytes too')
    // The capture file is created first: a path that cannot be written stops the start, before anything is bound.
    const capture = args.capture
      ? await openGatewayCapture(args.capture, {
          maxBytes: args.captureMaxBytes,
          keep: args.captureFiles,
          onError: (err) => log.error(`${err.message}; the gateway goes on without capturing`),
        })
      : undefined
    try {
      await serve(args, log, capture)
    } catch (err) {
      await capture?.close()
      throw err
    }
  },
}

/** Starts the gateway the arguments describe and stops it on SIGINT or SIGTERM. */
async function serve(args: ProxyArgs, log: Logger, capture: CaptureFile | undefined): Promise<void> {
  let running: Awaited<ReturnType<typeof runGateway>>
  if (args.config) {
    const extra = (['listen', 'bus', 'route', 'timeout', 'retries', 'monitor'] as const).filter((k) => args[k] !== undefined)
    if (extra.length) throw new ArgumentError(`--config holds the whole gateway; ${extra.map((k) => `--${k}`).join(', ')} cannot be combined with it (put ${extra.length === 1 ? 'it' : 'them'} in the file)`)
    running = await runGateway(loadConfig(args.config), undefined, log, capture)
  } else if (args.bus || args.route) {
    if (!args.bus || !args.route) throw new ArgumentError('--bus and --route go together: name the buses and route units to them')
    running = await runGateway(configFromCli({ listen: args.listen ?? ['tcp://127.0.0.1:5020'], bus: args.bus, route: args.route, timeout: args.timeout, retries: args.retries, monitor: args.monitor }), undefined, log, capture)
  } else {
    if (args.timeout !== undefined || args.retries !== undefined) throw new ArgumentError('--timeout and --retries set the buses of --bus; the simulated default has its own')
    if (args.listen && args.listen.length > 1) throw new ArgumentError('the simulated default serves one --listen address; give buses with --bus and --route to serve several')
    // The bare command is the demonstration, with its monitor on 8020; once the user says where to
    // listen, nothing else is bound unless asked for with --monitor.
    const bare = args.listen === undefined && args.monitor === undefined
    const config = defaultGatewayConfig({ listen: args.listen?.[0], monitor: bare ? undefined : (args.monitor ?? false) })
    running = await runGateway(config, await startSimulatedBus([1, 2, 3], 19200), log, capture)
    log.info(`try: npx modbridge read holding --target ${running.gateway.listening[0]} --unit 1 --quantity 10`)
  }
  const stop = async () => {
    await running.stop()
    process.exit(0)
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}
