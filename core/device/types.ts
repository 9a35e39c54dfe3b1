/**
 * The device model: what a Modbus device is beyond its data tables — identity, report-server-id
 * bytes, exception status, and the serial-line diagnostics of the Serial Line guide §6.
 */
import type { Diagnostics, GetCommEventCounterResponse, GetCommEventLogResponse, ReadDeviceIdentificationResponse } from '../pdu/types.ts'
import type { UnitData } from '../datastore/types.ts'

/**
 * Serial-line diagnostics state of one device (SL guide §6.1-§6.4 and the application protocol
 * §6.7-§6.10): counters, diagnostic register, event counter and log, listen-only mode, ASCII delimiter.
 * The server calls the hooks as traffic happens; the request handler calls the function methods.
 */
export interface DiagnosticsModel {
  /** In listen-only mode the device counts and logs but never answers (SL §6.4 sub-function 04). */
  readonly listenOnly: boolean
  /** The byte that ends ASCII frames after CR (sub-function 03); default LF. */
  readonly asciiDelimiter: number

  /** A frame with a good checksum was seen on the line, for any unit (bus message count). */
  frameSeen(): void
  /** A frame with a bad checksum (CRC/LRC) was seen (bus communication error count; receive event with bit 1). */
  checksumError(): void
  /** Characters were lost to overrun (character overrun count; receive event with bit 4). */
  characterOverrun(): void
  /**
   * A request addressed to this device (or broadcast) was received: server message count, and a
   * receive event whose bits say broadcast (6) and listen-only (5).
   */
  requestReceived(broadcast: boolean): void
  /**
   * The device answered (or, broadcast or listen-only, did not). `exception` is the exception code
   * sent, if any; `functionCode` the request's; `writeTimeout` sets the send event's write-timeout
   * bit (§6.10). Updates the exception / NAK / busy / no-response counters, the event counter
   * (successful completions other than 0B, §6.9), and the send event.
   */
  requestCompleted(outcome: { functionCode: number; exception?: number; responded: boolean; writeTimeout?: boolean }): void

  /**
   * Executes a Diagnostics (08) request. Returns the response data words, `null` when no response
   * is to be sent (sub-function 04, 01 while in listen-only mode, or any other sub-function while in
   * listen-only mode, which is not acted on), or throws illegalValue / illegalFunction for data or
   * sub-functions it does not take.
   */
  diagnostics(request: Diagnostics): Diagnostics | null
  /**
   * Whether the device implements a Diagnostics sub-function. The handler asks before it looks at
   * the request's data (§7: support is checked first, so an unsupported sub-function is 01, never 03).
   * Absent: every sub-function is taken to exist and `diagnostics()` decides.
   */
  supportsSubFunction?(subFunction: number): boolean
  /** Get Comm Event Counter (0B). */
  commEventCounter(): GetCommEventCounterResponse
  /** Get Comm Event Log (0C). */
  commEventLog(): GetCommEventLogResponse
  /** Resets counters, diagnostic register and (with clearLog) the event log: power-up. */
  reset(clearLog?: boolean): void
}

/** Device identification objects (§6.21). */
export interface IdentityModel {
  /**
   * Answers a Read Device Identification request: for stream access (codes 1-3) as many objects from
   * objectId on as fit in `maxPduSize` bytes, with moreFollows/nextObjectId when they do not; for
   * individual access (code 4) the one object. Throws illegalAddress for an object id the device
   * does not have (code 4), illegalValue for a bad read code.
   */
  read(readCode: number, objectId: number, maxPduSize?: number): ReadDeviceIdentificationResponse
}

/** One Modbus device as a server serves it. */
export interface Device {
  data: UnitData
  identity: IdentityModel
  diagnostics: DiagnosticsModel
  /** Report Server ID (11): server id bytes, then the run indicator (0xFF running), then additional data. */
  serverId: Buffer
  running: boolean
  additionalData: Buffer
  /** Read Exception Status (07): eight device-specific status bits. */
  exceptionStatus(): number
}
