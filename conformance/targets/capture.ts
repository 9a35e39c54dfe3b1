/**
 * `conformance run --capture FILE`: every byte the runner sends and every frame it receives — the
 * replies, late and duplicate replies, stray frames and bytes that formed no frame — in a pcapng
 * file, with the case that was running and what the attribution made of each frame in the
 * packet comments.
 *
 * - Modbus TCP and TLS targets: what was written and read, as synthetic TCP/IP to port 502 (mbtcp
 *   decodes it with no option), one synthetic connection per real one, at the real addresses
 *   where they are IPv4. Malformed requests go out as they were sent. UDP targets: UDP datagrams.
 * - RTU (serial, or over TCP), ASCII and Binary targets: each frame as a Modbus RTU exported PDU
 *   (core/capture/line-recorder.ts); a request sent in pieces is recorded piece by piece, as plain
 *   data, since no piece is a frame on its own.
 *
 * The capture reaches the target through `openTarget`'s options (runConformance's `capture`).
 */
import { formatAddress, type Address } from '../../core/index.ts'
import { CaptureFile, type CaptureStats } from '../../core/capture/capture-file.ts'
import { ipv4Of, parseIpv4, type Endpoint } from '../../core/capture/ip-packets.ts'
import { LineRecorder, RTU_CAPTURE_PORT } from '../../core/capture/line-recorder.ts'
import { LINKTYPE } from '../../core/capture/pcapng.ts'
import type { SerialFraming, UnitPdu } from '../../core/capture/serial-frames.ts'
import { MBTCP_PORT, TcpStreamRecorder } from '../../core/capture/stream-recorder.ts'

/** What a target tells its capture. */
export interface TargetTap {
  /** A case begins: its index goes into the comment of the next request. */
  caseStarted(index: number): void
  /** A connection is up (network targets; `local` and `remote` as the socket reports them). */
  connected(local: { address?: string; port?: number }, remote: { address?: string; port?: number }): void
  /** The connection closed: `by` the runner (a deliberate re-open) or the device. */
  disconnected(by: 'runner' | 'device'): void
  /** Bytes written to the device (one chunk of a request). */
  sent(bytes: Buffer, chunk: { index: number; of: number }, unit: number, at?: number): void
  /** A frame received, and what it was (undefined: the awaited reply). */
  received(raw: Buffer, frame: UnitPdu | undefined, note: string | undefined, at?: number): void
}

/** A pcapng file the targets of a run record into. */
export class TargetCapture {
  private targets = 0

  private constructor(readonly file: CaptureFile) {}

  /** Creates the file; throws ArgumentError at once when it cannot be written. */
  static async create(path: string, onError?: (message: string) => void): Promise<TargetCapture> {
    return new TargetCapture(await CaptureFile.create(path, { application: 'modbridge conformance', onError: (err) => onError?.(err.message) }))
  }

  /** A tap for a target at `address` (an interface of its own). */
  forTarget(address: Address): TargetTap {
    const line = ++this.targets
    const shown = formatAddress(address)
    if (address.kind === 'tcp' || address.kind === 'tls' || address.kind === 'udp') {
      const id = this.file.addInterface({
        linkType: LINKTYPE.ethernet,
        name: `target ${shown}`,
        description: `${shown}: what the conformance runner sent and received, as synthetic ${address.kind === 'udp' ? 'UDP' : 'TCP'}/IP to port ${MBTCP_PORT}`,
      })
      return new StreamTap(this.file, id, address.kind === 'udp', parseIpv4(address.host) ?? ipv4Of(10, line, 0, 1), line)
    }
    const framing: SerialFraming = address.kind === 'rtu+tcp' ? 'rtu' : address.kind
    const id = this.file.addInterface({
      linkType: LINKTYPE.upperPdu,
      name: `target ${shown}`,
      description: `${shown}: ${framing.toUpperCase()} frames as Modbus RTU exported PDUs; the runner is 10.${line}.255.254, unit u is 10.${line}.0.u (tshark -o mbrtu.tcp.port:${RTU_CAPTURE_PORT} labels queries and responses)`,
    })
    return new LineTap(new LineRecorder(this.file, id, framing, line))
  }

  /** Writes what is left and closes the file. */
  close(): Promise<CaptureStats> {
    return this.file.close()
  }
}

/** The comment of a request: its case (first chunk) and its piece. */
function sentNote(pendingCase: number | undefined, chunk: { index: number; of: number }): string | undefined {
  const parts: string[] = []
  if (pendingCase !== undefined) parts.push(`case ${pendingCase}`)
  if (chunk.of > 1) parts.push(`piece ${chunk.index + 1} of ${chunk.of} of one request`)
  return parts.length ? parts.join(', ') : undefined
}

class StreamTap implements TargetTap {
  private stream: TcpStreamRecorder | undefined
  private pendingCase: number | undefined
  private connections = 0

  constructor(
    private readonly file: CaptureFile,
    private readonly interfaceId: number,
    private readonly udp: boolean,
    private readonly deviceIp: number,
    private readonly line: number,
  ) {}

  caseStarted(index: number): void {
    this.pendingCase = index
  }

  connected(local: { address?: string; port?: number }, remote: { address?: string; port?: number }): void {
    this.connections++
    const runner: Endpoint = { ip: (local.address && parseIpv4(local.address)) || ipv4Of(10, this.line, 255, 254), port: local.port || 40000 + this.connections }
    const device: Endpoint = { ip: (remote.address && parseIpv4(remote.address)) || this.deviceIp, port: MBTCP_PORT }
    this.stream = new TcpStreamRecorder(this.file, this.interfaceId, runner, device, this.udp ? 'udp' : 'tcp', 0x3000 + this.connections * 0x10000)
    this.stream.open(`connection ${this.connections}${remote.port && remote.port !== MBTCP_PORT ? ` (the device's real port is ${remote.port})` : ''}`)
  }

  disconnected(by: 'runner' | 'device'): void {
    this.stream?.close(by === 'runner' ? 'client' : 'server', by === 'runner' ? 'the runner closed the connection' : 'the device closed the connection')
    this.stream = undefined
  }

  private current(): TcpStreamRecorder {
    if (!this.stream) this.connected({}, {})
    return this.stream!
  }

  sent(bytes: Buffer, chunk: { index: number; of: number }, _unit: number, at?: number): void {
    this.current().data('client', bytes, sentNote(this.pendingCase, chunk), at)
    this.pendingCase = undefined
  }

  received(raw: Buffer, _frame: UnitPdu | undefined, note: string | undefined, at?: number): void {
    this.current().data('server', raw, note, at)
  }
}

class LineTap implements TargetTap {
  private pendingCase: number | undefined
  private reconnected = false

  constructor(private readonly recorder: LineRecorder) {}

  caseStarted(index: number): void {
    this.pendingCase = index
  }

  connected(): void {}

  disconnected(): void {
    this.reconnected = true
  }

  sent(bytes: Buffer, chunk: { index: number; of: number }, unit: number, at?: number): void {
    const notes = [this.reconnected ? 'on a new connection' : undefined, sentNote(this.pendingCase, chunk)].filter((n) => n !== undefined)
    this.recorder.record({ direction: 'request', raw: bytes, unit, note: notes.length ? notes.join(', ') : undefined, at })
    this.pendingCase = undefined
    this.reconnected = false
  }

  received(raw: Buffer, frame: UnitPdu | undefined, note: string | undefined, at?: number): void {
    this.recorder.record({ direction: 'reply', raw, frame, note, at })
  }
}
