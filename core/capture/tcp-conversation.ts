/**
 * One synthetic TCP connection between a client and a server endpoint: the handshake, data
 * segments with sequence and acknowledgement numbers that follow on from each other in each
 * direction, and the close. Each segment acknowledges everything the other side has sent so far,
 * so Wireshark's TCP analysis sees no loss, retransmission or out-of-order segment however the
 * two sides interleave (pipelined requests, replies out of order).
 */
import { MAX_SEGMENT, TCP_FLAGS, tcpFrame, type Endpoint } from './ip-packets.ts'

/** Which side sends a segment. */
export type TcpSide = 'client' | 'server'

/** Sequence state of one synthetic connection; every method returns the frames to record, in order. */
export class TcpConversation {
  private clientSeq: number
  private serverSeq: number
  private ipId = 1
  /** The acknowledgement number each side sent last. */
  private clientAcked = -1
  private serverAcked = -1
  private opened = false
  private finished = false

  /** `isn`: the client's initial sequence number (the server's is derived from it). */
  constructor(
    readonly client: Endpoint,
    readonly server: Endpoint,
    isn = 0x1000,
  ) {
    this.clientSeq = isn >>> 0
    this.serverSeq = (isn * 7 + 0x51000) >>> 0
  }

  /** True once the handshake has been recorded (open() or the first data). */
  get isOpen(): boolean {
    return this.opened && !this.finished
  }

  /** SYN, SYN-ACK, ACK. */
  open(): Buffer[] {
    if (this.opened) return []
    this.opened = true
    const { syn, ack } = TCP_FLAGS
    const frames = [this.segment('client', syn)]
    this.advance('client', 1)
    frames.push(this.segment('server', syn | ack))
    this.advance('server', 1)
    frames.push(this.segment('client', ack))
    return frames
  }

  /** Data from one side, cut into segments of at most MAX_SEGMENT bytes (opens the connection first if need be). */
  send(from: TcpSide, payload: Buffer): Buffer[] {
    const frames = this.open()
    for (let start = 0; start < payload.length; start += MAX_SEGMENT) {
      const end = Math.min(payload.length, start + MAX_SEGMENT)
      frames.push(this.segment(from, TCP_FLAGS.psh | TCP_FLAGS.ack, payload, start, end))
      this.advance(from, end - start)
    }
    return frames
  }

  /**
   * A bare acknowledgement from one side (a packet to hang a note on), when it acknowledges
   * something new; otherwise nothing, since a second ACK of the same data is a duplicate ACK to
   * Wireshark's TCP analysis.
   */
  acknowledge(from: TcpSide): Buffer[] {
    const frames = this.open()
    const acked = from === 'client' ? this.clientAcked : this.serverAcked
    const news = from === 'client' ? this.serverSeq : this.clientSeq
    if (acked !== news) frames.push(this.segment(from, TCP_FLAGS.ack))
    return frames
  }

  /** FIN from `from`, FIN from the other side, and the last ACK. */
  close(from: TcpSide): Buffer[] {
    if (!this.opened || this.finished) return []
    this.finished = true
    const other: TcpSide = from === 'client' ? 'server' : 'client'
    const { fin, ack } = TCP_FLAGS
    const frames = [this.segment(from, fin | ack)]
    this.advance(from, 1)
    frames.push(this.segment(other, fin | ack))
    this.advance(other, 1)
    frames.push(this.segment(from, ack))
    return frames
  }

  private advance(side: TcpSide, n: number): void {
    if (side === 'client') this.clientSeq = (this.clientSeq + n) >>> 0
    else this.serverSeq = (this.serverSeq + n) >>> 0
  }

  private segment(from: TcpSide, flags: number, payload?: Buffer, start?: number, end?: number): Buffer {
    const id = this.ipId++
    if (flags & TCP_FLAGS.ack) {
      if (from === 'client') this.clientAcked = this.serverSeq
      else this.serverAcked = this.clientSeq
    }
    return from === 'client'
      ? tcpFrame(this.client, this.server, this.clientSeq, this.serverSeq, flags, id, payload, start, end)
      : tcpFrame(this.server, this.client, this.serverSeq, this.clientSeq, flags, id, payload, start, end)
  }
}
