/**
 * The embedded default: simulated RTU devices on an in-process virtual serial line that takes the
 * real wire time of its baud rate, so the gateway runs with no hardware (`npm start`).
 */
import { buildDevices, defaultDeviceFile, ModbusSerialServer } from '../core/index.ts'
import { createVirtualLine } from '../core/transport/virtual-line.ts'
import { type ByteLink } from '../core/transport/link.ts'
import { validateConfig, type GatewayConfig } from './config.ts'

/** A virtual bus with simulated devices at the far end. */
export interface SimulatedBus {
  /** Opens the gateway's end of the line. */
  open: () => Promise<ByteLink>
  /** The simulated devices' server (for their counters). */
  server: ModbusSerialServer
  /** Cuts the line, as an unplugged adapter would. */
  cut(): void
  close(): Promise<void>
}

/** Starts simulated RTU devices `units` on a virtual line at `baud`. */
export async function startSimulatedBus(units: number[], baud: number): Promise<SimulatedBus> {
  const line = createVirtualLine({ baud, label: `virtual RTU line @${baud}` })
  const { context } = buildDevices(defaultDeviceFile(units))
  const server = new ModbusSerialServer({ context, address: `rtu:///virtual?baud=${baud}`, link: line.b })
  await server.listen()
  return {
    open: async () => line.a,
    server,
    cut: () => line.cut('unplugged'),
    close: () => server.close(),
  }
}

/** The configuration `npm start` runs: 127.0.0.1:5020 → units 1-3 on one virtual 19200-baud RTU line, monitor on 8020. */
export function defaultGatewayConfig(options: { listen?: string; monitor?: string | false; baud?: number } = {}): GatewayConfig {
  return validateConfig({
    listen: [options.listen ?? 'tcp://127.0.0.1:5020'],
    buses: { sim: { address: `rtu:///virtual?baud=${options.baud ?? 19200}`, timeout: 500, retries: 1 } },
    routes: [{ units: '1-3', bus: 'sim' }],
    monitor: options.monitor === false ? undefined : (options.monitor ?? '127.0.0.1:8020'),
  })
}
