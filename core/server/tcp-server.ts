/**
 * Modbus TCP server (MBAP), and RTU over TCP with `framing: 'rtu'`. Many connections; several
 * requests in flight per connection, each answered with its own transaction id as soon as it is
 * done. An MBAP header with a protocol id other than 0 or an impossible length closes that
 * connection and no other.
 */
import { EventEmitter } from 'node:events'
import { createServer, type Server, type Socket } from 'node:net'
import type { FrameError } from '../errors.ts'
import { createRtuFramer } from '../framers/rtu.ts'
import { createTcpFramer } from '../framers/tcp.ts'
import type { Adu, Framer, FrameSink } from '../framers/types.ts'
import type { PduWriter } from '../pdu/codec.ts'
import { answerNetworkFrame, type DeviceDirectory } from './dispatch.ts'
import { RequestHandler, type HandlerOptions } from './handler.ts'

/** Options of a TCP server. */
export interface TcpServerOptions extends HandlerOptions {
  context: DeviceDirectory
  /** Default 127.0.0.1. */
  host?: string
  /** Default 502; 0 picks a free port. */
  port?: number
  /** 'tcp' (MBAP, default) or 'rtu' (RTU frames over the stream). */
  framing?: 'tcp' | 'rtu'
}

/** Counters a TCP server keeps. */
export interface TcpServerStats {
  connections: number
  requests: number
  framingErrors: number
}

/**
 * A Modbus TCP server. Events: 'connection' (socket), 'frameError' (FrameError, socket),
 * 'error' (listener errors after start).
 */
export class ModbusTcpServer extends EventEmitter {
  readonly stats: TcpServerStats = { connections: 0, requests: 0, framingErrors: 0 }
  private readonly server: Server
  private readonly sockets = new Set<Socket>()
  private readonly handler: RequestHandler

  constructor(private readonly options: TcpServerOptions) {
    super()
    this.handler = new RequestHandler(options)
    this.server = createServer((socket) => this.accept(socket))
    this.server.on('error', (err) => this.listenerCount('error') > 0 && this.emit('error', err))
  }

  /** Starts listening; resolves with the bound host and port. */
  listen(): Promise<{ host: string; port: number }> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err)
      this.server.once('error', onError)
      this.server.listen(this.options.port ?? 502, this.options.host ?? '127.0.0.1', () => {
        this.server.off('error', onError)
        resolve(this.address)
      })
    })
  }

  /** The bound address. */
  get address(): { host: string; port: number } {
    const a = this.server.address()
    return a && typeof a === 'object' ? { host: a.address, port: a.port } : { host: '', port: 0 }
  }

  /** Stops listening and closes every connection; resolves when all is released. */
  close(): Promise<void> {
    for (const s of this.sockets) s.destroy()
    return new Promise((resolve) => (this.server.listening ? this.server.close(() => resolve()) : resolve()))
  }

  private accept(socket: Socket): void {
    this.stats.connections++
    this.sockets.add(socket)
    socket.setNoDelay(true)
    const rtu = this.options.framing === 'rtu'
    const framer: Framer = rtu ? createRtuFramer({ expect: 'request', probe: true, registry: this.options.registry }) : createTcpFramer()
    const send = (unit: number, tid: number, writer: PduWriter | null) => {
      if (writer && !socket.destroyed) socket.write(framer.encodeWith(unit, writer, tid))
    }
    const sink: FrameSink = {
      frame: (adu: Adu) => {
        this.stats.requests++
        answerNetworkFrame(this.options.context, this.handler, adu, send)
      },
      error: (err: FrameError) => {
        this.stats.framingErrors++
        this.emit('frameError', err, socket)
        if (!rtu) socket.destroy()
      },
    }
    socket.on('data', (chunk: Buffer) => {
      socket.cork()
      framer.push(chunk, sink)
      process.nextTick(() => socket.uncork())
    })
    socket.on('error', () => socket.destroy())
    socket.on('close', () => this.sockets.delete(socket))
    this.emit('connection', socket)
  }
}
