/**
 * `modbridge read --map device.json --name …` against a real `modbridge serve --device` child
 * serving the same file: each point is read by name with the table, address, type, orders and
 * scale of the map, and printed as the typed reads print.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { runCli } from '../helpers/run-cli.ts'
import { startCli, type RunningCli } from '../helpers/spawn-cli.ts'

const DEVICE = {
  units: {
    '1': {
      holdingRegisters: { start: 0, length: 100 },
      inputRegisters: { start: 0, length: 10 },
      coils: { start: 0, length: 16 },
      points: {
        flow: { table: 'holdingRegisters', address: 10, type: 'float32', wordOrder: 'little', unit: 'm3/h', value: 12.5 },
        level: { table: 'holdingRegisters', address: 12, type: 'uint16', scale: 0.1, unit: 'm', value: 3.7 },
        tag: { table: 'holdingRegisters', address: 20, type: 'string', length: 4, value: 'PUMP-1' },
        total: { table: 'holdingRegisters', address: 30, type: 'int64', value: '-9007199254740993' },
        temp: { table: 'inputRegisters', address: 2, type: 'int16', scale: 0.5, unit: '°C', value: -4.5 },
        run: { table: 'coils', address: 3, type: 'bool', value: true },
        flags: { table: 'coils', address: 4, type: 'bits', length: 5, value: [true, false, true] },
      },
    },
    '2': { holdingRegisters: { start: 0, length: 4 }, points: { setpoint: { table: 'holdingRegisters', address: 1, type: 'uint16', value: 42 } } },
  },
}

const test = suite('read --map against modbridge serve --device')
let dir = ''
let map = ''
let serve: RunningCli
let target = ''

test.before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'modbridge-map-'))
  map = join(dir, 'device.json')
  writeFileSync(map, JSON.stringify(DEVICE, null, 2))
  serve = await startCli(['serve', '--listen', 'tcp://127.0.0.1:0', '--device', map], /serving (tcp:\/\/\S+)/)
  target = (serve as RunningCli & { match: RegExpMatchArray }).match[1]
})
test.after(async () => {
  await serve?.stop()
  rmSync(dir, { recursive: true, force: true })
})

const read = (...args: string[]) => runCli(['read', ...args, '--target', target])
const file = (name: string, content: unknown) => {
  const path = join(dir, name)
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content))
  return path
}

test('--name reads one point: label with its unit, the value as a typed read prints it', async () => {
  const r = await read('--map', map, '--name', 'flow')
  assert.is(r.code, 0, r.stderr)
  assert.is(r.stdout, 'flow (m3/h)\t12.5\n')
})

test('the map lays the value out as the typed read with the same options does', async () => {
  const typed = await read('holding', '--address', '10', '--type', 'float32', '--word-order', 'little')
  assert.is(typed.stdout, '10\t12.5\n')
  const raw = await read('holding', '--address', '12')
  assert.is(raw.stdout, '12\t37\n', 'level 3.7 with scale 0.1 is raw 37')
})

test('--name repeats, in the order given; --json keys the values by name', async () => {
  const r = await read('--map', map, '--name', 'level', '--name', 'temp', '--name', 'flow', '--json')
  assert.is(r.code, 0, r.stderr)
  assert.equal(JSON.parse(r.stdout), { points: { level: 3.7, temp: -4.5, flow: 12.5 } })
})

test('--all reads every point: strings, 64-bit integers exactly, bools and bits', async () => {
  const r = await read('--map', map, '--all')
  assert.is(r.code, 0, r.stderr)
  assert.is(r.stdout, ['flow (m3/h)\t12.5', 'level (m)\t3.7', 'tag\tPUMP-1', 'total\t-9007199254740993', 'temp (°C)\t-4.5', 'run\t1', 'flags\t10100', ''].join('\n'))
  const j = await read('--map', map, '--all', '--json')
  assert.equal(JSON.parse(j.stdout).points, { flow: 12.5, level: 3.7, tag: 'PUMP-1', total: '-9007199254740993', temp: -4.5, run: true, flags: [true, false, true, false, false] })
})

test('adjacent points of one table share a request: --all over 7 points sends 5', async () => {
  const count = async () => Number(/\((\d+)\)/.exec((await runCli(['diag', 'returnBusMessageCount', '--target', target])).stdout)![1])
  const before = await count()
  const r = await read('--map', map, '--all')
  assert.is(r.code, 0, r.stderr)
  // flow+level (holding 10..12), tag, total, temp (input), run+flags (coils 3..8); then the diag itself.
  assert.is((await count()) - before, 5 + 1)
})

test('--format csv has the names as its header; --unit picks that unit of the map', async () => {
  const r = await read('--map', map, '--name', 'flow', '--name', 'level', '--format', 'csv')
  assert.is(r.stdout, 'flow (m3/h),level (m)\n12.5,3.7\n')
  const u2 = await read('--map', map, '--unit', '2', '--all')
  assert.is(u2.stdout, 'setpoint\t42\n')
})

test('a value a client writes is what the map reads', async () => {
  const w = await read('--map', map, '--name', 'level')
  assert.is(w.stdout, 'level (m)\t3.7\n')
  const write = await runCli(['write', 'register', '--address', '12', '--value', '250', '--target', target])
  assert.is(write.code, 0, write.stderr)
  const r = await read('--map', map, '--name', 'level')
  assert.is(r.stdout, 'level (m)\t25\n')
})

test('an unknown name is an error naming the points (and the likely one), before anything is sent', async () => {
  const r = await runCli(['read', '--map', map, '--name', 'flw', '--target', 'tcp://127.0.0.1:1'])
  assert.is(r.code, 2)
  assert.is(r.stdout, '')
  assert.match(r.stderr, `read --map ${map}: no point "flw" in unit 1; did you mean flow? (points: flow, level, tag, total, temp, run, flags)`)
  const none = await runCli(['read', '--map', map, '--unit', '3', '--all', '--target', 'tcp://127.0.0.1:1'])
  assert.match(none.stderr, `unit 3 has no points; its units: 1, 2 (choose one with --unit)`)
})

test('options that the map gives, or that conflict, are refused', async () => {
  for (const [args, why] of [
    [['--map', map, '--name', 'flow', '--type', 'int16'], 'read --map: --type does not apply here'],
    [['holding', '--map', map, '--name', 'flow'], 'read --map reads points by --name; drop "holding"'],
    [['--map', map], 'read --map needs --name NAME (repeatable) or --all'],
    [['--map', map, '--all', '--name', 'flow'], 'give --name or --all, not both'],
    [['holding', '--name', 'flow'], '--name and --all pick points of a device file; give it with --map'],
    [[], 'read needs what to read'],
  ] as const) {
    const r = await runCli(['read', ...args, '--target', 'tcp://127.0.0.1:1'])
    assert.is(r.code, 2, args.join(' '))
    assert.match(r.stderr, why)
  }
})

test('a malformed map: every problem listed, nothing sent', async () => {
  const bad = file('bad.json', { units: { '1': { holdingRegisters: { length: 4 }, points: { a: { table: 'holdingRegisters', address: 9, type: 'int16' }, b: { table: 'coils', address: 0, type: 'int16' } } } } })
  const r = await runCli(['read', '--map', bad, '--all', '--target', 'tcp://127.0.0.1:1'])
  assert.is(r.code, 2)
  assert.match(r.stderr, `device file ${bad}: 2 problems:`)
  assert.match(r.stderr, 'units.1.points.a: holdingRegisters 9 is not all in the holdingRegisters table, which holds 0..3')
  assert.match(r.stderr, 'units.1.points.b.type: an int16 point needs a register table')
  const garbage = await runCli(['read', '--map', file('garbage.json', '{"units": [1,'), '--all', '--target', 'tcp://127.0.0.1:1'])
  assert.is(garbage.code, 2)
  assert.match(garbage.stderr, 'not JSON')
})

test('a map that does not match the device: the device\'s exception is reported', async () => {
  const other = file('other.json', { units: { '1': { holdingRegisters: { start: 0, length: 1000 }, points: { far: { table: 'holdingRegisters', address: 500, type: 'uint16' } } } } })
  const r = await read('--map', other, '--name', 'far')
  assert.is(r.code, 2)
  assert.match(r.stderr, 'illegalDataAddress')
})

test.run()
