import { writeFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { runCli } from '../helpers/run-cli.ts'
import { startCli, type RunningCli } from '../helpers/spawn-cli.ts'

const test = suite('modbridge serve, read, write, diag, identify (real processes over TCP)')
let serve: RunningCli
let target = ''
let dir = ''

test.before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'modbridge-'))
  const file = join(dir, 'sim.json')
  writeFileSync(
    file,
    JSON.stringify({
      units: {
        '1': { holdingRegisters: { start: 0, length: 20, values: [10, 11, 12] }, coils: { start: 0, length: 16 }, identity: { '0': 'Acme', '1': 'A-1', '2': '2.0' } },
        '2': { inputRegisters: { sparse: { '100': 7 } } },
      },
    }),
  )
  const started = await startCli(['serve', '--listen', 'tcp://127.0.0.1:0', '--device', file], /serving (tcp:\/\/\S+)/)
  serve = started
  target = started.match[1]
})
test.after(async () => {
  await serve?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

const cli = (...args: string[]) => runCli([...args, '--target', target])

test('read holding --json prints the values of the device file', async () => {
  const r = await cli('read', 'holding', '--unit', '1', '--address', '0', '--quantity', '3', '--json')
  assert.is(r.code, 0, r.stderr)
  assert.equal(JSON.parse(r.stdout), { address: 0, values: [10, 11, 12] })
})

test('write registers prints the echo, then reads them back, as text', async () => {
  const w = await cli('write', 'registers', '--unit', '1', '--address', '5', '--values', '1,2')
  assert.is(w.code, 0, w.stderr)
  assert.is(w.stdout, 'device echoed writeMultipleRegisters: address 5, quantity 2\n')
  const r = await cli('read', 'holding', '--unit', '1', '--address', '5', '--quantity', '2')
  assert.is(r.stdout, '5\t1\n6\t2\n')
})

test('write coil prints the echoed value; read coils', async () => {
  const w = await cli('write', 'coil', '--unit', '1', '--address', '3', '--value', 'on', '--json')
  assert.equal(JSON.parse(w.stdout), { function: 'writeSingleCoil', address: 3, value: true })
  const r = await cli('read', 'coils', '--unit', '1', '--address', '0', '--quantity', '4', '--json')
  assert.equal(JSON.parse(r.stdout).values, [false, false, false, true])
})

test('a sparse unit answers its address and refuses a gap with exception 02', async () => {
  const ok = await cli('read', 'input', '--unit', '2', '--address', '100', '--json')
  assert.equal(JSON.parse(ok.stdout).values, [7])
  const gap = await cli('read', 'input', '--unit', '2', '--address', '101')
  assert.is(gap.code, 2)
  assert.match(gap.stderr, 'MB_ERR_EXCEPTION_RESPONSE')
  assert.match(gap.stderr, 'illegalDataAddress')
})

test('identify lists the identity objects of the device file', async () => {
  const r = await cli('identify', '--unit', '1', '--code', 'basic', '--json')
  assert.equal(JSON.parse(r.stdout).objects.map((o: { value: string }) => o.value), ['Acme', 'A-1', '2.0'])
})

test('diag by name returns a counter; an unknown name is a clear error', async () => {
  const r = await cli('diag', 'returnServerMessageCount', '--unit', '1', '--json')
  assert.is(r.code, 0, r.stderr)
  assert.ok(JSON.parse(r.stdout).data[0] > 0)
  const bad = await cli('diag', 'nonsense', '--unit', '1')
  assert.is(bad.code, 2)
  assert.match(bad.stderr, 'unknown sub-function')
})

test('an unknown unit gets exception 0x0B; an unreachable target is a transport error', async () => {
  const unknown = await cli('read', 'holding', '--unit', '9')
  assert.match(unknown.stderr, 'gatewayTargetFailedToRespond')
  const dead = await runCli(['read', 'holding', '--target', 'tcp://127.0.0.1:1', '--timeout', '300'])
  assert.is(dead.code, 2)
  assert.match(dead.stderr, 'MB_ERR_TRANSPORT')
})

test('a bad address shows the grammar', async () => {
  const r = await runCli(['read', 'holding', '--target', 'serial:/dev/x'])
  assert.is(r.code, 2)
  assert.match(r.stderr, 'rtu:///dev/ttyX?baud=19200')
})
test('typed write and read: float32 with swapped words, int32, string; --count is --quantity', async () => {
  assert.is((await cli('write', 'registers', '--address', '10', '--type', 'float32', '--swap', '--values', '1.5,-2')).code, 0)
  const raw = await cli('read', 'holding', '--address', '10', '--count', '4', '--type', 'hex')
  assert.is(raw.stdout, '10\t0x0000\n11\t0x3FC0\n12\t0x0000\n13\t0xC000\n', 'low word first')
  const floats = await cli('read', 'holding', '--address', '10', '-n', '2', '-t', 'float32', '--swap', '--json')
  assert.equal(JSON.parse(floats.stdout), { address: 10, type: 'float32', values: [1.5, -2] })
  const w = await cli('write', 'registers', '--address', '14', '--type', 'int32', '--byte-order', 'little', '--value', '-70000')
  assert.is(w.code, 0, w.stderr)
  const i32 = await cli('read', 'holding', '--address', '14', '-t', 'int32', '--byte-order', 'little')
  assert.is(i32.stdout, '14\t-70000\n')
  assert.is((await cli('write', 'registers', '--address', '16', '-t', 'string', '--value', 'pump 3')).code, 0)
  const text = await cli('read', 'holding', '--address', '16', '-t', 'string', '-n', '3')
  assert.is(text.stdout, '16\tpump 3\n')
})

test('Modicon references and --base 1 name the same registers as 0-based addresses', async () => {
  assert.is((await cli('write', '40019', '--value', '77')).code, 0, 'holding address 18')
  assert.is((await cli('read', 'holding', '--address', '18')).stdout, '18\t77\n')
  assert.is((await cli('read', 'holding', '--base', '1', '--address', '19')).stdout, '19\t77\n')
  assert.is((await cli('read', '40019')).stdout, '40019\t77\n')
  assert.is((await cli('read', '400019', '--format', 'csv')).stdout, '400019\n77\n')
  const both = await cli('read', '40019', '--address', '3')
  assert.is(both.code, 2)
  assert.match(both.stderr, 'the Modicon reference already gives the address')
  const ro = await cli('write', '30001', '--value', '1')
  assert.match(ro.stderr, 'input registers (3xxxx) are read-only')
})

test('a coil value the tool does not understand is refused and nothing is written', async () => {
  assert.is((await cli('write', 'coils', '--address', '8', '--values', '0,0,0')).code, 0)
  for (const bad of [['coil', '--value', 'maybe'], ['coil', '--value', 'yes'], ['coil', '--value', '0xff00'], ['coils', '--values', '1,0,2']]) {
    const r = await cli('write', bad[0], '--address', '8', bad[1], bad[2])
    assert.is(r.code, 2, bad.join(' '))
    assert.match(r.stderr, 'is not a coil value')
    assert.is(r.stderr.trim().split('\n').length, 1, 'one line')
  }
  assert.equal(JSON.parse((await cli('read', 'coils', '--address', '8', '-n', '3', '--json')).stdout).values, [false, false, false])
})

test('numbers are parsed strictly and each error names the option in one line', async () => {
  for (const [flag, value] of [['--quantity', 'abc'], ['--quantity', '3z'], ['--unit', '1.5'], ['--timeout', '']]) {
    const r = await cli('read', 'holding', flag, value)
    assert.is(r.code, 2, `${flag} ${value}`)
    assert.match(r.stderr, flag)
    assert.is(r.stderr.trim().split('\n').length, 1)
    assert.not.match(r.stderr, '    at ', 'no stack trace')
  }
  const range = await cli('read', 'holding', '--quantity', '126')
  assert.match(range.stderr, 'at most 125')
})

test('options that do not apply, or contradict each other, are errors', async () => {
  for (const [args, text] of [
    [['read', 'coils', '--type', 'float32'], '--type does not apply'],
    [['read', 'exception-status', '--address', '3'], '--address does not apply'],
    [['write', 'register', '--address', '1', '--type', 'float32', '--value', '1'], 'use write registers'],
    [['write', 'coil', '--value', '1', '--values', '1'], '--values does not apply'],
    [['read', 'holding', '--json', '--format', 'csv'], 'disagree'],
    [['read', 'holding', '-t', 'uint32', '--swap', '--word-order', 'big'], 'not both'],
  ] as const) {
    const r = await cli(...args)
    assert.is(r.code, 2, args.join(' '))
    assert.match(r.stderr, text)
  }
})

test('--polls polls with timestamps, as CSV with one header, and ends with a summary', async () => {
  const r = await cli('read', 'holding', '--address', '0', '-n', '2', '--polls', '3', '--interval', '10', '--format', 'csv')
  assert.is(r.code, 0, r.stderr)
  const lines = r.stdout.trim().split('\n')
  assert.is(lines[0], 'time,0,1')
  assert.is(lines.length, 4)
  for (const l of lines.slice(1)) assert.match(l, /^\d{4}-\d\d-\d\dT[\d:.]+Z,10,11$/)
  assert.match(r.stderr, /^--- read holding unit 1: 3 sent, 3 ok, 0 errors \(0% failed\); round trip min\/avg\/max [\d.]+\/[\d.]+\/[\d.]+ ms\n$/)
})

test('polling counts exceptions as errors, goes on, and exits 1', async () => {
  const r = await cli('read', 'input', '--unit', '2', '--address', '101', '--polls', '2', '--interval', '5', '--json')
  assert.is(r.code, 1)
  assert.is(r.stdout, '')
  assert.is((r.stderr.match(/MB_ERR_EXCEPTION_RESPONSE/g) ?? []).length, 2)
  assert.match(r.stderr, '2 sent, 0 ok, 2 errors (100% failed)')
})
test.run()

// ---
const sigint = suite('read --interval until Ctrl-C (a real process and signal)')
sigint('SIGINT ends polling with the summary and exit 0', async () => {
  const { spawn } = await import('node:child_process')
  const { fileURLToPath } = await import('node:url')
  const { waitFor } = await import('../helpers/wait.ts')
  const bin = fileURLToPath(new URL('../../cli/modbridge.js', import.meta.url))
  const device = await startCli(['serve', '--listen', 'tcp://127.0.0.1:0'], /serving (tcp:\/\/\S+)/)
  try {
    const proc = spawn(process.execPath, [bin, 'read', 'holding', '--target', device.match[1], '--interval', '20', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    proc.stdout.on('data', (c: Buffer) => (out += c))
    proc.stderr.on('data', (c: Buffer) => (err += c))
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)))
    await waitFor(() => out.split('\n').length > 3, 'three polls', 15000)
    proc.kill('SIGINT')
    assert.is(await exited, 0, err)
    const polls = out.trim().split('\n').map((l) => JSON.parse(l))
    assert.ok(polls.every((p) => p.address === 0 && p.values.length === 1 && typeof p.time === 'string'))
    const summary = /--- read holding unit 1: (\d+) sent, (\d+) ok, 0 errors/.exec(err)
    assert.ok(summary, err)
    assert.is(Number(summary![1]), polls.length)
  } finally {
    await device.stop()
  }
})
sigint.run()
