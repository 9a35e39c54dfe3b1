import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ArgumentError, buildDevices, defaultDeviceFile, loadDeviceFile } from '../../../core/index.ts'
import { deviceFileErrors, readDeviceFile } from '../../../core/simulator/device-file.ts'
import { caught } from '../../helpers/throws.ts'

const test = suite('simulator device file')

test('the default device: input register N holds N, odd discrete inputs are on, the §6.18 FIFO, unit 1', () => {
  const { context, units } = buildDevices(defaultDeviceFile())
  const data = units.get(1)!.data
  assert.equal(data.readRegisters('inputRegisters', 9997, 3), [9997, 9998, 9999])
  assert.equal(data.readBits('discreteInputs', 0, 3), [false, true, false])
  assert.equal(data.readFifoQueue(0x04de), [440, 4740])
  assert.is(context.unknownUnitException(), 0x0b)
  assert.equal(context.units(), [1])
})

test('the default device of several units (0 and 255 included) checks clean', () => {
  assert.equal(deviceFileErrors(defaultDeviceFile([0, 1, 2, 247, 255])), [])
  assert.equal(buildDevices(defaultDeviceFile([0, 255])).context.units(), [0, 255])
})

test('values, sparse tables, identity and policies are taken from the file', () => {
  const { context, units } = buildDevices({
    unknownUnit: 'ignore',
    units: { '7': { holdingRegisters: { start: 100, length: 4, values: { '101': 5 } }, coils: { sparse: { '3': true } }, identity: { '0': 'X', '1': 'Y', '2': 'Z' } } },
  })
  const d = units.get(7)!
  assert.equal(d.data.readRegisters('holdingRegisters', 100, 4), [0, 5, 0, 0])
  assert.equal(d.data.readBits('coils', 3, 1), [true])
  assert.equal(d.device.identity.read(1, 0).objects.map((o) => o.value), ['X', 'Y', 'Z'])
  assert.is(context.unknownUnitException(), undefined)
})

test('one error names the bad key and says why', () => {
  for (const [file, why] of [
    [{ units: { '1': { holdingRegisters: { length: 'ten' } } } }, 'units.1.holdingRegisters.length: expected an integer 0..65536, got "ten"'],
    [{ units: { '1': { holdingRegister: {} } } }, 'units.1.holdingRegister: unknown key (coils, discreteInputs'],
    [{ units: { '1': { coils: { values: [2] } } } }, 'units.1.coils.values[0]: expected true/false (or 0/1), got 2'],
    [{ unknownUnit: 'drop', units: { '1': {} } }, 'unknownUnit: expected one of gatewayTargetFailedToRespond'],
    [{ units: {} }, 'units: expected at least one unit'],
    [{ units: { '1': { holdingRegisters: { start: 65530, length: 10 } } } }, 'units.1.holdingRegisters.length: expected an integer 0..6 (start 65530), got 10'],
    [{ units: { '1': { coils: { sparse: { '1': true }, start: 0 } } } }, 'units.1.coils: "sparse" excludes start, length and values'],
    [{ single: true, units: { '1': {}, '2': {} } }, 'single: a single-unit file has exactly one unit, this one has 2'],
  ] as const) {
    const err = caught(() => buildDevices(file as any))
    assert.instance(err, ArgumentError)
    assert.ok((err as Error).message.startsWith(`device file: ${why}`), `${(err as Error).message}\n  should start with\ndevice file: ${why}`)
  }
})

test('a file with five different faults names all five in one ArgumentError', () => {
  const file = {
    unknownUnit: 'drop',
    units: {
      '1': {
        holdingRegisters: { start: 0, length: 20, values: [1, 2, 3, 70000] },
        inputRegister: { start: 0 },
        points: {
          a: { table: 'holdingRegisters', address: 10, type: 'uint32' },
          b: { table: 'holdingRegisters', address: 11, type: 'uint16' },
          wave: { table: 'holdingRegisters', address: 15, type: 'int16', behaviour: { kind: 'sine', amplitude: 100 } },
        },
      },
    },
  }
  const err = caught(() => buildDevices(file as any)) as Error
  assert.instance(err, ArgumentError)
  const lines = err.message.split('\n')
  assert.is(lines[0], 'device file: 5 problems:')
  assert.equal(lines.slice(1).map((l, i) => l.replace(`  (${i + 1}) `, '')).sort(), [
    'units.1.holdingRegisters.values[3]: expected an integer 0..65535, got 70000',
    'units.1.inputRegister: unknown key (coils, discreteInputs, holdingRegisters, inputRegisters, files, fifos, identity, serverId, running, additionalData, exceptionStatus, zeroMode, points)',
    'units.1.points.b: holdingRegisters 11 overlaps point "a" (holdingRegisters 10..11)',
    'units.1.points.wave.behaviour: missing "period" (a sine behaviour needs amplitude, period)',
    'unknownUnit: expected one of gatewayTargetFailedToRespond, gatewayPathUnavailable, ignore, got "drop"',
  ])
})

test('a remote unit is shape only: kept apart from the context, its ids counted for allowAnyUnit', () => {
  const devices = buildDevices({ units: { '1': {}, '250': { remote: 'tcp://127.0.0.1:1502', unit: 3 }, '4': { remote: 'rtu:///dev/ttyUSB0?baud=19200' } } })
  assert.equal(devices.context.units(), [1])
  assert.equal([...devices.remotes].sort((a, b) => a[0] - b[0]), [[4, { remote: 'rtu:///dev/ttyUSB0?baud=19200', unit: 4 }], [250, { remote: 'tcp://127.0.0.1:1502', unit: 3 }]])
  assert.ok(devices.context.allowAnyUnit, 'unit 250 needs allowAnyUnit')
  const err = caught(() => buildDevices({ units: { '2': { remote: '', unit: 300, coils: {} } } } as any)) as Error
  assert.match(err.message, 'units.2.coils: unknown key (remote, unit)')
  assert.match(err.message, 'units.2.remote: expected a non-empty string, got ""')
  assert.match(err.message, 'units.2.unit: expected an integer 0..255, got 300')
})

test('reserved identity object ids are refused by the schema, with the others', () => {
  const err = caught(() => buildDevices({ units: { '1': { identity: { '0': 'A', '7': 'reserved' }, serverId: 'xyz' } } })) as Error
  assert.match(err.message, 'units.1.identity: key "7" is not an object id 0..6 or 128..255')
  assert.match(err.message, 'units.1.serverId: expected hex bytes')
})

// ---

const files = suite('device files on disk (hostile input)')
let dir = ''
files.before(() => {
  dir = mkdtempSync(join(tmpdir(), 'modbridge-device-'))
})
files.after(() => rmSync(dir, { recursive: true, force: true }))

function write(name: string, text: string | Buffer): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

files('garbage, an empty file, JSON that is not an object, and a missing file: each one clear ArgumentError', () => {
  const cases: [string, string | Buffer, RegExp][] = [
    ['garbage.json', Buffer.from([0xff, 0x00, 0x13, 0x37, 0x7b]), /not JSON/],
    ['empty.json', '', /not JSON/],
    ['array.json', '[1, 2, 3]', /\(the file\): expected an object, got an array of 3/],
    ['null.json', 'null', /\(the file\): expected an object, got null/],
    ['string.json', '"units"', /\(the file\): expected an object, got "units"/],
    ['no-units.json', '{}', /\(the file\): missing "units"/],
  ]
  for (const [name, text, why] of cases) {
    const path = write(name, text)
    const err = caught(() => loadDeviceFile(path)) as Error
    assert.instance(err, ArgumentError, name)
    assert.ok(err.message.startsWith(`device file ${path}: `), err.message)
    assert.match(err.message, why)
  }
  const missing = caught(() => loadDeviceFile(join(dir, 'nope.json'))) as Error
  assert.instance(missing, ArgumentError)
  assert.match(missing.message, 'ENOENT')
})

files('__proto__ and constructor keys are plain unknown keys, and pollute nothing', () => {
  const path = write('proto.json', '{"units":{"1":{"__proto__":{"polluted":true},"points":{"constructor":{"table":"coils","address":0,"type":"bool"}}}},"__proto__":{"x":1}}')
  const err = caught(() => loadDeviceFile(path)) as Error
  assert.instance(err, ArgumentError)
  assert.match(err.message, 'units.1.__proto__: unknown key')
  assert.match(err.message, '__proto__: unknown key (')
  assert.is(({} as Record<string, unknown>).polluted, undefined)
  assert.is(({} as Record<string, unknown>).x, undefined)
})

files('deep nesting, huge numbers and a very long list are reported, not crashed on', () => {
  const deep = '{"units":{"1":{"holdingRegisters":{"values":' + '['.repeat(5000) + ']'.repeat(5000) + '}}}}'
  const err = caught(() => loadDeviceFile(write('deep.json', deep))) as Error
  assert.instance(err, ArgumentError)
  assert.match(err.message, 'units.1.holdingRegisters.values[0]: expected an integer 0..65535, got an array of 1')
  const huge = caught(() => loadDeviceFile(write('huge.json', '{"units":{"1":{"holdingRegisters":{"start":1e308,"values":[1e999]}}}}'))) as Error
  assert.match(huge.message, 'units.1.holdingRegisters.start: expected an integer 0..65535, got 1e+308')
  assert.match(huge.message, 'units.1.holdingRegisters.values[0]: expected an integer 0..65535, got Infinity')
  const long = caught(() => loadDeviceFile(write('long.json', JSON.stringify({ units: { '1': { coils: { values: new Array(70000).fill(true) } } } })))) as Error
  assert.match(long.message, 'units.1.coils.values: 70000 values from 0 run past address 65535')
})

files('readDeviceFile checks without building; a sound file round-trips through loadDeviceFile', () => {
  const spec = { $schema: './device-file.schema.json', interval: 500, units: { '1': { holdingRegisters: { length: 4 }, points: { p: { table: 'holdingRegisters', address: 1, type: 'int16', value: -2 } } } } }
  const path = write('ok.json', JSON.stringify(spec))
  assert.equal(readDeviceFile(path), spec)
  const devices = loadDeviceFile(path)
  assert.equal(devices.units.get(1)!.data.readRegisters('holdingRegisters', 0, 4), [0, 0xfffe, 0, 0])
  assert.equal([...devices.units.get(1)!.points.keys()], ['p'])
})

test.run()
files.run()
