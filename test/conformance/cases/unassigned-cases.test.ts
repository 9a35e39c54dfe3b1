import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { defaultRegistry, type FunctionSpec } from '../../../core/index.ts'
import { unassignedCases, unassignedFunctionCodes, unassignedProbes, UNASSIGNED_FUNCTION_CODES } from '../../../conformance/cases/unassigned-cases.ts'

/** A user spec at `code` whose codecs are never called here. */
function userSpec(code: number): FunctionSpec {
  const codec = { size: () => 1, write: (_m: unknown, _b: Buffer, o: number) => o + 1, read: () => ({ function: 'vendor' }), frameLength: () => 1 }
  return { code, name: 'vendor', family: 'user', request: codec, response: codec }
}

const test = suite('unassigned function codes (§5.1)')

test('none is defined by the registry, user-defined (65-72, 100-110) or reserved (Annex A)', () => {
  const codes = unassignedFunctionCodes()
  for (const code of codes) {
    assert.is(defaultRegistry.get(code), undefined, `${code} is registered`)
    assert.not.ok((code >= 65 && code <= 72) || (code >= 100 && code <= 110), `${code} is user-defined`)
    assert.not.ok([9, 10, 13, 14, 41, 42, 90, 91, 125, 126, 127].includes(code), `${code} is reserved`)
  }
  assert.is(codes.length, 78)
})
test('every other public code 1..127 is in the list', () => {
  const codes = unassignedFunctionCodes()
  assert.equal(codes.slice(0, 4), [18, 19, 25, 26])
  assert.is(codes.at(-1), 124)
})
test('the runner sends the first and last code of each run of unassigned codes', () => {
  assert.equal(unassignedProbes([18, 19, 25, 26, 27, 40, 44]), [18, 19, 25, 27, 40, 44])
  assert.equal([...UNASSIGNED_FUNCTION_CODES], [18, 19, 25, 40, 44, 64, 73, 89, 92, 99, 111, 124])
})
test('a code the registry defines is not unassigned: registering 0x12 drops it', () => {
  const registry = defaultRegistry.clone().register(userSpec(0x12))
  assert.not.ok(unassignedFunctionCodes(registry).includes(0x12))
  assert.ok(unassignedCases(registry).every((c) => c.functionCode !== 0x12))
})
test('each case is named for its code in hex and expects exception 01', () => {
  const ids = unassignedCases().map((c) => c.id)
  assert.ok(ids.includes('function.unassigned-12'))
  assert.ok(ids.includes('function.unassigned-7c'))
  assert.ok(unassignedCases().every((c) => c.severity === 'must' && c.category === 'exception'))
})
test.run()
