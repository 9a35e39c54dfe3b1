/**
 * Modbus TCP server (MBAP), and RTU over TCP with `framing: 'rtu'`: devices served through the
 * shared network listener (connection limits, back-pressure, write batching, frame-error counts).
 * Several requests in flight per connection, each answered with its own transaction id as soon as
 * it is done. A bad MBAP header closes that connection and no other.
 */
import { EventEmitter } from 'node:events'
import { serveDevices, type DeviceDirectory } from './dispatch.ts'
import { RequestHandler, type HandlerOptions } from './handler.ts'
import { ModbusListener, type ListenerLimits, type ListenerStats } from './listener.ts'
import type { AccessList } from '../transport/access-list.ts'
import type { TlsSettings } from '../transport/tls-settings.ts'

/** Options of a TCP server. */
export interface TcpServerOptions extends HandlerOptions, ListenerLimits {
  context: DeviceDirectory
  /** Default 127.0.0.1. */
  host?: string
  /** Default 502; 0 picks a free port. */
  port?: number
  /** 'tcp' (MBAP, default) or 'rtu' (RTU frames over the stream). */
  framing?: 'tcp' | 'rtu'
  /** RTU over TCP: a pause this long ends a frame, ms. Default 3. */
  pauseMs?: number
  /** Serve Modbus/TCP Security: MBAP inside TLS with this certificate, key and CA (framing 'tcp' only). */
  tls?: TlsSettings
  /** Client addresses allowed and denied. */
  access?: AccessList
}

/**
 * A Modbus TCP server. Events: 'connection' (client), 'frameError' (FrameError, client),
 * 'error' (listener errors after start).
 */
export class ModbusTcpServer extends EventEmitter {
  readonly listener: ModbusListener

  constructor(options: TcpServerOptions) {
    super()
    const handler = new RequestHandler(options)
    this.listener = new ModbusListener({
      ...options,
      address: {
        kind: options.tls ? 'tls' : options.framing === 'rtu' ? 'rtu+tcp' : 'tcp',
        host: options.host ?? '127.0.0.1',
        port: options.port ?? 502,
        ...(options.tls ? { tls: options.tls } : {}),
        ...(options.access ? { access: options.access } : {}),
      },
      responder: serveDevices(options.context, handler, options.framing === 'rtu' && !options.tls),
    })
    for (const event of ['connection', 'frameError', 'error', 'refused']) this.listener.on(event, (...args: unknown[]) => this.emit(event, ...args))
  }

  /** Counters: connections, requests, replies, framing errors, back-pressure. */
  get stats(): ListenerStats {
    return this.listener.stats
  }

  /** Starts listening; resolves with the bound host and port. */
  listen(): Promise<{ host: string; port: number }> {
    return this.listener.listen()
  }

  /** The bound address. */
  get address(): { host: string; port: number } {
    return this.listener.address
  }

  /** Stops listening and closes every connection; resolves when all is released. */
  close(): Promise<void> {
    return this.listener.close()
  }
}
