/**
 * The communication event log of Get Comm Event Log (§6.10): event byte encodings and a
 * 64-byte log kept newest first.
 */
import { MAX_EVENT_LOG } from '../limits.ts'

/**
 * Receive event (§6.10): stored when a query arrives, before it is processed. Bit 7 marks the
 * type; the other bits are set when their condition holds.
 * Spec over PyModbus: PyModbus 2.0 packs only 7 bits, so its marker lands on 0x40 and its flags
 * one bit low; here the marker is 0x80 and bit 1 (communication error) is included.
 */
export const RECEIVE_EVENT = {
  marker: 0x80,
  communicationError: 0x02,
  characterOverrun: 0x10,
  listenOnly: 0x20,
  broadcast: 0x40,
} as const

/**
 * Send event (§6.10): stored when the device finishes processing a request, whether it sent a
 * normal response, an exception response or nothing. Bit 7 is 0 and bit 6 is 1.
 */
export const SEND_EVENT = {
  marker: 0x40,
  /** Exception codes 1-3. */
  readException: 0x01,
  /** Exception code 4. */
  serverAbortException: 0x02,
  /** Exception codes 5-6. */
  serverBusyException: 0x04,
  /** Exception code 7. */
  programNakException: 0x08,
  writeTimeout: 0x10,
  listenOnly: 0x20,
} as const

/** Whole-byte events (§6.10). */
export const LOG_EVENT = {
  /** The device entered listen-only mode (Diagnostics sub-function 04). */
  enteredListenOnly: 0x04,
  /** The communication port was restarted (Diagnostics sub-function 01). */
  communicationRestart: 0x00,
} as const

/** The send-event bit for an exception code sent (§6.10); 0 for codes without one (8, 0A, 0B). */
export function sendEventBit(exception: number): number {
  if (exception >= 1 && exception <= 3) return SEND_EVENT.readException
  if (exception === 4) return SEND_EVENT.serverAbortException
  if (exception === 5 || exception === 6) return SEND_EVENT.serverBusyException
  if (exception === 7) return SEND_EVENT.programNakException
  return 0
}

/**
 * Up to 64 event bytes (§6.10), newest first: each new byte pushes the oldest out. A ring
 * buffer, so logging on every request allocates nothing.
 */
export class CommEventLog {
  private readonly ring = new Uint8Array(MAX_EVENT_LOG)
  /** Index of the newest event. */
  private head = 0
  private count = 0

  /** Number of events held (0-64). */
  get length(): number {
    return this.count
  }

  /** Adds one event byte as the newest. */
  add(event: number): void {
    this.head = (this.head + MAX_EVENT_LOG - 1) % MAX_EVENT_LOG
    this.ring[this.head] = event
    if (this.count < MAX_EVENT_LOG) this.count++
  }

  /** Empties the log. */
  clear(): void {
    this.count = 0
  }

  /** The events, newest first (byte 0 of the §6.10 events field is the most recent). */
  events(): number[] {
    const out = new Array<number>(this.count)
    for (let i = 0; i < this.count; i++) out[i] = this.ring[(this.head + i) % MAX_EVENT_LOG]
    return out
  }
}
