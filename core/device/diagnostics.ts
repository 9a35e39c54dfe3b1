/**
 * Serial-line diagnostics of one device: the counters, diagnostic register, event counter and
 * event log, listen-only mode and ASCII delimiter of the Serial Line guide §6 and the application
 * protocol §6.8-§6.10, all derived from hooks a server calls as traffic happens.
 */
import { ArgumentError, hex } from '../errors.ts'
import { illegalFunction, illegalValue } from '../datastore/device-exception.ts'
import { FUNCTION_CODES } from '../pdu/types.ts'
import type { Diagnostics, GetCommEventCounterResponse, GetCommEventLogResponse } from '../pdu/types.ts'
import { MODBUS_PLUS_OPERATIONS, MODBUS_PLUS_STATISTIC_WORDS, diagnosticSubFunction } from '../pdu/serial-line.ts'
import { CommEventLog, LOG_EVENT, RECEIVE_EVENT, SEND_EVENT, sendEventBit } from './comm-events.ts'
import type { DiagnosticsModel } from './types.ts'

/** The eight 16-bit diagnostic counters, in the order sub-functions 0B-12 return them (§6.8.1). */
export const DIAGNOSTIC_COUNTERS = [
  'busMessage',
  'busCommunicationError',
  'busExceptionError',
  'serverMessage',
  'serverNoResponse',
  'serverNak',
  'serverBusy',
  'busCharacterOverrun',
] as const

/** One diagnostic counter's name. */
export type DiagnosticCounterName = (typeof DIAGNOSTIC_COUNTERS)[number]

/** A snapshot of every counter: the eight of sub-functions 0B-12 plus the comm event counter (0B). */
export type DiagnosticCounters = Record<DiagnosticCounterName, number> & { event: number }

/** ASCII frames end with CR then this byte until sub-function 03 changes it (SL §2.5.2.1). */
export const DEFAULT_ASCII_DELIMITER = 0x0a
/** Exception codes that have their own counters (§6.8.1 sub-functions 10, 11). */
const NAK_EXCEPTION = 0x07
const BUSY_EXCEPTION = 0x06
/** The Restart Communications Option data word that also clears the event log (§6.8.1). */
const CLEAR_LOG = 0xff00

const COUNTER: { readonly [K in DiagnosticCounterName]: number } = Object.fromEntries(
  DIAGNOSTIC_COUNTERS.map((name, i) => [name, i]),
) as { [K in DiagnosticCounterName]: number }

/** Sub-functions that just return a counter, by their name in DIAGNOSTIC_SUB_FUNCTIONS. */
const COUNTER_SUB_FUNCTIONS: Readonly<Record<string, DiagnosticCounterName>> = {
  returnBusMessageCount: 'busMessage',
  returnBusCommunicationErrorCount: 'busCommunicationError',
  returnBusExceptionErrorCount: 'busExceptionError',
  returnServerMessageCount: 'serverMessage',
  returnServerNoResponseCount: 'serverNoResponse',
  returnServerNakCount: 'serverNak',
  returnServerBusyCount: 'serverBusy',
  returnBusCharacterOverrunCount: 'busCharacterOverrun',
  // 0x13 Return IOP Overrun Count was specific to the Modicon 884 (PI-MBUS-300) and the
  // application protocol v1.1b3 no longer defines it. PyModbus serves it with the character
  // overrun count, and so do we, rather than refuse a sub-function masters still send.
  returnIopOverrunCount: 'busCharacterOverrun',
}

/** What one sub-function does: the response data words, or null for no response. */
type SubFunctionHandler = (diag: SerialDiagnostics, data: readonly number[]) => number[] | null

/**
 * The diagnostics model of one serial-line device (DiagnosticsModel).
 *
 * A server reports traffic through the hooks, in this order per frame: `frameSeen` (or
 * `checksumError` / `characterOverrun` for a bad one), then for a request addressed to this
 * device or broadcast `requestReceived`, the handler (`diagnostics`, `commEventCounter`, …),
 * and `requestCompleted`. Every counter and event byte follows from those calls.
 *
 * All counters are 16 bits and wrap (they are held in a Uint16Array).
 */
export class SerialDiagnostics implements DiagnosticsModel {
  /**
   * Set while a program command is still being processed: Get Comm Event Counter and Log then
   * report status 0xFFFF instead of 0x0000 (§6.9).
   */
  busy = false
  private readonly counts = new Uint16Array(DIAGNOSTIC_COUNTERS.length)
  private readonly eventCounter = new Uint16Array(1)
  private readonly log = new CommEventLog()
  private readonly plusStatistics = new Uint16Array(MODBUS_PLUS_STATISTIC_WORDS)
  private register = 0
  private listen = false
  private delimiter = DEFAULT_ASCII_DELIMITER
  private overrun = false
  /** Listen-only state when the request in progress arrived; undefined between requests. */
  private listenAtReceive: boolean | undefined = undefined
  /** The request in progress restarted communications, which clears what its completion would count. */
  private restarted = false

  /** True while in listen-only mode: the device counts and logs but takes no action and never answers. */
  get listenOnly(): boolean {
    return this.listen
  }

  /** The byte that ends ASCII frames after CR; a framer reads it (sub-function 03). */
  get asciiDelimiter(): number {
    return this.delimiter
  }

  /** The 16-bit diagnostic register (sub-function 02); its bits are device specific. */
  get diagnosticRegister(): number {
    return this.register
  }

  /** The character overrun error flag, set by an overrun and cleared by sub-function 14 (§6.8.1). */
  get overrunFlag(): boolean {
    return this.overrun
  }

  /** Sets the diagnostic register (device specific bits, §6.8.1 sub-function 02). */
  setDiagnosticRegister(value: number): void {
    if (!Number.isInteger(value) || value < 0 || value > 0xffff) {
      throw new ArgumentError(`diagnostic register must be 0x0000-0xFFFF, got ${value}`)
    }
    this.register = value
  }

  /** Sets one of the 54 Modbus Plus statistic words that sub-function 15 returns. */
  setModbusPlusStatistic(index: number, value: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= MODBUS_PLUS_STATISTIC_WORDS) {
      throw new ArgumentError(`Modbus Plus statistic index must be 0-${MODBUS_PLUS_STATISTIC_WORDS - 1}, got ${index}`)
    }
    if (!Number.isInteger(value) || value < 0 || value > 0xffff) {
      throw new ArgumentError(`Modbus Plus statistic must be 0x0000-0xFFFF, got ${value}`)
    }
    this.plusStatistics[index] = value
  }

  /** Every counter, as a snapshot. */
  counters(): DiagnosticCounters {
    const out = { event: this.eventCounter[0] } as DiagnosticCounters
    for (const name of DIAGNOSTIC_COUNTERS) out[name] = this.counts[COUNTER[name]]
    return out
  }

  /** The event log, newest first. */
  events(): number[] {
    return this.log.events()
  }

  /** Bus message count (sub-function 0B): a frame with a good checksum, for any unit. */
  frameSeen(): void {
    this.counts[COUNTER.busMessage]++
  }

  /** Bus communication error count (sub-function 0C) and a receive event with bit 1. */
  checksumError(): void {
    this.counts[COUNTER.busCommunicationError]++
    this.log.add(this.receiveEvent(RECEIVE_EVENT.communicationError))
  }

  /** Character overrun count (sub-function 12), the overrun flag, and a receive event with bit 4. */
  characterOverrun(): void {
    this.counts[COUNTER.busCharacterOverrun]++
    this.overrun = true
    this.log.add(this.receiveEvent(RECEIVE_EVENT.characterOverrun))
  }

  /** Server message count (sub-function 0E) and a receive event; counted in listen-only mode too. */
  requestReceived(broadcast: boolean): void {
    this.counts[COUNTER.serverMessage]++
    this.log.add(this.receiveEvent(broadcast ? RECEIVE_EVENT.broadcast : 0))
    this.listenAtReceive = this.listen
    this.restarted = false
  }

  /**
   * Counts the outcome and logs a send event (§6.10). An exception response sent counts as a bus
   * exception (0D), and as NAK (10) for code 07 or busy (11) for code 06; no response (broadcast,
   * listen-only, sub-function 04) counts as no response (0F). The comm event counter (§6.9) counts
   * a request completed without exception, unless it was a Get Comm Event Counter (0B) or arrived
   * in listen-only mode (no action is taken then). The send event's listen-only bit says whether
   * the device is in listen-only mode now, as the request finishes.
   *
   * The completion of a Restart Communications Option is not counted: the spec sends its response
   * before the restart, and the restart clears the counters.
   */
  requestCompleted(outcome: { functionCode: number; exception?: number; responded: boolean; writeTimeout?: boolean }): void {
    const listening = this.listenAtReceive ?? this.listen
    this.listenAtReceive = undefined
    if (this.restarted) {
      this.restarted = false
      return
    }
    const { exception, responded } = outcome
    let event: number = SEND_EVENT.marker
    if (!responded) {
      this.counts[COUNTER.serverNoResponse]++
    } else if (exception !== undefined) {
      this.counts[COUNTER.busExceptionError]++
      if (exception === NAK_EXCEPTION) this.counts[COUNTER.serverNak]++
      if (exception === BUSY_EXCEPTION) this.counts[COUNTER.serverBusy]++
      event |= sendEventBit(exception)
    }
    if (outcome.writeTimeout) event |= SEND_EVENT.writeTimeout
    if (this.listen) event |= SEND_EVENT.listenOnly
    this.log.add(event)
    // Spec over PyModbus: PyModbus 2.0 bumps the event counter per logged event (and logs none);
    // §6.9 counts successful completions, and exempts only exceptions and 0B itself (and the
    // Modicon poll commands, which the current spec no longer has), so 0C is counted.
    if (exception === undefined && !listening && outcome.functionCode !== FUNCTION_CODES.getCommEventCounter) {
      this.eventCounter[0]++
    }
  }

  /**
   * Executes one Diagnostics (08) request. While in listen-only mode only Restart Communications
   * Option is acted on (§6.8.1 sub-function 04); anything else returns null (no action, no
   * response). Throws illegalFunction for a sub-function the device does not support
   * (exception 01, §6.8), illegalValue for a Modbus Plus operation other than 3 or 4.
   */
  diagnostics(request: Diagnostics): Diagnostics | null {
    const sub = diagnosticSubFunction(request.subFunction)
    const handler = sub && SerialDiagnostics.handlers[sub.name]
    if (!sub || !handler) {
      throw illegalFunction(`diagnostics: sub-function ${hex(request.subFunction, 4)} is not supported, §6.8`)
    }
    if (this.listen && sub.name !== 'restartCommunicationsOption') return null
    const data = handler(this, request.data)
    return data && { function: 'diagnostics', subFunction: request.subFunction, data }
  }

  /** The sub-functions of the Serial Line guide this model implements (§6.8.1). */
  supportsSubFunction(subFunction: number): boolean {
    const sub = diagnosticSubFunction(subFunction)
    return sub !== undefined && SerialDiagnostics.handlers[sub.name] !== undefined
  }

  /** Get Comm Event Counter (0B, §6.9): status word and event count. */
  commEventCounter(): GetCommEventCounterResponse {
    return { function: 'getCommEventCounter', status: this.status(), eventCount: this.eventCounter[0] }
  }

  /** Get Comm Event Log (0C, §6.10): status, event count, bus message count, events newest first. */
  commEventLog(): GetCommEventLogResponse {
    return {
      function: 'getCommEventLog',
      status: this.status(),
      eventCount: this.eventCounter[0],
      messageCount: this.counts[COUNTER.busMessage],
      events: this.log.events(),
    }
  }

  /**
   * Power-up state: counters, event counter, diagnostic register, overrun flag and Modbus Plus
   * statistics cleared, listen-only mode off, delimiter LF, not busy; the event log emptied too
   * unless `clearLog` is false (a device that keeps its log across power cycles).
   */
  reset(clearLog = true): void {
    this.clearCounters()
    this.plusStatistics.fill(0)
    this.overrun = false
    this.listen = false
    this.delimiter = DEFAULT_ASCII_DELIMITER
    this.busy = false
    this.listenAtReceive = undefined
    this.restarted = false
    if (clearLog) this.log.clear()
  }

  private status(): number {
    return this.busy ? 0xffff : 0x0000
  }

  private receiveEvent(bits: number): number {
    return RECEIVE_EVENT.marker | bits | (this.listen ? RECEIVE_EVENT.listenOnly : 0)
  }

  /**
   * Sub-function 0A clears the counters, the event counter and the diagnostic register.
   * Spec over PyModbus: PyModbus also empties the event log here; §6.8.1 leaves the log alone
   * (only a restart with data FF00 clears it).
   */
  private clearCounters(): void {
    this.counts.fill(0)
    this.eventCounter[0] = 0
    this.register = 0
  }

  /**
   * Sub-function 01 (§6.8.1): restart the port. Counters, event counter, diagnostic register and
   * overrun flag are cleared, listen-only mode is left (the only way out), the log is emptied
   * first when data is FF00, and a communication restart event (00) is logged (§6.10). The
   * echo is returned unless the device was in listen-only mode, which gets no response.
   * Spec over PyModbus: PyModbus 2.0 only echoes, so its devices never leave listen-only mode.
   */
  private restart(data: readonly number[]): number[] | null {
    const wasListening = this.listen
    this.clearCounters()
    this.overrun = false
    this.listen = false
    if (data[0] === CLEAR_LOG) this.log.clear()
    this.log.add(LOG_EVENT.communicationRestart)
    this.restarted = true
    return wasListening ? null : [...data]
  }

  private static readonly handlers: Readonly<Record<string, SubFunctionHandler>> = {
    returnQueryData: (_, data) => [...data],
    restartCommunicationsOption: (d, data) => d.restart(data),
    returnDiagnosticRegister: (d) => [d.register],
    changeAsciiInputDelimiter(d, data) {
      d.delimiter = data[0] >>> 8
      return [...data]
    },
    forceListenOnlyMode(d) {
      d.listen = true
      d.log.add(LOG_EVENT.enteredListenOnly)
      return null
    },
    clearCountersAndDiagnosticRegister(d, data) {
      d.clearCounters()
      return [...data]
    },
    ...Object.fromEntries(
      Object.entries(COUNTER_SUB_FUNCTIONS).map(([name, counter]): [string, SubFunctionHandler] => [
        name,
        (d) => [d.counts[COUNTER[counter]]],
      ]),
    ),
    clearOverrunCounterAndFlag(d, data) {
      d.counts[COUNTER.busCharacterOverrun] = 0
      d.overrun = false
      return [...data]
    },
    getClearModbusPlusStatistics(d, data) {
      if (data[0] === MODBUS_PLUS_OPERATIONS.getStatistics) return [data[0], ...d.plusStatistics]
      if (data[0] === MODBUS_PLUS_OPERATIONS.clearStatistics) {
        d.plusStatistics.fill(0)
        return [data[0]]
      }
      throw illegalValue(`diagnostics 0x0015: operation ${hex(data[0] ?? 0, 4)} is neither 0x0003 (get) nor 0x0004 (clear)`)
    },
  }
}
