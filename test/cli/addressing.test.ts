import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ArgumentError } from '../../core/index.ts'
import { addressLabel, closest, parseModicon, protocolAddress } from '../../cli/addressing.ts'

const modicon = suite('Modicon references: table digit, then the 1-based number')
for (const [text, table, address] of [
  ['40001', 'holding', 0],
  ['40100', 'holding', 99],
  ['30001', 'input', 0],
  ['10001', 'discrete', 0],
  ['00001', 'coils', 0],
  ['09999', 'coils', 9998],
  ['400001', 'holding', 0],
  ['465536', 'holding', 65535],
] as const) {
  modicon(`${text} is ${table} address ${address}`, () => {
    const r = parseModicon(text)!
    assert.is(r.table, table)
    assert.is(r.address, address)
    assert.is(addressLabel(r.address, r.notation), text, 'printed back in the same notation')
  })
}
modicon('table names, short numbers and other leading digits are not references', () => {
  for (const text of ['holding', '4001', '20001', '50001', '4000001', '4000a']) assert.is(parseModicon(text), undefined, text)
})
modicon('number 0 and numbers past 65536 are refused', () => {
  for (const text of ['40000', '400000', '465537']) {
    try {
      parseModicon(text)
      assert.unreachable(text)
    } catch (err) {
      assert.instance(err, ArgumentError)
      assert.match((err as Error).message, 'is not a Modicon reference')
    }
  }
})
modicon('a five-digit reference past 9999 prints as six digits', () => {
  const r = parseModicon('49999')!
  assert.is(addressLabel(r.address + 1, r.notation), '410000')
})
modicon.run()

// ---
const base = suite('--base: 0-based protocol addresses by default, 1-based on request')
base('base 0 takes and prints protocol addresses', () => {
  assert.is(protocolAddress('0', '--address', { base: 0 }), 0)
  assert.is(addressLabel(0, { base: 0 }), '0')
})
base('base 1 takes 1 for protocol address 0 and prints it back as 1', () => {
  assert.is(protocolAddress('1', '--address', { base: 1 }), 0)
  assert.is(protocolAddress('65536', '--address', { base: 1 }), 65535)
  assert.is(addressLabel(0, { base: 1 }), '1')
})
base('address 0 under base 1 and 65536 under base 0 are refused', () => {
  for (const [text, b] of [['0', 1], ['65536', 0]] as const) {
    try {
      protocolAddress(text, '--address', { base: b })
      assert.unreachable()
    } catch (err) {
      assert.match((err as Error).message, 'out of range')
    }
  }
})
base('did-you-mean finds close names and not far ones', () => {
  assert.is(closest('holdin', ['coils', 'holding']), 'holding')
  assert.is(closest('raed', ['read', 'write']), 'read')
  assert.is(closest('zzzzzz', ['read', 'write']), undefined)
})
base.run()
