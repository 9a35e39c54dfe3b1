/**
 * The registry of every built-in function code. Build your own with `defaultRegistry.clone()`
 * and `register()` to add user function codes.
 */
import { BIT_FUNCTIONS } from './bits.ts'
import { encapsulatedInterfaceSpec } from './device-id.ts'
import { FIFO_FUNCTIONS } from './fifo.ts'
import { FILE_RECORD_FUNCTIONS } from './file-records.ts'
import { REGISTER_FUNCTIONS } from './registers.ts'
import { Registry } from './registry.ts'
import { SERIAL_LINE_FUNCTIONS } from './serial-line.ts'

/** Every built-in function code: 01-08, 0B, 0C, 0F-11, 14-18, 2B (§6, and SL §6 for the serial-line ones). */
export const defaultRegistry = new Registry([
  ...BIT_FUNCTIONS,
  ...REGISTER_FUNCTIONS,
  ...SERIAL_LINE_FUNCTIONS,
  ...FILE_RECORD_FUNCTIONS,
  ...FIFO_FUNCTIONS,
  encapsulatedInterfaceSpec(),
])
