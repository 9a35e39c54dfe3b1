/**
 * Remote units of `serve`: units of a device file that another device answers
 * (`{"remote": "rtu:///dev/ttyUSB0?baud=19200", "unit": 3}`). Each address gets one gateway bus
 * (proxy/bus.ts), shared by every remote unit on it, so a serial line still carries one transaction at
 * a time and replies are checked against their requests as in the gateway. Requests are forwarded at
 * frame level: a function code serve itself does not implement passes through.
 *
 * What a client gets when the remote side fails is what the gateway answers: 0x0B when the device
 * does not answer in time (after the bus's retries), 0x0A when its bus is down, full or closing.
 */
import { defaultRegistry, EXCEPTION_CODES, EXCEPTION_FLAG, formatAddress, parseAddress, type ServerContext } from '../core/index.ts'
import type { RemoteLine } from '../core/server/remote-unit.ts'
import type { RemoteUnitSpec } from '../core/simulator/device-file.ts'
import { Bus, type Outcome } from '../proxy/bus.ts'
import { outcomeException } from '../proxy/gateway.ts'
import { validateConfig } from '../proxy/config.ts'
import { unforwardable } from '../proxy/request-checks.ts'
import type { Logger } from './log.ts'

/** The buses serve opened for its remote units. */
export interface RemoteBuses {
  buses: Bus[]
  close(): Promise<void>
}

/** serve's requests all come from one place as far as a bus's per-client queue shares go. */
const SERVE_CLIENT = 0

/** The reply PDU for a bus outcome, as the gateway answers it with its default policies (no answer: 0x0B). */
export function replyFor(request: Buffer, o: Outcome): Buffer | null {
  if (o.kind === 'reply' || o.kind === 'exception') return o.pdu
  const exception = outcomeException(o, EXCEPTION_CODES.gatewayTargetFailedToRespond)
  return exception === undefined ? null : Buffer.from([(request[0] | EXCEPTION_FLAG) & 0xff, exception])
}

/**
 * Opens one bus per remote address and makes each remote unit of `remotes` (local unit id → spec) a
 * remote unit of `context`. Throws ArgumentError for an address that does not parse; a device that
 * is not there yet leaves its bus down (answered with 0x0A) and reopening in the background.
 */
export async function openRemoteUnits(context: ServerContext<unknown>, remotes: ReadonlyMap<number, RemoteUnitSpec>, log: Logger): Promise<RemoteBuses> {
  const byAddress = new Map<string, { bus: Bus; line: RemoteLine }>()
  for (const [local, spec] of remotes) {
    const key = formatAddress(parseAddress(spec.remote))
    let entry = byAddress.get(key)
    if (!entry) {
      const name = `remote${byAddress.size + 1}`
      const config = validateConfig({ listen: [], buses: { [name]: { address: spec.remote } }, routes: [] }).buses[0]
      const bus = new Bus(config)
      bus.on('state', (state: string, reason: string) => (state === 'up' ? log.info(`remote ${key}: ${reason}`) : log.warn(`remote ${key}: down (${reason})`)))
      bus.on('timeout', (unit: number, reason: string) => log.debug(`remote ${key}: unit ${unit}: ${reason}`))
      bus.on('stray', (r: { hex: string; reason: string }) => log.debug(`remote ${key}: stray frame ${r.hex} (${r.reason})`))
      const line: RemoteLine = {
        async forward(unit, pdu) {
          const bad = unforwardable(defaultRegistry, pdu)
          if (bad) return unit === 0 ? null : Buffer.from([((pdu[0] ?? 0) | EXCEPTION_FLAG) & 0xff, bad.exception])
          const outcome = await bus.submit(SERVE_CLIENT, unit, pdu)
          return unit === 0 ? null : replyFor(pdu, outcome)
        },
      }
      entry = { bus, line }
      byAddress.set(key, entry)
    }
    context.addRemote(local, entry.line, spec.unit)
    log.info(`unit ${local}: remote, unit ${spec.unit} at ${key}`)
  }
  const buses = [...byAddress.values()].map((e) => e.bus)
  await Promise.all(buses.map((b) => b.start()))
  return {
    buses,
    close: async () => {
      await Promise.all(buses.map((b) => b.close()))
    },
  }
}
