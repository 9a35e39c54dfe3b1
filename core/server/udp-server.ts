/**
 * Modbus over UDP: one MBAP frame per datagram, answered to the sender. A malformed datagram
 * costs that datagram only.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram'
import { isIPv6 } from 'node:net'
import { EventEmitter } from 'node:events'
import type { FrameError } from '../errors.ts'
import { createTcpFramer } from '../framers/tcp.ts'
import type { Adu, FrameSink } from '../framers/types.ts'
import type { PduWriter } from '../pdu/codec.ts'
import { answerNetworkFrame, type DeviceDirectory } from './dispatch.ts'
import { RequestHandler, type HandlerOptions } from './handler.ts'

/** Options of a UDP server. */
export interface UdpServerOptions extends HandlerOptions {
  context: DeviceDirectory
  host?: string
  port?: number
}

/** A Modbus UDP server. Events: 'frameError' (FrameError, sender). */
export class ModbusUdpServer extends EventEmitter {
  readonly stats = { requests: 0, framingErrors: 0 }
  private readonly socket: Socket
  private readonly handler: RequestHandler
  private readonly framer = createTcpFramer()

  constructor(private readonly options: UdpServerOptions) {
    super()
    this.handler = new RequestHandler(options)
    this.socket = createSocket(isIPv6(options.host ?? '') ? 'udp6' : 'udp4')
    this.socket.on('message', (msg, rinfo) => this.receive(msg, rinfo))
  }

  /** Binds; resolves with the bound host and port. */
  listen(): Promise<{ host: string; port: number }> {
    return new Promise((resolve, reject) => {
      this.socket.once('error', reject)
      this.socket.bind(this.options.port ?? 502, this.options.host ?? '127.0.0.1', () => {
        this.socket.off('error', reject)
        resolve(this.address)
      })
    })
  }

  get address(): { host: string; port: number } {
    const a = this.socket.address()
    return { host: a.address, port: a.port }
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()))
  }

  private receive(datagram: Buffer, rinfo: RemoteInfo): void {
    const send = (unit: number, tid: number, writer: PduWriter | null) => {
      if (writer) this.socket.send(this.framer.encodeWith(unit, writer, tid), rinfo.port, rinfo.address)
    }
    const sink: FrameSink = {
      frame: (adu: Adu) => {
        this.stats.requests++
        answerNetworkFrame(this.options.context, this.handler, adu, send)
      },
      error: (err: FrameError) => {
        this.stats.framingErrors++
        this.emit('frameError', err, rinfo)
      },
    }
    this.framer.push(datagram, sink)
    this.framer.end(sink)
  }
}
