/**
 * The request handler: one PDU in, one response writer (or nothing) out, with the checks in the
 * spec's order (§7, figure 9 of each function's state diagram):
 *   function code supported?      no → exception 01
 *   quantity / value / length ok? no → exception 03 (the codec's PduError)
 *   address range ok?             no → exception 02 (the data's illegalAddress)
 *   execute                       failure → exception 04
 * Broadcasts execute and send nothing; a device in listen-only mode processes only Restart
 * Communications. The device's diagnostics hooks see every outcome.
 */
import { ModbusExceptionError, PduError } from '../errors.ts'
import type { Awaitable } from '../datastore/types.ts'
import type { Device } from '../device/types.ts'
import { prepare, type PduWriter } from '../pdu/codec.ts'
import { defaultRegistry } from '../pdu/default-registry.ts'
import type { Registry } from '../pdu/registry.ts'
import { decodeRequest } from '../pdu/codec.ts'
import type { Encodable as Message } from '../pdu/codec.ts'
import { EXECUTORS, type Executor } from './executors.ts'
import { EXCEPTION_CODES } from '../pdu/types.ts'

/** Options of a request handler. */
export interface HandlerOptions {
  registry?: Registry
  /** Executors for user function codes (or overrides of built-in ones), by function name. */
  executors?: Record<string, Executor>
}

const DIAGNOSTICS = 0x08
const RESTART_COMMUNICATIONS = 0x0001

/** Maps any failure of an executor to an exception code. */
export function exceptionCodeOf(err: unknown): number {
  if (err instanceof ModbusExceptionError) return err.exceptionCode
  if (err instanceof PduError) {
    if (err.code === 'MB_ERR_UNKNOWN_FUNCTION') return 0x01
    // §6.1-§6.4, §6.11, §6.12, §6.17 state diagrams: the quantity is checked first (03); a valid
    // quantity whose range passes the end of the address space is an address error (02).
    if (err.code === 'MB_ERR_RANGE' && /address$/i.test(err.field ?? '')) return 0x02
    return 0x03
  }
  return 0x04
}

/** Turns request PDUs into response writers for devices. */
export class RequestHandler {
  private readonly registry: Registry
  private readonly executors: Record<string, Executor>

  constructor(options: HandlerOptions = {}) {
    this.registry = options.registry ?? defaultRegistry
    this.executors = { ...EXECUTORS, ...options.executors }
  }

  /**
   * Handles one request PDU for `device`. Returns the response PDU writer, or null when nothing is
   * to be sent (broadcast, listen-only, Force Listen Only). Never throws.
   */
  handle(device: Device, pdu: Buffer, broadcast = false): Awaitable<PduWriter | null> {
    const diag = device.diagnostics
    const fc = pdu.length > 0 ? pdu[0] : 0
    diag.requestReceived(broadcast)
    if (diag.listenOnly && !(fc === DIAGNOSTICS && pdu.length >= 3 && ((pdu[1] << 8) | pdu[2]) === RESTART_COMMUNICATIONS)) {
      diag.requestCompleted({ functionCode: fc, responded: false })
      return null
    }
    // §7 state diagrams: function support first (01), then sub-function support (01), and only then
    // the request's values (03) and addresses (02).
    const spec = this.registry.get(fc)
    if (spec && !this.executors[spec.name] && !spec.aliases?.some((a) => this.executors[a])) {
      return this.finish(device, fc, { function: fc, exception: EXCEPTION_CODES.illegalFunction }, broadcast)
    }
    if (fc === DIAGNOSTICS && pdu.length >= 3 && diag.supportsSubFunction && !diag.supportsSubFunction((pdu[1] << 8) | pdu[2])) {
      return this.finish(device, fc, { function: fc, exception: EXCEPTION_CODES.illegalFunction }, broadcast)
    }
    let request: Message
    try {
      request = decodeRequest(pdu, 0, pdu.length, this.registry)
    } catch (err) {
      return this.finish(device, fc, { function: fc, exception: exceptionCodeOf(err) }, broadcast)
    }
    const execute = this.executors[request.function as string]
    if (!execute) return this.finish(device, fc, { function: fc, exception: EXCEPTION_CODES.illegalFunction }, broadcast)
    let result: Awaitable<Message | null>
    try {
      result = execute(request, device)
    } catch (err) {
      return this.finish(device, fc, { function: fc, exception: exceptionCodeOf(err) }, broadcast)
    }
    if (result instanceof Promise) {
      return result.then(
        (response) => this.finish(device, fc, response, broadcast),
        (err) => this.finish(device, fc, { function: fc, exception: exceptionCodeOf(err) }, broadcast),
      )
    }
    return this.finish(device, fc, result, broadcast)
  }

  private finish(device: Device, fc: number, response: Message | null, broadcast: boolean): PduWriter | null {
    let writer: PduWriter | null = null
    let exception = response !== null && 'exception' in response ? (response as { exception: number }).exception : undefined
    if (response !== null && !broadcast) {
      try {
        writer = prepare(response, 'response', this.registry)
      } catch {
        exception = 0x04
        writer = prepare({ function: fc, exception }, 'response', this.registry)
      }
    }
    device.diagnostics.requestCompleted({ functionCode: fc, exception, responded: writer !== null })
    return writer
  }
}
