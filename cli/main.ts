/**
 * The modbridge command line. Each command group lives in its own module; this file only
 * assembles them.
 */
import yargs from 'yargs'
import { hideBin } from 'yargs/helpers'
import { diagCommand, identifyCommand, readCommand, writeCommand } from './client-commands.ts'
import { frameCommand } from './frame-commands.ts'
import { serveCommand } from './serve-command.ts'
import { proxyCommand } from '../proxy/cli.ts'
import { conformanceCommand } from '../conformance/cli.ts'
import { reportCliError } from './output.ts'

try {
  await yargs(hideBin(process.argv))
    .scriptName('modbridge')
    .usage('$0 <command> [options]')
    .command(frameCommand)
    .command(serveCommand)
    .command(readCommand)
    .command(writeCommand)
    .command(diagCommand)
    .command(identifyCommand)
    .command(proxyCommand)
    .command(conformanceCommand)
    .demandCommand(1, 'Name a command; --help lists them.')
    .strict()
    .help()
    .alias('h', 'help')
    .version(false)
    .wrap(Math.min(110, process.stdout.columns || 110))
    .fail((msg, err, y) => {
      if (err) throw err
      y.showHelp('error')
      process.stderr.write(`\n${msg}\n`)
      process.exit(2)
    })
    .parseAsync()
} catch (err) {
  reportCliError(err)
  process.exit(2)
}
