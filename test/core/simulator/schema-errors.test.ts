import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { schemaErrors } from '../../../core/simulator/schema-errors.ts'

const test = suite('schema errors, worded for people')
/** The messages, in a fixed order (Ajv's follows the schema and the data). */
const errors = (file: unknown) => schemaErrors(file).sort()
const sorted = (lines: string[]) => lines.slice().sort()
const unit = (u: object) => ({ units: { '1': u } })
const point = (p: object) => unit({ holdingRegisters: { length: 10 }, points: { p: { table: 'holdingRegisters', address: 0, type: 'uint16', ...p } } })

test('a sound file has none', () => {
  assert.equal(errors(unit({ holdingRegisters: { start: 0, length: 2, values: [1, 2] }, coils: { sparse: { '4': 1 } } })), sorted([]))
  assert.equal(errors({ units: { '9': { remote: 'tcp://127.0.0.1:1502', unit: 2 } } }), sorted([]))
})

test('ranges, types and enums say what was expected and what came', () => {
  assert.equal(errors(unit({ exceptionStatus: 256, running: 'yes', zeroMode: 1 })), sorted([
    'units.1.exceptionStatus: expected an integer 0..255, got 256',
    'units.1.running: expected true or false, got "yes"',
    'units.1.zeroMode: expected true or false, got 1',
  ]))
  assert.equal(errors(point({ scale: 0, byteOrder: 'middle', value: {} })), sorted([
    'units.1.points.p.scale: expected a number > 0, got 0',
    'units.1.points.p.byteOrder: expected one of big, little, got "middle"',
    'units.1.points.p.value: expected a number or a string or true or false or an array, got an object',
  ]))
  assert.equal(errors({ units: { '1': {} }, interval: 5 }), sorted(['interval: expected an integer 10..86400000, got 5']))
})

test('keys of numbered maps are checked: unit ids, addresses, file numbers', () => {
  assert.equal(errors({ units: { '01': {}, '256': {} } }), sorted(['units: key "01" is not a unit id 0..255', 'units: key "256" is not a unit id 0..255']))
  assert.equal(errors(unit({ coils: { sparse: { '65536': true } }, files: { '0': [] }, fifos: { x: [] } })), sorted([
    'units.1.coils.sparse: key "65536" is not an address 0..65535',
    'units.1.files: key "0" is not a file number 1..65535',
    'units.1.fifos: key "x" is not an address 0..65535',
  ]))
})

test('unknown and missing keys: the allowed ones are listed; a behaviour lists its kind\'s', () => {
  assert.equal(errors({ units: { '1': {} }, unit: {} }), sorted(['unit: unknown key ($schema, unknownUnit, single, interval, units)']))
  assert.equal(errors(point({ behaviour: { kind: 'counter', step: 1, period: 5 } })), sorted(['units.1.points.p.behaviour.period: unknown key for a counter behaviour (kind, interval, step, min, max)']))
  assert.equal(errors(point({ behaviour: { kind: 'ramp', from: 'a', to: 1 } })), sorted([
    'units.1.points.p.behaviour.from: expected a number, got "a"',
    'units.1.points.p.behaviour: missing "period" (a ramp behaviour needs from, to, period)',
  ]))
  assert.equal(errors(point({ behaviour: { kind: 'wave', amplitude: 1 } })), sorted(['units.1.points.p.behaviour.kind: expected one of counter, ramp, sine, randomWalk, timestamp, uptime, copy, got "wave"']), 'an unknown kind does not make every key unknown')
  assert.equal(errors(unit({ points: { p: { table: 'coils' } } })), sorted(['units.1.points.p: missing "address"', 'units.1.points.p: missing "type"']))
})

test('point names: 1..64 characters, no outer spaces', () => {
  assert.equal(errors(unit({ points: { ' padded': { table: 'coils', address: 0, type: 'bool' }, ['n'.repeat(65)]: { table: 'coils', address: 1, type: 'bool' } } })), sorted([
    'units.1.points: key " padded" is not a name of 1..64 characters, not starting or ending with a space',
    `units.1.points: key "${'n'.repeat(65)}" is not a name of 1..64 characters, not starting or ending with a space`,
  ]))
})

test.run()
