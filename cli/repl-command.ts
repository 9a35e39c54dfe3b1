/**
 * `modbridge repl`: an interactive session with one device (PyModbus's REPL client, with the
 * command line's commands and options). The session itself is in repl-session.ts.
 */
import { homedir } from 'node:os'
import { join } from 'node:path'
import type { Argv, CommandModule } from 'yargs'
import { connectionOptions, FORMATS } from './options.ts'
import { integerOption } from './numbers.ts'
import { VALUE_TYPES } from './value-type-names.ts'

/** `repl` after yargs. */
export interface ReplArgs {
  target: string
  unit: number
  timeout: number
  retries?: number
  history: string
  type?: (typeof VALUE_TYPES)[number]
  byteOrder?: 'big' | 'little'
  wordOrder?: 'big' | 'little'
  swap?: boolean
  base?: number
  format?: (typeof FORMATS)[number]
}

/** The history file unless --history says otherwise: $MODBRIDGE_REPL_HISTORY, else ~/.modbridge_repl_history. */
export function defaultHistoryFile(): string {
  return process.env.MODBRIDGE_REPL_HISTORY || join(homedir(), '.modbridge_repl_history')
}

/** The `repl` command. */
export const replCommand: CommandModule<object, ReplArgs> = {
  command: 'repl',
  describe: 'An interactive session with one device: every function, typed results, completion, history',
  builder: (y: Argv) =>
    y
      .options(connectionOptions('cli'))
      .option('history', { type: 'string', requiresArg: true, describe: 'history file (default $MODBRIDGE_REPL_HISTORY or ~/.modbridge_repl_history; empty: none)' })
      .option('type', { alias: 't', choices: VALUE_TYPES, requiresArg: true, describe: 'session value type (set type …)' })
      .option('byte-order', { choices: ['big', 'little'] as const, requiresArg: true, describe: 'session byte order' })
      .option('word-order', { choices: ['big', 'little'] as const, requiresArg: true, describe: 'session word order' })
      .option('swap', { type: 'boolean', describe: 'session word order little' })
      .option('base', { requiresArg: true, describe: 'session address numbering: 0 or 1', coerce: integerOption('--base', 0, 1) })
      .option('format', { alias: 'f', choices: FORMATS, requiresArg: true, describe: 'session output format' })
      .example('$0 repl --target tcp://127.0.0.1:5020 --unit 1', '')
      .example('$0 repl --target "rtu:///dev/ttyUSB0?baud=19200" --type float32 --swap', 'registers shown as word-swapped floats')
      .epilog('In the session: help, read, write, diag, identify, raw, unit, set, show, stats, exit. Tab completes; ↑ recalls history.') as Argv<unknown> as Argv<ReplArgs>,
  async handler(args) {
    const { startRepl } = await import('./repl-session.ts')
    await startRepl({ ...args, history: args.history ?? defaultHistoryFile() })
    // The terminal input keeps the event loop alive after the REPL closes; the session is over.
    process.exit(process.exitCode ?? 0)
  },
}
