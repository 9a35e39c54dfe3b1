/**
 * How data sources and the device model say "answer with exception N": they throw a
 * ModbusExceptionError whose function code the request handler fills in.
 */
import { ModbusExceptionError } from '../errors.ts'

/** Exception 0x02: the address (or file, record, object) is not in the map. */
export function illegalAddress(message: string): ModbusExceptionError {
  return new ModbusExceptionError(0, 0x02, message)
}

/** Exception 0x03: a value the device will not take. */
export function illegalValue(message: string): ModbusExceptionError {
  return new ModbusExceptionError(0, 0x03, message)
}

/** Exception 0x01: the device does not do this. */
export function illegalFunction(message: string): ModbusExceptionError {
  return new ModbusExceptionError(0, 0x01, message)
}

/** Exception 0x04: the device failed while doing it. */
export function deviceFailure(message: string): ModbusExceptionError {
  return new ModbusExceptionError(0, 0x04, message)
}
