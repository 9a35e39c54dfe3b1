import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { runCli } from '../helpers/run-cli.ts'

const BIN = fileURLToPath(new URL('../../cli/modbridge.js', import.meta.url))
const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version

const test = suite('modbridge: help, version, typos, one-line errors, closed pipes')

test('--help lists every command and exits 0', async () => {
  const r = await runCli(['--help'])
  assert.is(r.code, 0, r.stderr)
  for (const c of ['frame', 'serve', 'read', 'write', 'diag', 'identify', 'repl', 'proxy', 'conformance', 'completion']) assert.match(r.stdout, `modbridge ${c}`)
})

test('--version and -V print the package version and exit 0', async () => {
  for (const flag of ['--version', '-V']) {
    const r = await runCli([flag])
    assert.is(r.code, 0, r.stderr)
    assert.is(r.stdout, `${VERSION}\n`)
  }
})

test('a mistyped command gets "did you mean" in one line, not the whole help', async () => {
  const r = await runCli(['raed', 'holding'])
  assert.is(r.code, 2)
  assert.is(r.stdout, '')
  assert.is(r.stderr, 'modbridge: MB_ERR_INVALID_ARGUMENT: unknown command "raed"; did you mean read?\n')
})

test('a mistyped table gets "did you mean" too', async () => {
  const r = await runCli(['read', 'holdnig', '--target', 'tcp://127.0.0.1:1'])
  assert.is(r.code, 2)
  assert.match(r.stderr, 'did you mean holding?')
})

test('an unknown option is an error (strict), in one line', async () => {
  const r = await runCli(['read', 'holding', '--target', 'tcp://127.0.0.1:1', '--quantiy', '3'])
  assert.is(r.code, 2)
  assert.match(r.stderr, /^modbridge: .*Unknown argument: quantiy/)
  assert.is(r.stderr.split('\n').length, 2)
})

test('a command-level --help shows the addressing rule', async () => {
  const r = await runCli(['read', '--help'])
  assert.is(r.code, 0)
  assert.match(r.stdout, 'Addresses are 0-based protocol addresses')
  assert.match(r.stdout, '40001 = holding address 0')
})

test('completion prints a shell script; completing a command lists its options', async () => {
  const script = await runCli(['completion'])
  assert.is(script.code, 0)
  assert.match(script.stdout, '--get-yargs-completions')
  const words = await runCli(['--get-yargs-completions', 'modbridge', 'read', 'holding', '--'])
  assert.match(words.stdout, '--byte-order')
  assert.match(words.stdout, '--interval')
})

test('a closed pipe ends the output quietly (frame generate | head)', async () => {
  const proc = spawn(process.execPath, [BIN, 'frame', 'generate', '--framer', 'tcp'], { stdio: ['ignore', 'pipe', 'pipe'] })
  proc.stdout.destroy()
  let err = ''
  proc.stderr.on('data', (c: Buffer) => (err += c))
  const code = await new Promise<number | null>((resolve) => proc.on('exit', (c) => resolve(c)))
  assert.is(err, '')
  assert.is(code, 0)
})

test('a number option of any command refuses NaN (--unit abc of conformance run)', async () => {
  const r = await runCli(['conformance', 'run', '--target', 'tcp://127.0.0.1:1', '--unit', 'abc'])
  assert.is(r.code, 2)
  assert.is(r.stderr, 'modbridge: MB_ERR_INVALID_ARGUMENT: --unit is not a number\n')
})

test('no command is an error that says so', async () => {
  const r = await runCli([])
  assert.is(r.code, 2)
  assert.match(r.stderr, 'name a command')
})
test.run()
