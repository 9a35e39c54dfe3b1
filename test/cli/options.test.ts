import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import yargs from 'yargs'
import { commandOptions } from '../../cli/client-commands.ts'

/** Parses a command line with the options of `read` as the command line declares them. */
function parse(args: string[]): Record<string, unknown> {
  return yargs(args).parserConfiguration({ 'parse-numbers': false }).options(commandOptions('read', 'cli')).exitProcess(false).parseSync() as Record<string, unknown>
}

const test = suite('client command options as parsed')
test('--retries has no default, so connectClient applies its own (2 on serial lines)', () => {
  assert.is(parse(['--target', 'rtu:///dev/ttyUSB0']).retries, undefined)
  assert.is(parse(['--target', 'rtu:///dev/ttyUSB0', '--retries', '0']).retries, 0)
})
test('--count, -c and -n are --quantity', () => {
  for (const flag of ['--count', '-c', '-n', '--quantity']) assert.is(parse(['--target', 'x', flag, '0x0a']).quantity, 10, flag)
})
test('the REPL has no --target and no default unit (the session has them)', () => {
  const repl = commandOptions('read', 'repl')
  assert.not.ok('target' in repl)
  assert.is(repl.unit.default, undefined)
})
test.run()
