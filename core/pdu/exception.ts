/**
 * Exception responses (§7): function code | 0x80, then one exception code byte.
 * In core/pdu an exception is data ({ function, exception }); clients turn it into
 * ModbusExceptionError, servers build it from handler failures.
 */
import { PduError, hex } from '../errors.ts'
import { EXCEPTION_CODES, type ExceptionName, type ExceptionResponse } from './types.ts'
import { expectLength } from './field-checks.ts'

/** The bit that marks an exception response's function code. */
export const EXCEPTION_FLAG = 0x80

const NAMES: string[] = []
for (const [name, code] of Object.entries(EXCEPTION_CODES)) NAMES[code] = name

/** The spec name of an exception code (e.g. 0x0B → gatewayTargetFailedToRespond), or its hex. */
export function exceptionName(code: number): ExceptionName | string {
  return NAMES[code] ?? hex(code)
}

/** True for a message object that is an exception response. */
export function isException(msg: object): msg is ExceptionResponse {
  return 'exception' in msg
}

/** Size of an exception PDU. */
export const EXCEPTION_PDU_SIZE = 2

/**
 * Writes an exception PDU:
 *   fc | 0x80 u8 | exception code u8
 */
export function writeException(fc: number, exception: number, buf: Buffer, offset: number): number {
  if (!(exception >= 1 && exception <= 0xff && Number.isInteger(exception))) {
    throw new PduError('MB_ERR_RANGE', `exception response: exception code ${exception} is outside 1..255 (§7)`, {
      functionCode: fc,
      field: 'exception',
      limit: '1..255',
      value: exception,
    })
  }
  buf[offset] = fc | EXCEPTION_FLAG
  buf[offset + 1] = exception
  return offset + 2
}

/** Reads an exception PDU at `offset` (whose function byte has the 0x80 flag). */
export function readException(buf: Buffer, offset: number, end: number): { code: number; exception: number } {
  const fc = buf[offset] & 0x7f
  expectLength(fc, `exception response to ${hex(fc)}`, end - offset, 2)
  return { code: fc, exception: buf[offset + 1] }
}
