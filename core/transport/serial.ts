/**
 * Serial ports through `serialport` (the only module of core that imports it). Opens a port
 * from a SerialAddress and offers it as a ByteLink, driving RTS for RS-485 direction control
 * when the address asks for it.
 */
import type { SerialPort } from 'serialport'
import { TransportError } from '../errors.ts'
import { formatAddress, type SerialAddress } from './address.ts'
import type { ByteLink } from './link.ts'

/** Opens a serial port; rejects with TransportError naming the port when it cannot. */
export async function openSerialLink(address: SerialAddress): Promise<ByteLink> {
  const label = formatAddress(address)
  // Loaded on first use: a TCP client or server, or the CLI's --help, never pays for the native module.
  const { SerialPort } = await import('serialport')
  return new Promise((resolve, reject) => {
    let port: SerialPort
    try {
      port = new SerialPort({
        path: address.path,
        baudRate: address.baud,
        dataBits: address.dataBits,
        parity: address.parity,
        stopBits: address.stopBits,
        autoOpen: false,
      })
    } catch (err) {
      reject(new TransportError(`cannot open ${label}: ${(err as Error).message}`, { cause: err }))
      return
    }
    port.open((err) => {
      if (err) reject(new TransportError(`cannot open ${label}: ${err.message}`, { cause: err }))
      else resolve(new SerialLink(port, address, label))
    })
  })
}

class SerialLink implements ByteLink {
  private closeListeners: ((err?: Error) => void)[] = []
  private closed = false
  private failure: Error | undefined

  constructor(
    private readonly port: SerialPort,
    private readonly address: SerialAddress,
    readonly label: string,
  ) {
    port.on('error', (err: Error) => {
      this.failure = new TransportError(`${label}: ${err.message}`, { cause: err })
    })
    port.on('close', (err?: Error & { disconnected?: boolean }) => {
      if (this.closed) return
      this.closed = true
      const why = err ?? this.failure
      const failure = why ? new TransportError(`${label} closed: ${why.message}`, { cause: why }) : undefined
      for (const l of this.closeListeners) l(failure)
    })
  }

  get isOpen(): boolean {
    return !this.closed && this.port.isOpen
  }

  onData(listener: (chunk: Buffer) => void): void {
    this.port.on('data', listener)
  }

  onClose(listener: (err?: Error) => void): void {
    this.closeListeners.push(listener)
  }

  write(data: Buffer): Promise<void> {
    if (!this.isOpen) return Promise.reject(new TransportError(`${this.label} is not open`))
    return new Promise((resolve, reject) => {
      const done = (err?: Error | null) => (err ? reject(new TransportError(`${this.label}: write failed: ${err.message}`, { cause: err })) : resolve())
      const send = () =>
        this.port.write(data, (err) => {
          if (err) return done(err)
          this.port.drain((e) => {
            if (!this.address.rts || e) return done(e)
            this.port.set({ rts: false }, done)
          })
        })
      if (this.address.rts) this.port.set({ rts: true }, (err) => (err ? done(err) : send()))
      else send()
    })
  }

  close(): Promise<void> {
    if (this.closed || !this.port.isOpen) {
      this.closed = true
      return Promise.resolve()
    }
    this.closed = true
    return new Promise((resolve) => this.port.close(() => resolve()))
  }
}
