import { writeFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { runCli } from '../helpers/run-cli.ts'
import { startCli, type RunningCli } from '../helpers/spawn-cli.ts'

const test = suite('modbridge serve, read, write, diag, identify (real processes over TCP)')
let serve: RunningCli
let target = ''

test.before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'modbridge-'))
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
test.after(() => serve.stop())

const cli = (...args: string[]) => runCli([...args, '--target', target])

test('read holding --json prints the values of the device file', async () => {
  const r = await cli('read', 'holding', '--unit', '1', '--address', '0', '--quantity', '3', '--json')
  assert.is(r.code, 0, r.stderr)
  assert.equal(JSON.parse(r.stdout), { address: 0, values: [10, 11, 12] })
})

test('write registers then read them back, as text', async () => {
  assert.is((await cli('write', 'registers', '--unit', '1', '--address', '5', '--values', '1,2')).code, 0)
  const r = await cli('read', 'holding', '--unit', '1', '--address', '5', '--quantity', '2')
  assert.is(r.stdout, '5\t1\n6\t2\n')
})

test('write coil and read coils', async () => {
  assert.is((await cli('write', 'coil', '--unit', '1', '--address', '3', '--value', 'on')).code, 0)
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
test.run()
