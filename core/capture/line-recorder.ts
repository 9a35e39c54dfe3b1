/**
 * Records the frames of one serial line (or RTU over TCP) as exported PDUs: Modbus RTU frames for
 * Wireshark's "mbrtu" dissector, anything else as data. Each frame gets addresses that say who
 * sent it, so Wireshark's conversations are per unit and its Source and Destination columns read
 * as the line does:
 *
 *   line n (1..255):  master (gateway or conformance runner)  10.n.255.254, port 50000
 *                     unit u                                  10.n.0.u,     port RTU_CAPTURE_PORT
 *                     bytes from no known unit (garbage)      10.n.254.0,   port RTU_CAPTURE_PORT
 *
 * A frame recorded as Modbus/TCP (one the mbrtu dissector refuses, see serial-frames.ts) uses port
 * 502 on the device's side instead, where mbtcp tells queries from responses with no option.
 *
 * Requests go to RTU_CAPTURE_PORT and replies come from it: with Wireshark's preference
 * `mbrtu.tcp.port` set to it (`-o mbrtu.tcp.port:8502`), every frame is labelled query or response
 * and replies are matched to their requests, whatever the function code. Without it, Wireshark
 * still decodes every frame (function, exception, fields) and labels most of them by shape.
 */
import type { CaptureFile } from './capture-file.ts'
import { timestampUs } from './clock.ts'
import { exportedPdu } from './exported-pdu.ts'
import { ipv4Of, type Endpoint } from './ip-packets.ts'
import { serialRecord, type SerialFraming, type UnitPdu } from './serial-frames.ts'
import { MBTCP_PORT } from './stream-recorder.ts'

/** The port the devices of a serial line get in a capture (give it to Wireshark as mbrtu.tcp.port). */
export const RTU_CAPTURE_PORT = 8502
const MASTER_PORT = 50000

/** Who sent a frame on the line. */
export type LineDirection = 'request' | 'reply'

/** A frame seen on the line. */
export interface LineFrame {
  direction: LineDirection
  /** The bytes as on the wire. */
  raw: Buffer
  /** Unit and PDU when the frame decoded (the line's framer said so); undefined for garbage. */
  frame?: UnitPdu
  /** The unit a request went to (when `frame` is absent and the caller knows it). */
  unit?: number
  /** What the comment should say (stray, retry, timeout…). */
  note?: string
  /** performance.now() when it was sent or its last byte arrived (default: now). */
  at?: number
}

/** Records one line's frames into an interface of a capture file. */
export class LineRecorder {
  private readonly master: Endpoint
  private readonly unknown: Endpoint

  /** `line`: 1..255, the second octet of the line's synthetic addresses. */
  constructor(
    private readonly file: CaptureFile,
    private readonly interfaceId: number,
    private readonly framing: SerialFraming,
    private readonly line: number,
  ) {
    this.master = { ip: ipv4Of(10, line, 255, 254), port: MASTER_PORT }
    this.unknown = { ip: ipv4Of(10, line, 254, 0), port: RTU_CAPTURE_PORT }
  }

  /** The synthetic address of unit `unit` on this line. */
  device(unit: number): Endpoint {
    return { ip: ipv4Of(10, this.line, 0, unit), port: RTU_CAPTURE_PORT }
  }

  /** Records one frame; false when the capture dropped it. */
  record(f: LineFrame): boolean {
    const r = serialRecord(this.framing, f.raw, f.frame)
    const unit = r.unit ?? f.unit
    const device = unit === undefined || unit < 0 || unit > 255 ? this.unknown : this.device(unit)
    const peer = r.dissector === 'mbtcp' ? { ip: device.ip, port: MBTCP_PORT } : device
    const request = f.direction === 'request'
    const data = exportedPdu(r.dissector, r.bytes, request ? this.master : peer, request ? peer : this.master)
    const comment = r.note && f.note ? `${f.note}; ${r.note}` : (f.note ?? r.note)
    return this.file.record({ interfaceId: this.interfaceId, timestampUs: timestampUs(f.at), data, comment, direction: request ? 'outbound' : 'inbound' })
  }
}
