/** Stored values checked on the way out: registers 0..65535 (numbers or decimal text), bits 0/1. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { badStoredValue, storedBit, storedRegister } from '../../../core/datastore/stored-value.ts'

const test = suite('stored values')

function run(raw: unknown, register: number, bit: boolean | undefined): void {
  test(`${JSON.stringify(raw) ?? String(raw)} is register ${register} and bit ${String(bit)}`, () => {
    assert.is(storedRegister(raw), register)
    assert.is(storedBit(raw), bit)
  })
}

run(0, 0, false)
run(1, 1, true)
run('0', 0, false)
run('1', 1, true)
run(65535, 65535, undefined)
run('65535', 65535, undefined)
run('00042', 42, undefined)
run(65536, -1, undefined)
run('65536', -1, undefined)
run('70000', -1, undefined)
run('123456', -1, undefined)
run(-1, -1, undefined)
run('-1', -1, undefined)
run(1.5, -1, undefined)
run('1.5', -1, undefined)
run('1e3', -1, undefined)
run('0x10', -1, undefined)
run(' 5', -1, undefined)
run('', -1, undefined)
run('abc', -1, undefined)
run('true', -1, undefined)
run(true, -1, undefined)
run(null, -1, undefined)
run(undefined, -1, undefined)
run(2, 2, undefined)

test('badStoredValue is exception 04 naming the place, the value (quoted text, cut at 40) and what was expected', () => {
  assert.is(badStoredValue('k field 3', 'abc', false).exceptionCode, 4)
  assert.is(badStoredValue('k field 3', 'abc', false).message, 'k field 3 holds "abc", not an integer 0..65535')
  assert.is(badStoredValue('t address 1', 2, true).message, 't address 1 holds 2, not 0 or 1')
  assert.is(badStoredValue('t address 1', null, true).message, 't address 1 has no value (expected 0 or 1; deleted by another program?)')
  assert.is(badStoredValue('k', 'x'.repeat(100), false).message, `k holds "${'x'.repeat(40)}…", not an integer 0..65535`)
})

test.run()
