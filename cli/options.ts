/**
 * The options of the client commands as data: yargs builds the command line from them and the REPL
 * completes from them. Numbers are declared untyped and parsed by cli/numbers.ts (yargs' own
 * number type turns `abc` into NaN and `3z` into a string).
 */
import type { Options } from 'yargs'
import { integerOption } from './numbers.ts'
import { VALUE_TYPES } from './value-type-names.ts'

/** Where the command runs: the command line (connection options per command) or the REPL (one session). */
export type CommandMode = 'cli' | 'repl'

/** Output formats. */
export const FORMATS = ['table', 'csv', 'json'] as const
/** One of FORMATS. */
export type Format = (typeof FORMATS)[number]

/** A named set of yargs options. */
export type OptionSet = Record<string, Options>

/** --target, --unit, --timeout, --retries; in the REPL the session holds the target and the defaults. */
export function connectionOptions(mode: CommandMode): OptionSet {
  const unit: Options = { alias: 'u', requiresArg: true, describe: 'unit id 0..255 (serial: slave address; 0 = broadcast)', coerce: integerOption('--unit', 0, 255) }
  const timeout: Options = { requiresArg: true, describe: 'reply timeout, ms', coerce: integerOption('--timeout', 1, 600_000) }
  if (mode === 'repl') return { unit: { ...unit, describe: `${unit.describe}; default: the session's` }, timeout }
  return {
    target: { type: 'string', requiresArg: true, demandOption: true, describe: 'device address: tcp://, tls://, udp://, rtu+tcp://, rtu://, ascii://, binary://' },
    unit: { ...unit, default: 1 },
    timeout: { ...timeout, default: 1000 },
    retries: { requiresArg: true, describe: 'extra attempts after a timeout (default 0 on TCP/UDP, 2 on serial lines)', coerce: integerOption('--retries', 0, 100) },
  }
}

/** --address and --base. */
export const ADDRESS_OPTIONS: OptionSet = {
  address: { alias: 'a', requiresArg: true, describe: 'first address, 0-based unless --base 1 (default: the first)' },
  base: { requiresArg: true, describe: 'address numbering: 0 (protocol addresses, the default) or 1 (1-based, as mbpoll -r)', coerce: integerOption('--base', 0, 1) },
}

/** --type and the byte and word order. */
export const TYPE_OPTIONS: OptionSet = {
  type: { alias: 't', choices: VALUE_TYPES, requiresArg: true, describe: 'value type of registers (default uint16)' },
  'byte-order': { choices: ['big', 'little'], requiresArg: true, describe: 'bytes inside each register (default big, §4.2)' },
  'word-order': { choices: ['big', 'little'], requiresArg: true, describe: 'registers inside a 32/64-bit value (default big: most significant first)' },
  swap: { type: 'boolean', describe: 'swap words: --word-order little (mbpoll without -B; Modbus Poll "CD AB")' },
}

/** --format, --json, --timestamp. */
export const OUTPUT_OPTIONS: OptionSet = {
  format: { alias: 'f', choices: FORMATS, requiresArg: true, describe: 'table (default), csv, or json (one JSON object per line)' },
  json: { type: 'boolean', describe: 'the same as --format json' },
  timestamp: { type: 'boolean', describe: 'print the time of each reply (default: on when polling)' },
}

/** --quantity (alias --count, -n, -c). */
export const QUANTITY_OPTION: OptionSet = {
  quantity: { alias: ['n', 'count', 'c'], requiresArg: true, describe: 'how many values of --type (string: registers; file: registers of the record); default 1', coerce: integerOption('--quantity', 1, 2000) },
}

/** --interval and --polls. */
export const POLL_OPTIONS: OptionSet = {
  interval: { alias: 'i', requiresArg: true, describe: 'poll every N ms until Ctrl-C (or --polls), then print a summary', coerce: integerOption('--interval', 1, 86_400_000) },
  polls: { requiresArg: true, describe: 'stop after N polls (default interval 1000 ms)', coerce: integerOption('--polls', 1) },
}
