/**
 * One call to serve devices on any address of the grammar.
 */
import { formatAddress, isSerial, parseAddress, type Address } from '../transport/address.ts'
import type { ByteLink } from '../transport/link.ts'
import type { DeviceDirectory } from './dispatch.ts'
import type { HandlerOptions } from './handler.ts'
import { ModbusSerialServer } from './serial-server.ts'
import { ModbusTcpServer } from './tcp-server.ts'
import { ModbusUdpServer } from './udp-server.ts'

/** A running server of any kind. */
export interface ModbusServer {
  /** Starts serving; resolves with the address actually served (port 0 becomes the bound port). */
  listen(): Promise<string>
  /** Stops and releases everything. */
  close(): Promise<void>
}

/** Options of createServer. */
export interface CreateServerOptions extends HandlerOptions {
  context: DeviceDirectory
  /** Serial addresses: an already open link instead of the port. */
  link?: ByteLink
}

/** A server for `address`: tcp://, tls:// (with its certificate, key and CA), udp://, rtu+tcp://, rtu://, ascii://, binary://; allow= and deny= on network addresses. */
export function createServer(address: string | Address, options: CreateServerOptions): ModbusServer {
  const a = typeof address === 'string' ? parseAddress(address) : address
  if (isSerial(a)) {
    const server = new ModbusSerialServer({ ...options, address: a })
    return { listen: async () => (await server.listen(), formatAddress(a)), close: () => server.close() }
  }
  if (a.kind === 'udp') {
    const server = new ModbusUdpServer({ ...options, host: a.host, port: a.port, access: a.access })
    return { listen: async () => formatAddress({ ...a, port: (await server.listen()).port }), close: () => server.close() }
  }
  const server = new ModbusTcpServer({ ...options, host: a.host, port: a.port, framing: a.kind === 'rtu+tcp' ? 'rtu' : 'tcp', tls: a.kind === 'tls' ? (a.tls ?? {}) : undefined, access: a.access })
  return { listen: async () => formatAddress({ ...a, port: (await server.listen()).port }), close: () => server.close() }
}
