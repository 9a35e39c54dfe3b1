/**
 * Client commands: `read`, `write`, `diag`, `identify` — one for every function code. This module
 * only declares them (options, help, examples); what they do is in client-run.ts, loaded when a
 * command runs, so `--help` stays fast. The REPL declares the same commands without the
 * connection options, which the session holds.
 */
import type { Argv, CommandModule } from 'yargs'
import { ADDRESSING_RULE, READ_KINDS, WRITE_KINDS } from './addressing.ts'
import { integerOption } from './numbers.ts'
import { ADDRESS_OPTIONS, connectionOptions, OUTPUT_OPTIONS, POLL_OPTIONS, QUANTITY_OPTION, TYPE_OPTIONS, type CommandMode, type OptionSet } from './options.ts'

/** The client commands by name. */
export type ClientCommand = 'read' | 'write' | 'diag' | 'identify'

/** Runs a client command with its parsed arguments (the command line connects; the REPL uses its session). */
export type ClientRunner = (command: ClientCommand, args: Record<string, unknown>) => Promise<void>

/** Read Device Identification categories (core's READ_DEVICE_ID_CODES keys; a test keeps them equal). */
export const IDENTIFY_CODES = ['basic', 'regular', 'extended', 'specific'] as const

const FILE_OPTIONS: OptionSet = {
  file: { requiresArg: true, describe: 'file number 1..65535 (read/write file)', coerce: integerOption('--file', 1, 0xffff) },
  record: { requiresArg: true, describe: 'record number 0..9999 (read/write file; default 0)', coerce: integerOption('--record', 0, 0x270f) },
}

const MAP_OPTIONS: OptionSet = {
  map: { type: 'string', requiresArg: true, describe: 'device file (serve --device) whose named points to read, instead of <what>' },
  name: { type: 'string', array: true, requiresArg: true, describe: 'point of --map to read (repeatable)' },
  all: { type: 'boolean', describe: 'read every point of the --map unit' },
}

const WRITE_OPTIONS: OptionSet = {
  value: { type: 'string', requiresArg: true, describe: 'one value: coil 1/0, on/off, true/false; register a number of --type; string: the text' },
  values: { type: 'string', requiresArg: true, describe: 'comma-separated values (coils: 1/0, on/off, true/false)' },
  and: { requiresArg: true, describe: 'mask: AND mask 0..0xFFFF', coerce: integerOption('--and', 0, 0xffff) },
  or: { requiresArg: true, describe: 'mask: OR mask 0..0xFFFF', coerce: integerOption('--or', 0, 0xffff) },
  'read-address': { requiresArg: true, describe: 'read-write: first register to read (same numbering as --address)' },
  'read-quantity': { requiresArg: true, describe: 'read-write: values of --type to read', coerce: integerOption('--read-quantity', 1, 125) },
}

const DIAG_OPTIONS: OptionSet = {
  data: { type: 'string', requiresArg: true, describe: "data words, comma-separated (default: the sub-function's usual data)" },
}

const IDENTIFY_OPTIONS: OptionSet = {
  code: { choices: IDENTIFY_CODES, requiresArg: true, describe: 'category: basic, regular (default), extended, or specific (one object)' },
  object: { requiresArg: true, describe: 'object id 0..255 (--code specific)', coerce: integerOption('--object', 0, 255) },
}

/** The options of each command, for yargs and for the REPL's completion. */
export function commandOptions(command: ClientCommand, mode: CommandMode): OptionSet {
  const common = { ...connectionOptions(mode), ...OUTPUT_OPTIONS }
  switch (command) {
    case 'read':
      return { ...common, ...ADDRESS_OPTIONS, ...QUANTITY_OPTION, ...TYPE_OPTIONS, ...FILE_OPTIONS, ...MAP_OPTIONS, ...POLL_OPTIONS }
    case 'write':
      return { ...common, ...ADDRESS_OPTIONS, ...TYPE_OPTIONS, ...WRITE_OPTIONS, ...FILE_OPTIONS }
    case 'diag':
      return { ...common, ...DIAG_OPTIONS }
    case 'identify':
      return { ...common, ...IDENTIFY_OPTIONS }
  }
}

function groups<T>(y: Argv<T>, options: OptionSet): Argv<T> {
  const has = (names: string[]) => names.filter((n) => n in options)
  const sets: [string, string[]][] = [
    ['Connection:', has(['target', 'unit', 'timeout', 'retries'])],
    ['Addressing:', has(['address', 'base', 'quantity', 'file', 'record', 'read-address', 'read-quantity'])],
    ['Values:', has(['type', 'byte-order', 'word-order', 'swap', 'value', 'values', 'and', 'or', 'data', 'code', 'object'])],
    ['Points:', has(['map', 'name', 'all'])],
    ['Polling:', has(['interval', 'polls'])],
    ['Output:', has(['format', 'json', 'timestamp'])],
  ]
  for (const [title, names] of sets) if (names.length) y = y.group(names, title)
  return y
}

/** The four client commands for the command line or the REPL. */
export function clientCommands(mode: CommandMode, run: ClientRunner): CommandModule[] {
  const ex = (text: string) => (mode === 'cli' ? text.replace(/^/, '$0 ') : text)
  const target = mode === 'cli' ? ' --target tcp://127.0.0.1:5020' : ''
  const read: CommandModule = {
    command: 'read [what]',
    describe: 'Read coils, discrete inputs, holding or input registers (typed), a FIFO, a file record, or a serial-line status',
    builder: (y: Argv) =>
      groups(
        y
          .positional('what', { type: 'string', describe: `${READ_KINDS.join(' | ')}, or a Modicon reference (40001); leave out with --map` })
          .options(commandOptions('read', mode)),
        commandOptions('read', mode),
      )
        .example(ex(`read holding${target} --address 0 --quantity 10`), 'ten registers from address 0')
        .example(ex(`read 40001${target} -n 2 --type float32 --swap`), 'two floats from holding address 0, words swapped')
        .example(ex(`read input${target} --interval 500 --format csv`), 'poll every 500 ms as CSV until Ctrl-C')
        .example(ex(`read --map device.json --name flow${target}`), 'the point "flow" of unit 1, as the device file maps it')
        .epilog(ADDRESSING_RULE),
    handler: (args) => run('read', args),
  }
  const write: CommandModule = {
    command: 'write <what>',
    describe: 'Write a coil, coils, a register, registers (typed), a mask, a file record, or read-write; prints the echo',
    builder: (y: Argv) =>
      groups(
        y
          .positional('what', { type: 'string', describe: `${WRITE_KINDS.join(' | ')}, or a Modicon reference (00001, 40001)` })
          .options(commandOptions('write', mode)),
        commandOptions('write', mode),
      )
        .example(ex(`write coil${target} --address 3 --value on`), '')
        .example(ex(`write registers${target} --address 10 --type float32 --values 1.5,-2`), 'two floats, four registers')
        .example(ex(`write 40011${target} --type int32 --value -70000`), 'one int32 at holding address 10')
        .epilog(ADDRESSING_RULE),
    handler: (args) => run('write', args),
  }
  const diag: CommandModule = {
    command: 'diag <sub>',
    describe: 'Diagnostics (08): a sub-function by name or number, e.g. returnBusMessageCount or 0x0B',
    builder: (y: Argv) =>
      groups(y.positional('sub', { type: 'string', describe: 'sub-function name (see the README) or number' }).options(commandOptions('diag', mode)), commandOptions('diag', mode))
        .example(ex(`diag returnBusMessageCount${target}`), '')
        .example(ex(`diag restartCommunicationsOption --data 0xff00${target}`), ''),
    handler: (args) => run('diag', args),
  }
  const identify: CommandModule = {
    command: 'identify',
    describe: 'Read Device Identification (2B/0E), following more-follows',
    builder: (y: Argv) => groups(y.options(commandOptions('identify', mode)), commandOptions('identify', mode)).example(ex(`identify${target} --code extended`), ''),
    handler: (args) => run('identify', args),
  }
  return [read, write, diag, identify]
}

/** The command-line runner: loads the client code only when a command runs. */
export const cliRunner: ClientRunner = async (command, args) => {
  const { runClientCommand } = await import('./client-main.ts')
  await runClientCommand(command, args)
}
