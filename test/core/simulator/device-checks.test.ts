import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { deviceFileProblems, unitPoints } from '../../../core/simulator/device-checks.ts'
import type { UnitSpec } from '../../../core/simulator/device-file.ts'

const test = suite('device checks: points and tables')

const holding = { start: 0, length: 20 }
function problems(points: Record<string, unknown>, unit: Partial<UnitSpec> = {}): string[] {
  const out: string[] = []
  unitPoints('units.1', { holdingRegisters: holding, coils: { start: 0, length: 8 }, ...unit, points: points as UnitSpec['points'] }, out)
  return out
}

test('sound points give no problems and come back resolved', () => {
  const out: string[] = []
  const points = unitPoints('units.1', { holdingRegisters: holding, points: { a: { table: 'holdingRegisters', address: 0, type: 'float64' }, b: { table: 'holdingRegisters', address: 4, type: 'string', length: 3 } } }, out)
  assert.equal(out, [])
  assert.equal([...points.values()].map((p) => [p.name, p.address, p.count]), [['a', 0, 4], ['b', 4, 3]])
})

test('overlapping points are named, including a long point covering two later ones', () => {
  assert.equal(problems({ long: { table: 'holdingRegisters', address: 0, type: 'float64' }, x: { table: 'holdingRegisters', address: 1, type: 'int16' }, y: { table: 'holdingRegisters', address: 3, type: 'int16' }, z: { table: 'holdingRegisters', address: 4, type: 'int16' } }), [
    'units.1.points.x: holdingRegisters 1 overlaps point "long" (holdingRegisters 0..3)',
    'units.1.points.y: holdingRegisters 3 overlaps point "long" (holdingRegisters 0..3)',
  ])
  assert.equal(problems({ c: { table: 'coils', address: 0, type: 'bool' }, h: { table: 'holdingRegisters', address: 0, type: 'int16' } }), [], 'different tables never overlap')
})

test('a point must lie inside its table: sequential, sparse, absent, and with zeroMode off', () => {
  assert.equal(problems({ p: { table: 'holdingRegisters', address: 19, type: 'int32' } }), ['units.1.points.p: holdingRegisters 19..20 is not all in the holdingRegisters table, which holds 0..19'])
  assert.equal(problems({ p: { table: 'inputRegisters', address: 0, type: 'int16' } }), ['units.1.points.p: inputRegisters 0 is not all in the inputRegisters table, which holds no addresses'])
  assert.equal(problems({ p: { table: 'holdingRegisters', address: 5, type: 'int32' } }, { holdingRegisters: { sparse: { '5': 1, '7': 2 } } }), ['units.1.points.p: holdingRegisters 5..6 is not all in the holdingRegisters table, which holds 2 sparse addresses'])
  assert.equal(problems({ p: { table: 'holdingRegisters', address: 19, type: 'int16' } }, { zeroMode: false }), [
    'units.1.points.p: holdingRegisters 19 is not all in the holdingRegisters table, which holds 0..19 (zeroMode is off: protocol address N is table address N+1)',
  ])
})

test('type and table, length, orders and scale must suit each other', () => {
  assert.equal(problems({ p: { table: 'coils', address: 0, type: 'int16' } }), ['units.1.points.p.type: an int16 point needs a register table (holdingRegisters, inputRegisters), not coils'])
  assert.equal(problems({ p: { table: 'holdingRegisters', address: 0, type: 'bool' } }), ['units.1.points.p.type: a bool point needs a bit table (coils, discreteInputs), not holdingRegisters'])
  assert.equal(problems({ p: { table: 'holdingRegisters', address: 0, type: 'string' } }), ['units.1.points.p: a string point needs "length" (registers, two characters each)'])
  assert.equal(problems({ p: { table: 'holdingRegisters', address: 0, type: 'string', length: 126 } }), ['units.1.points.p.length: a string point spans at most 125 registers (one read), got 126'])
  assert.equal(problems({ p: { table: 'holdingRegisters', address: 0, type: 'int16', length: 2 } }), ['units.1.points.p.length: applies to string and bits points only'])
  assert.equal(problems({ p: { table: 'coils', address: 0, type: 'bool', wordOrder: 'little', scale: 2 } }), ['units.1.points.p: byteOrder and wordOrder apply to register points only', 'units.1.points.p.scale: applies to number points only'])
  assert.equal(problems({ p: { table: 'holdingRegisters', address: 65534, type: 'int32' } }, { holdingRegisters: { start: 0, length: 65536 } }), [])
  assert.equal(problems({ p: { table: 'holdingRegisters', address: 65535, type: 'int32' } }, { holdingRegisters: { start: 0, length: 65536 } }), ['units.1.points.p.address: the point\'s 2 registers from 65535 run past address 65535'])
})

test('initial values must fit their point', () => {
  assert.equal(problems({ p: { table: 'holdingRegisters', address: 0, type: 'int16', value: 40000 } }), ['units.1.points.p.value: expected an int16 value (-32768..32767), got 40000'])
  assert.equal(problems({ p: { table: 'coils', address: 0, type: 'bits', length: 2, value: [true, false, true] } }), ['units.1.points.p.value: expected at most 2 bits, got 3'])
})

test('behaviours must suit their point; copies need a compatible source and no loop', () => {
  const h = (address: number, type: string, behaviour: unknown) => ({ table: 'holdingRegisters', address, type, behaviour })
  assert.equal(problems({ p: h(0, 'uint16', { kind: 'counter', min: 10, max: 10 }) }), ['units.1.points.p.behaviour.max: max 10 must be above min 10'])
  assert.equal(problems({ p: h(0, 'int16', { kind: 'counter', max: 40000 }) }), ['units.1.points.p.behaviour.max: 40000 is outside what an int16 point holds (-32768..32767)'])
  assert.equal(problems({ p: h(0, 'uint16', { kind: 'randomWalk', step: 1, min: 5, max: 1 }) }), ['units.1.points.p.behaviour.max: max 1 is below min 5'])
  assert.equal(problems({ p: h(0, 'uint16', { kind: 'timestamp' }) }), ['units.1.points.p.behaviour.kind: a timestamp needs an int32, uint32, int64, uint64 or float64 point, not uint16'])
  assert.equal(problems({ p: h(0, 'int16', { kind: 'sine', amplitude: 40000, period: 1000 }) }), ['units.1.points.p.behaviour.amplitude: offset 0 ± amplitude 40000 spans -40000..40000, beyond what an int16 point holds (-32768..32767)'])
  assert.equal(problems({ p: h(0, 'uint16', { kind: 'ramp', from: -1, to: 10, period: 1000 }) }), ['units.1.points.p.behaviour.from: -1 is outside what a uint16 point holds (0..65535)'])
  assert.equal(problems({ p: { table: 'coils', address: 0, type: 'bool', behaviour: { kind: 'counter' } } }), ['units.1.points.p.behaviour.kind: a counter needs a number point; a bool point may only copy'])
  assert.equal(problems({ p: h(0, 'uint16', { kind: 'copy', of: 'q' }) }), ['units.1.points.p.behaviour.of: no point "q" in this unit (points: p)'])
  assert.equal(problems({ p: h(0, 'uint16', { kind: 'copy', of: 'p' }) }), ['units.1.points.p.behaviour.of: a point cannot copy itself'])
  assert.equal(problems({ p: h(0, 'uint16', { kind: 'copy', of: 's' }), s: { table: 'holdingRegisters', address: 1, type: 'string', length: 1 } }), [
    'units.1.points.p.behaviour.of: a uint16 point cannot copy a string point (numbers copy numbers; string, bool and bits their own type)',
  ])
  assert.equal(problems({ a: h(0, 'uint16', { kind: 'copy', of: 'b' }), b: h(1, 'uint16', { kind: 'copy', of: 'a' }) }), [
    'units.1.points.a.behaviour.of: copies form a loop (a → b → a)',
    'units.1.points.b.behaviour.of: copies form a loop (b → a → b)',
  ])
  assert.equal(problems({ a: h(0, 'float32', { kind: 'copy', of: 'b', scale: 2 }), b: h(2, 'int16', { kind: 'uptime' }) }), [], 'a float may copy an int, scaled')
})

// ---

const files = suite('device checks: tables and the file')

files('table values must fit the table; sparse excludes the sequential keys', () => {
  assert.equal(deviceFileProblems({ units: { '1': { holdingRegisters: { length: 2, values: [1, 2, 3] } } } }), ['units.1.holdingRegisters.values: 3 values do not fit length 2'])
  assert.equal(deviceFileProblems({ units: { '1': { holdingRegisters: { start: 10, length: 2, values: { '9': 1, '11': 2, '12': 3 } } } } }), [
    'units.1.holdingRegisters.values: address 9 is outside the table (10..11)',
    'units.1.holdingRegisters.values: address 12 is outside the table (10..11)',
  ])
  assert.equal(deviceFileProblems({ units: { '1': { coils: { sparse: {}, length: 3 } } } }), ['units.1.coils: "sparse" excludes start, length and values'])
})

files('a single-unit file has one local unit', () => {
  assert.equal(deviceFileProblems({ single: true, units: { '1': {}, '2': {} } }), ['single: a single-unit file has exactly one unit, this one has 2'])
  assert.equal(deviceFileProblems({ single: true, units: { '1': { remote: 'tcp://127.0.0.1:1502' } } }), ['single: the one unit of a single-unit file must be local, not remote'])
  assert.equal(deviceFileProblems({ single: true, units: { '1': {} } }), [])
})

files('shapes the schema refuses are passed over, not crashed on', () => {
  for (const file of [null, 1, 'x', [], { units: null }, { units: [] }, { units: { '1': null } }, { units: { '1': { points: { p: null, q: { table: 'nope', address: 'x' } } } } }, { units: { '1': { holdingRegisters: 5, coils: { start: 'x', values: {} } } } }]) {
    assert.equal(deviceFileProblems(file as any), [], JSON.stringify(file))
  }
})

test.run()
files.run()
