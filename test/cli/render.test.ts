import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { Renderer, type Result } from '../../cli/render.ts'

const values: Result = { kind: 'values', labels: ['40001', '40003'], values: [1.5, -2], json: { address: 0, type: 'float32', values: [1.5, -2] } }
const record: Result = { kind: 'record', text: ['status 0x0000  events 3'], json: { status: 0, eventCount: 3 } }
const time = new Date('2026-01-02T03:04:05.678Z')

function printed(format: 'table' | 'csv' | 'json', timestamps: boolean, ...results: Result[]): string {
  let out = ''
  const r = new Renderer(format, timestamps, (t) => (out += t))
  for (const x of results) r.print(x, time)
  return out
}

const test = suite('output formats: table, csv, json lines; timestamps')
test('table: label, tab, value', () => assert.is(printed('table', false, values), '40001\t1.5\n40003\t-2\n'))
test('table with timestamps puts the time first on each line', () => assert.is(printed('table', true, values), '2026-01-02T03:04:05.678Z\t40001\t1.5\n2026-01-02T03:04:05.678Z\t40003\t-2\n'))
test('csv writes the header once, then one row per result', () => {
  assert.is(printed('csv', true, values, values), 'time,40001,40003\n2026-01-02T03:04:05.678Z,1.5,-2\n2026-01-02T03:04:05.678Z,1.5,-2\n')
})
test('csv quotes fields with commas and quotes (RFC 4180)', () => {
  const text: Result = { kind: 'values', labels: ['0'], values: ['a,"b"'], json: {} }
  assert.is(printed('csv', false, text), '0\n"a,""b"""\n')
})
test('csv of a record uses its field names as columns', () => assert.is(printed('csv', false, record), 'status,eventCount\n0,3\n'))
test('json: one object per line, with the time first when stamped', () => {
  assert.is(printed('json', true, values), '{"time":"2026-01-02T03:04:05.678Z","address":0,"type":"float32","values":[1.5,-2]}\n')
})
test('json keeps every digit of a 64-bit value (as a decimal string) and names non-finite floats', () => {
  const wide: Result = { kind: 'values', labels: ['0', '4'], values: [18446744073709551615n, Infinity], json: { values: [18446744073709551615n, Infinity] } }
  assert.is(printed('json', false, wide), '{"values":["18446744073709551615","Infinity"]}\n')
})
test('booleans print as 1/0 in table and csv, true/false in json', () => {
  const bits: Result = { kind: 'values', labels: ['0', '1'], values: [true, false], json: { address: 0, values: [true, false] } }
  assert.is(printed('table', false, bits), '0\t1\n1\t0\n')
  assert.is(printed('json', false, bits), '{"address":0,"values":[true,false]}\n')
})
test.run()
