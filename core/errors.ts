/**
 * Typed errors for every layer of modbridge.
 *
 * Two layers are kept apart (as tokio-modbus does): a failure to move or frame bytes
 * (FrameError, TimeoutError, TransportError) is a different type from the device saying no
 * (ModbusExceptionError). Every error carries a stable `MB_ERR_*` code; the README lists them all
 * and a test keeps the two in step.
 */

/** Every error code modbridge raises. */
export type ErrorCode =
  | 'MB_ERR_CHECKSUM'
  | 'MB_ERR_TRUNCATED'
  | 'MB_ERR_LENGTH'
  | 'MB_ERR_PROTOCOL_ID'
  | 'MB_ERR_GARBAGE'
  | 'MB_ERR_OVERSIZE'
  | 'MB_ERR_UNKNOWN_FUNCTION'
  | 'MB_ERR_RANGE'
  | 'MB_ERR_BYTE_COUNT'
  | 'MB_ERR_VALUE'
  | 'MB_ERR_INVALID_ARGUMENT'
  | 'MB_ERR_TIMEOUT'
  | 'MB_ERR_TRANSPORT'
  | 'MB_ERR_EXCEPTION_RESPONSE'

/** Options shared by every ModbusError constructor. */
export interface ModbusErrorOptions {
  cause?: unknown
}

/** Base class: every error modbridge throws or reports is one of these. */
export class ModbusError extends Error {
  readonly code: ErrorCode
  constructor(code: ErrorCode, message: string, options?: ModbusErrorOptions) {
    super(message, options)
    this.code = code
    this.name = new.target.name
  }
}

/**
 * A framing failure on wire input: bad checksum, impossible length, garbage skipped.
 * Reported to a framer's sink after the framer has already resynchronised.
 */
export class FrameError extends ModbusError {
  /** Offset in the framer's input stream (bytes since creation or reset) where the bad bytes began. */
  readonly offset: number
  /** The bytes that were dropped or rejected (a copy). */
  readonly bytes: Buffer
  constructor(code: ErrorCode, message: string, offset: number, bytes: Buffer) {
    super(code, message)
    this.offset = offset
    this.bytes = bytes
  }
}

/** What a PDU decoder or encoder found wrong, naming the field, the limit and the value. */
export interface PduErrorDetail {
  functionCode: number
  field?: string
  limit?: string
  value?: number
  offset?: number
}

/** A PDU that breaks the spec: a quantity out of range, a byte count that disagrees, a bad coil value. */
export class PduError extends ModbusError {
  readonly functionCode: number
  readonly field: string | undefined
  readonly limit: string | undefined
  readonly value: number | undefined
  constructor(code: ErrorCode, message: string, detail: PduErrorDetail) {
    super(code, message)
    this.functionCode = detail.functionCode
    this.field = detail.field
    this.limit = detail.limit
    this.value = detail.value
  }
}

/** The device answered with an exception response (function code | 0x80). Raised by clients only. */
export class ModbusExceptionError extends ModbusError {
  readonly functionCode: number
  readonly exceptionCode: number
  constructor(functionCode: number, exceptionCode: number, message: string) {
    super('MB_ERR_EXCEPTION_RESPONSE', message)
    this.functionCode = functionCode
    this.exceptionCode = exceptionCode
  }
}

/** Nothing (or nothing valid) came back within the allowed time. */
export class TimeoutError extends ModbusError {
  constructor(message: string, options?: ModbusErrorOptions) {
    super('MB_ERR_TIMEOUT', message, options)
  }
}

/** The connection or port failed: refused, closed, vanished. */
export class TransportError extends ModbusError {
  constructor(message: string, options?: ModbusErrorOptions) {
    super('MB_ERR_TRANSPORT', message, options)
  }
}

/** A caller passed something unusable to an encoder, a builder or a command. */
export class ArgumentError extends ModbusError {
  constructor(message: string, options?: ModbusErrorOptions) {
    super('MB_ERR_INVALID_ARGUMENT', message, options)
  }
}

/** Formats a number as 0x-prefixed upper-case hex of at least `digits` digits, for messages. */
export function hex(value: number, digits = 2): string {
  return '0x' + value.toString(16).toUpperCase().padStart(digits, '0')
}
