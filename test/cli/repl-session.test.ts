import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { startCli, type RunningCli } from '../helpers/spawn-cli.ts'
import { waitFor } from '../helpers/wait.ts'

const BIN = fileURLToPath(new URL('../../cli/modbridge.js', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'modbridge-repl-'))
const history = join(dir, 'history')

/** `modbridge repl` on a real pseudo-terminal (python3's pty module relays our pipe to it). */
class Terminal {
  private raw = ''
  private mark = 0
  readonly proc: ChildProcess
  readonly exited: Promise<number | null>

  constructor(args: string[]) {
    this.proc = spawn('python3', ['-c', 'import pty, sys; sys.exit(pty.spawn(sys.argv[1:]) >> 8)', process.execPath, BIN, 'repl', ...args], { stdio: ['pipe', 'pipe', 'inherit'] })
    this.proc.stdout!.on('data', (c: Buffer) => (this.raw += c.toString()))
    this.exited = new Promise((resolve) => this.proc.on('exit', (code) => resolve(code)))
  }

  /** The screen text since the last expect(), escape sequences and carriage returns removed. */
  get text(): string {
    return this.raw.slice(this.mark).replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '')
  }

  /** Types keys (no Enter). */
  keys(text: string): void {
    this.proc.stdin!.write(text)
  }

  /** Waits until the new output contains `expected` (or matches it), then moves past it. */
  async expect(expected: string | RegExp, what = String(expected)): Promise<string> {
    const seen = () => (typeof expected === 'string' ? this.text.includes(expected) : expected.test(this.text))
    await waitFor(seen, `${what}`, 15000).catch((err: Error) => {
      throw new RangeError(`${err.message}; the screen ends ${JSON.stringify(this.text.slice(-1500))}`)
    })
    const found = this.text
    this.mark = this.raw.length
    return found
  }

  /**
   * Types keys and waits for their echo. Readline takes keys that arrive in one read as a paste
   * (a Tab in a paste is text, not completion), so each Tab must come after the echo of what precedes it.
   */
  async type(text: string): Promise<void> {
    this.keys(text)
    await this.expect(text, `the echo of ${JSON.stringify(text)}`)
  }

  /** Presses Tab and waits for `completed` to appear. */
  async tab(completed: string): Promise<void> {
    this.keys('\t')
    await this.expect(completed, `completion to ${JSON.stringify(completed)}`)
  }

  /** Types a line and Enter, and waits for the next prompt; returns what came out. */
  async line(text: string): Promise<string> {
    this.keys(text + '\r')
    return this.expect(/\nmodbridge:\d+> $/, `the prompt after ${text}`)
  }
}

let device: RunningCli & { match: RegExpMatchArray }
let term: Terminal | undefined

const test = suite('modbridge repl on a pseudo-terminal: commands, completion, typed results, history')
test.before(async () => {
  const file = join(dir, 'device.json')
  writeFileSync(file, JSON.stringify({ units: { '1': { holdingRegisters: { start: 0, length: 100, values: [0x3fc0, 0, 7, 8] }, coils: { start: 0, length: 16 }, fifos: { '5': [1, 2] }, files: { '1': [4, 5, 6] }, identity: { '0': 'Acme', '1': 'A-1', '2': '2.0' } }, '2': { holdingRegisters: { start: 0, length: 4, values: [42] } } } }))
  device = await startCli(['serve', '--listen', 'tcp://127.0.0.1:0', '--device', file], /serving (tcp:\/\/\S+)/)
})
test.after(async () => {
  term?.proc.kill()
  await device.stop()
  rmSync(dir, { recursive: true, force: true })
})

test('a session: read, typed results, write echo, refusal, diag, identify, FIFO, file, raw, unit', async () => {
  term = new Terminal(['--target', device.match[1], '--history', history])
  await term.expect(/help lists the commands\nmodbridge:1> $/, 'the banner and prompt')
  assert.match(await term.line('read holding -n 4'), '0\t16320\n1\t0\n2\t7\n3\t8\n')
  assert.match(await term.line('read holding -n 1 --type float32'), '0\t1.5\n')
  await term.line('set type hex')
  assert.match(await term.line('read holding -a 2 -n 2'), '2\t0x0007\n3\t0x0008\n')
  assert.match(await term.line('write coil -a 3 --value on'), 'device echoed writeSingleCoil: address 3, value ON')
  const refused = await term.line('write coil -a 4 --value maybe')
  assert.match(refused, 'error: MB_ERR_INVALID_ARGUMENT: --value: "maybe" is not a coil value')
  assert.match(await term.line('read coils -a 3 -n 2'), '3\t1\n4\t0\n')
  assert.match(await term.line('diag returnServerMessageCount'), /0x[0-9a-f]{4} \(\d+\)/)
  assert.match(await term.line('identify --code basic'), '0x00\tAcme\n0x01\tA-1\n0x02\t2.0\n')
  assert.match(await term.line('read fifo -a 5 -t uint16'), '0\t1\n1\t2\n')
  assert.match(await term.line('read file --file 1 --record 1 -n 2 -t uint16'), '1\t5\n2\t6\n')
  assert.match(await term.line('raw 03 0000 0001'), 'reply 03 02 3f c0\nreadHoldingRegisters {"values":[16320]}')
  assert.match(await term.line('unit 2'), 'unit 2\nmodbridge:2> ')
  assert.match(await term.line('read holding -t uint16'), '0\t42\n')
  assert.match(await term.line('raed holding'), 'unknown command "raed"; did you mean read?')
  assert.match(await term.line('help'), 'raw <hex>')
})

test('Tab completes commands, tables, options, option values and sub-functions', async () => {
  const t = term!
  await t.type('rea')
  await t.tab('d ')
  await t.type('hol')
  await t.tab('ding ')
  await t.type('--ty')
  await t.tab('pe ')
  await t.type('float3')
  await t.tab('2 ')
  assert.match(await t.line('-n 1 --byte-order big -u 1'), '0\t1.5\n')
  await t.type('diag returnServerNa')
  await t.tab('kCount ')
  assert.match(await t.line(''), /0x[0-9a-f]{4} \(\d+\)/)
})

test('Ctrl-C stops a poll with its summary and the session goes on', async () => {
  const t = term!
  t.keys('read holding -u 1 -t uint16 --interval 20 --json\r')
  await t.expect(/("values":\[16320\]\}\n.*){3}/s, 'three polls')
  t.keys('\x03')
  const end = await t.expect(/--- read holding unit 1: \d+ sent, \d+ ok, 0 errors \(0% failed\).*\nmodbridge:2> $/s, 'the summary and the prompt')
  assert.not.match(end, 'To exit, press Ctrl+C again')
  assert.match(await t.line('unit'), 'unit 2')
})

test('commands piped in all run, in order, before the session ends with the input', async () => {
  const target = device.match[1]
  const proc = spawn(process.execPath, [BIN, 'repl', '--target', target, '--history', ''], { stdio: ['pipe', 'pipe', 'pipe'] })
  let out = ''
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString()))
  const exited = new Promise<number | null>((r) => proc.once('exit', r))
  proc.stdin!.end('read holding -n 2\nunit 2\nread holding -n 1\n')
  assert.is(await exited, 0)
  // As printed rows ("address<TAB>value"), so that the server's port in the banner (…:42281) is no match.
  const first = out.indexOf('\t16320\n')
  const second = out.indexOf('0\t42\n')
  assert.ok(first > 0, `unit 1's registers in:\n${out}`)
  assert.ok(second > first, `then unit 2's register, after them:\n${out}`)
})

test('history is kept in the file and recalled with the up arrow in the next session', async () => {
  const t = term!
  t.keys('\x04')
  await t.expect('', 'end of session')
  assert.is(await t.exited, 0)
  const saved = readFileSync(history, 'utf8')
  assert.match(saved, 'read holding -n 4')
  assert.match(saved, 'read holding --type float32 -n 1 --byte-order big -u 1')
  term = new Terminal(['--target', device.match[1], '--history', history, '--unit', '2'])
  await term.expect(/modbridge:2> $/, 'the prompt')
  for (const recalled of ['unit', 'read holding -u 1 -t uint16 --interval 20 --json', 'diag returnServerNakCount', 'read holding --type float32 -n 1 --byte-order big -u 1']) {
    term.keys('\x1b[A')
    await term.expect(recalled, `${recalled} recalled`)
  }
  term.keys('\r')
  await term.expect(/0\t1\.5\nmodbridge:2> $/, 'its result')
  term.keys('exit\r')
  assert.is(await term.exited, 0)
  term = undefined
})
test.run()
