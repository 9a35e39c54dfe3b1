/**
 * A byte link: the one thing the serial-line client and server need from a serial port or a
 * TCP socket carrying RTU frames. Keeping it this small lets the same transaction logic run over
 * a kernel serial port, RTU over TCP, or an in-process virtual line.
 */

/** A bidirectional byte stream. */
export interface ByteLink {
  /** Sends bytes; resolves once they are handed to the device (drained). */
  write(data: Buffer): Promise<void>
  /** Receives every chunk read. */
  onData(listener: (chunk: Buffer) => void): void
  /** Called once when the link closes or fails; `err` set for a failure. */
  onClose(listener: (err?: Error) => void): void
  /** Closes the link; resolves when released. */
  close(): Promise<void>
  readonly isOpen: boolean
  /** A label for messages, e.g. the address. */
  readonly label: string
}
