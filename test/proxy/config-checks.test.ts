import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ArgumentError } from '../../core/index.ts'
import { admits, functionRule, unitRange } from '../../proxy/config-checks.ts'

const test = suite('configuration checks: unit ranges, function rules')

test('unit ranges: "5", "1-10", a number; 0 only where the broadcast may be named', () => {
  assert.equal(unitRange('u', '1-10'), [1, 10])
  assert.equal(unitRange('u', 7), [7, 7])
  assert.equal(unitRange('u', '0-40', 0), [0, 40])
  assert.equal(unitRange('u', 0, 0), [0, 0])
  for (const [v, min] of [['0-3', 1], [0, 1], ['5-1', 1], ['1-256', 1], [256, 0], ['x', 1]] as const) {
    try {
      unitRange('routes[0].units', v, min)
      assert.unreachable(String(v))
    } catch (err) {
      assert.instance(err, ArgumentError)
      assert.match((err as Error).message, 'gateway config: routes[0].units:')
    }
  }
})

test('function rules: codes and code/sub-function, decimal or hex; admits matches the sub-function only when one is named', () => {
  const rules = [functionRule('f', 3), functionRule('f', '0x10'), functionRule('f', '8/0'), functionRule('f', '0x2B/0x0E')]
  assert.equal(rules, [{ code: 3 }, { code: 16 }, { code: 8, sub: 0 }, { code: 43, sub: 14 }])
  assert.ok(admits(rules, 3, undefined))
  assert.ok(admits(rules, 8, 0))
  assert.not.ok(admits(rules, 8, 1))
  assert.not.ok(admits(rules, 6, undefined))
})

test.run()
