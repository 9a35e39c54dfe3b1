/**
 * A Modbus server on a serial line (RTU, ASCII or Binary), sharing a multi-drop bus: it answers
 * its own units, executes broadcasts silently, ignores frames for other units, keeps t3.5 of
 * silence before it transmits, and feeds the Serial Line guide's counters.
 */
import { EventEmitter } from 'node:events'
import type { FrameError } from '../errors.ts'
import { createFramer } from '../framers/create.ts'
import type { Adu, Framer, FrameSink } from '../framers/types.ts'
import type { PduWriter } from '../pdu/codec.ts'
import { parseAddress, isSerial, type SerialAddress } from '../transport/address.ts'
import type { ByteLink } from '../transport/link.ts'
import { bitsPerCharacter, t35Us } from '../transport/line-timing.ts'
import { openSerialLink } from '../transport/serial.ts'
import { waitFor } from '../transport/wait-until.ts'
import { LineReceiver } from '../transport/line-receiver.ts'
import { ArgumentError } from '../errors.ts'
import { devicesOf, dispatchSerial, type DeviceDirectory } from './dispatch.ts'
import { RequestHandler, type HandlerOptions } from './handler.ts'

/** Options of a serial-line server. */
export interface SerialServerOptions extends HandlerOptions {
  context: DeviceDirectory
  /** rtu:///dev/…, ascii:///dev/…, binary:///dev/… */
  address: string | SerialAddress
  /** An already open link (an in-process virtual line, for instance) instead of opening the port. */
  link?: ByteLink
}

/** Silence timers below this are not reliable in Node; PTYs and USB adapters blur timing anyway. */
const MIN_SILENCE_MS = 2

/** A serial-line server. Events: 'frameError' (FrameError), 'close' (Error | undefined). */
export class ModbusSerialServer extends EventEmitter {
  /** frames: every good frame seen on the line; replies: replies queued; responses: replies sent. */
  readonly stats = { frames: 0, replies: 0, responses: 0, framingErrors: 0 }
  readonly address: SerialAddress
  private link: ByteLink | undefined
  private readonly line: LineReceiver
  private readonly encoder: Framer
  private readonly handler: RequestHandler
  private readonly gapMs: number
  private writing: Promise<void> = Promise.resolve()

  constructor(private readonly options: SerialServerOptions) {
    super()
    const address = typeof options.address === 'string' ? parseAddress(options.address) : options.address
    if (!isSerial(address)) throw new ArgumentError(`a serial server needs an rtu://, ascii:// or binary:// address, not ${address.kind}://`)
    this.address = address
    this.handler = new RequestHandler(options)
    this.gapMs = t35Us(address.baud, bitsPerCharacter(address)) / 1000
    this.line = new LineReceiver({
      framing: address.kind,
      expect: 'request',
      registry: options.registry,
      silenceMs: Math.max(MIN_SILENCE_MS, this.gapMs),
      sink: this.sink,
    })
    this.encoder = createFramer(address.kind, { registry: options.registry })
  }

  /** Opens the port (or adopts the given link) and starts serving. */
  async listen(): Promise<void> {
    const link = this.options.link ?? (await openSerialLink(this.address))
    this.link = link
    link.onData((chunk) => this.receive(chunk))
    link.onClose((err) => this.emit('close', err))
  }

  /** Stops serving and releases the port. */
  async close(): Promise<void> {
    this.line.stop()
    await this.writing
    await this.link?.close()
  }

  private readonly sink: FrameSink = {
    frame: (adu: Adu) => this.onFrame(adu),
    error: (err: FrameError) => {
      this.stats.framingErrors++
      if (err.code === 'MB_ERR_CHECKSUM') for (const d of devicesOf(this.options.context)) d.diagnostics.checksumError()
      this.emit('frameError', err)
    },
  }

  private receive(chunk: Buffer): void {
    this.line.push(chunk)
  }

  private onFrame(adu: Adu): void {
    this.stats.frames++
    const devices = devicesOf(this.options.context)
    const result = dispatchSerial(this.options.context, devices, this.handler, adu.unit, adu.pdu, this.address.path)
    const unit = adu.unit
    if (result instanceof Promise) result.then((w) => this.respond(unit, w))
    else this.respond(unit, result)
  }

  private respond(unit: number, writer: PduWriter | null): void {
    const device = this.options.context.get(unit)
    if (device) this.line.setAsciiDelimiter(device.diagnostics.asciiDelimiter)
    if (!writer || !this.link) return
    this.stats.replies++
    const adu = this.encoder.encodeWith(unit, writer)
    const link = this.link
    // SL §2.5.1.1: at least t3.5 of silence between the request's last character and the reply.
    const wait = this.gapMs - (performance.now() - this.line.lastActivity)
    this.writing = this.writing.then(async () => {
      if (wait > 0) await waitFor(wait)
      if (!link.isOpen) return
      try {
        await link.write(adu)
        this.stats.responses++
      } catch (err) {
        this.emit('frameError', err)
      }
    })
  }
}
