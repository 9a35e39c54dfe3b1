/**
 * Records a Modbus/TCP connection (or UDP exchange) as synthetic Ethernet/IPv4/TCP (or UDP)
 * frames in an Ethernet interface of a capture file. The server side should be port 502, where
 * Wireshark's Modbus/TCP dissector (mbtcp) decodes it with no option; the addresses are the real
 * ones where they are IPv4.
 */
import type { CaptureFile } from './capture-file.ts'
import { timestampUs } from './clock.ts'
import { udpFrame, type Endpoint } from './ip-packets.ts'
import { TcpConversation, type TcpSide } from './tcp-conversation.ts'

/** The port Wireshark decodes as Modbus/TCP with no option (and mbudp over UDP). */
export const MBTCP_PORT = 502

/** Records one synthetic TCP connection. */
export class TcpStreamRecorder {
  private readonly conversation: TcpConversation
  private udpId = 1
  /** A note no packet could carry yet: it goes on the next one. */
  private pendingNote: string | undefined

  constructor(
    private readonly file: CaptureFile,
    private readonly interfaceId: number,
    readonly client: Endpoint,
    readonly server: Endpoint,
    private readonly transport: 'tcp' | 'udp' = 'tcp',
    isn?: number,
  ) {
    this.conversation = new TcpConversation(client, server, isn)
  }

  /** The handshake (once; data opens the connection itself when this was not called). */
  open(note?: string, at?: number): void {
    if (this.transport === 'tcp') this.write(this.conversation.open(), note, at)
  }

  /** Bytes sent by one side, as they went (several segments when longer than a segment). */
  data(from: TcpSide, bytes: Buffer, note?: string, at?: number): void {
    if (this.transport === 'udp') {
      const [src, dst] = from === 'client' ? [this.client, this.server] : [this.server, this.client]
      this.write([udpFrame(src, dst, this.udpId++, bytes)], note, at)
    } else this.write(this.conversation.send(from, bytes), note, at)
  }

  /**
   * A note with no data: on a bare ACK from `from` when it acknowledges something new (TCP);
   * otherwise on the next packet of the connection.
   */
  note(from: TcpSide, note: string, at?: number): void {
    const frames = this.transport === 'tcp' ? this.conversation.acknowledge(from) : []
    if (frames.length > 0) this.write(frames, note, at)
    else this.pendingNote = this.pendingNote ? `${this.pendingNote}; ${note}` : note
  }

  /** The close, begun by `from`. */
  close(from: TcpSide, note?: string, at?: number): void {
    if (this.transport === 'tcp') this.write(this.conversation.close(from), note, at)
  }

  /** The note goes on the last frame (the one that carries the end of the data), a pending note on the first. */
  private write(frames: Buffer[], note: string | undefined, at: number | undefined): void {
    const ts = timestampUs(at)
    const pending = this.pendingNote
    this.pendingNote = undefined
    for (let i = 0; i < frames.length; i++) {
      const first = i === 0 ? pending : undefined
      const last = i === frames.length - 1 ? note : undefined
      const comment = first !== undefined && last !== undefined ? `${first}; ${last}` : (first ?? last)
      this.file.record({ interfaceId: this.interfaceId, timestampUs: ts, data: frames[i], comment })
    }
  }
}
