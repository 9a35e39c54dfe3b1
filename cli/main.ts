#!/usr/bin/env node
/**
 * The modbridge command line. Start-up is kept short by loading only the command that runs: the
 * first word picks it, and every other command is registered as a stub with its name and
 * description (enough for --help, completion and "did you mean"). Each error is one line on stderr
 * with a non-zero exit; a closed pipe (`| head`) ends the output quietly.
 */
import yargs, { type Argv, type CommandModule } from 'yargs'
import { hideBin } from 'yargs/helpers'
import { ArgumentError, ModbusError } from '../core/errors.ts'
import { cliRunner, clientCommands } from './client-commands.ts'
import { reportCliError } from './output.ts'
import { readVersion } from './version.ts'

/** A command loaded on demand. */
interface LazyCommand {
  name: string
  /** Listed after the client commands in --help. */
  late?: boolean
  command: string
  describe: string
  load(): Promise<CommandModule>
}

const LAZY: LazyCommand[] = [
  { name: 'frame', command: 'frame <command>', describe: 'Decode, encode and generate frames (message parser and generator)', load: async () => (await import('./frame-commands.ts')).frameCommand },
  { name: 'serve', command: 'serve', describe: 'Run the device simulator on one or more addresses', load: async () => (await import('./serve-command.ts')).serveCommand as CommandModule },
  { name: 'repl', late: true, command: 'repl', describe: 'An interactive session with one device: every function, typed results, completion, history', load: async () => (await import('./repl-command.ts')).replCommand as CommandModule },
  { name: 'proxy', late: true, command: 'proxy', describe: 'Run the multi-bus gateway (no options: in front of simulated RTU devices, no hardware needed)', load: async () => (await import('../proxy/cli.ts')).proxyCommand as CommandModule },
  { name: 'snapshot', late: true, command: 'snapshot', describe: 'Record a device as a device file that serve --device replays', load: async () => (await import('./snapshot-command.ts')).snapshotCommand as CommandModule },
  { name: 'conformance', late: true, command: 'conformance <command>', describe: 'Certify a Modbus device against the golden vectors (run, probe, diff)', load: async () => (await import('../conformance/cli.ts')).conformanceCommand as CommandModule },
]

/** The command word of an argument list (the first non-option), also inside a completion request. */
function commandWord(args: string[]): string | undefined {
  const words = args[0] === '--get-yargs-completions' ? args.slice(2) : args
  return words.find((w) => !w.startsWith('-'))
}

/** A closed pipe on stdout or stderr (`modbridge frame generate … | head -5`) ends the process quietly. */
function quietOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0)
    throw err
  })
}

/** Refuses NaN from any numeric option (yargs' number type turns `abc` and `3z` into NaN). */
function refuseNaN(argv: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(argv)) {
    if (key.length > 1 && !key.includes('-') && (Number.isNaN(value) || (Array.isArray(value) && value.some((v) => Number.isNaN(v))))) {
      throw new ArgumentError(`--${key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())} is not a number`)
    }
  }
}

async function main(): Promise<void> {
  quietOnClosedPipe(process.stdout)
  quietOnClosedPipe(process.stderr)
  const args = hideBin(process.argv)
  const word = commandWord(args)
  const helpAsked = args.includes('--help') || args.includes('-h')
  let cli: Argv = yargs(args)
    .scriptName('modbridge')
    .usage('$0 <command> [options]')
    .parserConfiguration({ 'parse-numbers': false, 'parse-positional-numbers': false })
  const register = async (c: LazyCommand) => {
    if (c.name === word) cli = cli.command({ ...(await c.load()), command: c.command, describe: c.describe })
    else cli = cli.command({ command: c.command, describe: c.describe, builder: (y: Argv) => y, handler: () => {} })
  }
  for (const c of LAZY.filter((l) => !l.late)) await register(c)
  for (const c of clientCommands('cli', cliRunner)) cli = cli.command(c)
  for (const c of LAZY.filter((l) => l.late)) await register(c)
  await cli
    .middleware(refuseNaN, true)
    .demandCommand(1, 'name a command')
    .recommendCommands()
    .strict()
    .completion('completion', 'Print a bash/zsh completion script (modbridge completion >> ~/.bashrc)')
    .help()
    .alias('h', 'help')
    .version(readVersion())
    .alias('V', 'version')
    // yargs renders the whole help before running any command (to have it ready should the command
    // fail); wrapping it is the costly part, so only help that is asked for is wrapped.
    .wrap(helpAsked ? Math.min(110, process.stdout.columns || 110) : null)
    .epilog('Addresses are 0-based unless --base 1; see a command\'s --help. Docs: the README of the modbridge package.')
    .fail((msg, err) => {
      if (err instanceof ModbusError) throw err
      const text = err?.message ?? msg
      throw new ArgumentError(/^Did you mean/.test(text) ? `unknown command ${JSON.stringify(word)}; ${text.replace(/^D/, 'd')}` : `${text} (modbridge ${word && word !== 'completion' ? word + ' ' : ''}--help)`)
    })
    .parseAsync()
}

process.on('uncaughtException', (err) => {
  reportCliError(err)
  process.exit(process.exitCode ?? 2)
})

try {
  await main()
} catch (err) {
  reportCliError(err)
  process.exit(2)
}
