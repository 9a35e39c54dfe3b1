/**
 * Opens the client for --target. Modbus TCP and UDP targets are built from the MBAP channel alone,
 * as core's connectClient builds them, so a one-shot read over the network does not load the
 * serial-port stack (serialport costs about 60 ms of start-up, loaded statically by
 * core/client/connect.ts); every other target goes through connectClient itself.
 */
import { ModbusClient } from '../core/client/client.ts'
import { MbapChannel } from '../core/client/mbap-channel.ts'
import { parseAddress } from '../core/transport/address.ts'

/** Connection settings from the command line; `retries` undefined means the transport's default. */
export interface ConnectArgs {
  timeout?: number
  retries?: number
}

/** A client for `target` (connected lazily, on the first request). */
export async function openClient(target: string, o: ConnectArgs): Promise<ModbusClient> {
  const a = parseAddress(target)
  if (a.kind === 'tcp' || a.kind === 'udp') {
    return new ModbusClient(new MbapChannel({ host: a.host, port: a.port, transport: a.kind }), { timeout: o.timeout, retries: o.retries ?? 0 })
  }
  const { connectClient } = await import('../core/client/connect.ts')
  return connectClient(a, { timeout: o.timeout, retries: o.retries })
}
