import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ArgumentError } from '../../core/index.ts'
import { validateProfile } from '../../conformance/profile.ts'

function refusal(raw: unknown): string {
  try {
    validateProfile(raw, 'p.json')
  } catch (err) {
    if (err instanceof ArgumentError) return err.message
    throw err
  }
  assert.unreachable(`accepted ${JSON.stringify(raw)}`)
  return ''
}

const test = suite('device profile validation')

test('a full profile comes back as written', () => {
  const raw = {
    unit: 3,
    functions: [1, 3, 8, 20, 24, 43],
    diagnostics: [0, 1],
    readable: { coils: [[0, 9]], holdingRegisters: [[0, 99]] },
    writable: { holdingRegisters: [[10, 19]] },
    files: [{ file: 1, records: 10 }],
    fifos: [1246],
    identity: { '0': 'vendor' },
    limits: { readRegisters: 64 },
  }
  const p = validateProfile(raw)
  assert.equal(p.functions, raw.functions)
  assert.equal(p.readable.holdingRegisters, [[0, 99]])
  assert.is(p.readable.inputRegisters, undefined)
  assert.equal(p.writable.holdingRegisters, [[10, 19]])
  assert.equal(p.files, raw.files)
  assert.equal(p.identity, raw.identity)
  assert.equal(p.limits, raw.limits)
  assert.is(p.unit, 3)
})
test('the minimum is a function list', () => {
  assert.equal(validateProfile({ functions: [3] }).readable, { coils: undefined, discreteInputs: undefined, holdingRegisters: undefined, inputRegisters: undefined })
})
test('refusals name the source and the path', () => {
  assert.is(refusal([]), 'profile p.json: (top): expected an object')
  assert.is(refusal({ functions: [3], colour: 'red' }), 'profile p.json: colour: unknown key')
  assert.is(refusal({ functions: [0] }), 'profile p.json: functions: expected an array of function codes 1..127')
  assert.is(refusal({}), 'profile p.json: functions: expected an array of function codes 1..127')
  assert.is(refusal({ functions: [3], unit: 256 }), 'profile p.json: unit: expected 0..255')
  assert.match(refusal({ functions: [3], readable: { coils: [[5, 4]] } }), /^profile p\.json: readable\.coils\[0\]: expected \[first, last\]/)
  assert.match(refusal({ functions: [3], files: [{ file: 'one', records: 1 }] }), /^profile p\.json: files\[0\]: expected \{ file, records \} integers/)
  assert.is(refusal({ functions: [3], identity: { '0': 7 } }), 'profile p.json: identity.0: expected a string')
  assert.is(refusal({ functions: [3], limits: { readCoils: 8 } }), 'profile p.json: limits.readCoils: unknown key')
  assert.is(refusal({ functions: [3], limits: { readBits: 0 } }), 'profile p.json: limits.readBits: expected a positive integer')
})
test.run()
