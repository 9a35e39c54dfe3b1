/**
 * Modbus over UDP: one MBAP frame per datagram, answered to the sender, through the shared network
 * listener. A malformed datagram costs that datagram only.
 */
import { EventEmitter } from 'node:events'
import { serveDevices, type DeviceDirectory } from './dispatch.ts'
import { RequestHandler, type HandlerOptions } from './handler.ts'
import { ModbusListener, type ListenerLimits, type ListenerStats } from './listener.ts'
import type { AccessList } from '../transport/access-list.ts'

/** Options of a UDP server. */
export interface UdpServerOptions extends HandlerOptions, ListenerLimits {
  context: DeviceDirectory
  host?: string
  port?: number
  /** Sender addresses allowed and denied. */
  access?: AccessList
}

/** A Modbus UDP server. Events: 'frameError' (FrameError, client). */
export class ModbusUdpServer extends EventEmitter {
  readonly listener: ModbusListener

  constructor(options: UdpServerOptions) {
    super()
    const handler = new RequestHandler(options)
    this.listener = new ModbusListener({
      ...options,
      address: { kind: 'udp', host: options.host ?? '127.0.0.1', port: options.port ?? 502, ...(options.access ? { access: options.access } : {}) },
      responder: serveDevices(options.context, handler),
    })
    this.listener.on('frameError', (...args: unknown[]) => this.emit('frameError', ...args))
  }

  /** Counters: requests, replies, framing errors. */
  get stats(): ListenerStats {
    return this.listener.stats
  }

  /** Binds; resolves with the bound host and port. */
  listen(): Promise<{ host: string; port: number }> {
    return this.listener.listen()
  }

  /** The bound address. */
  get address(): { host: string; port: number } {
    return this.listener.address
  }

  close(): Promise<void> {
    return this.listener.close()
  }
}
