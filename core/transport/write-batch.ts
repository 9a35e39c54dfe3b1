/**
 * Write batching for a socket: writes made in one turn of the event loop — the replies to a chunk
 * of pipelined requests, or requests queued together — go out in one system call. The socket is
 * corked at the first write of a turn and uncorked when the turn's I/O callbacks and promise
 * reactions are done (setImmediate), so a lone write costs a few microseconds and no more.
 */
import type { Socket } from 'node:net'

/** Batches the writes of one socket. */
export class WriteBatch {
  private corked = false

  constructor(private readonly socket: Socket) {}

  /** Holds writes from now until the end of this turn. */
  hold(): void {
    if (this.corked) return
    this.corked = true
    this.socket.cork()
    setImmediate(this.flush)
  }

  /** Writes `data` as part of this turn's batch. Returns socket.write's result. */
  write(data: Buffer): boolean {
    this.hold()
    return this.socket.write(data)
  }

  private readonly flush = (): void => {
    this.corked = false
    if (!this.socket.destroyed) this.socket.uncork()
  }
}
