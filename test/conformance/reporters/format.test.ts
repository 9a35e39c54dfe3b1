import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { formatDuration, formatMs, functionCode, functionLabel, functionTag, percent, seconds } from '../../../conformance/reporters/format.ts'

const test = suite('report formatting')

test('function codes: hex, spec name from the registry, tag, and a dash without one', () => {
  assert.is(functionCode(3), '0x03')
  assert.is(functionCode(null), '—')
  assert.is(functionLabel(3), '0x03 readHoldingRegisters')
  assert.is(functionLabel(0x55), '0x55')
  assert.is(functionLabel(null), 'no function code')
  assert.is(functionTag(0x2b), 'fc2b')
})
test('times: three significant digits, whole numbers from 100 up, a dash for null', () => {
  assert.is(formatMs(0.4242), '0.424 ms')
  assert.is(formatMs(12.345), '12.3 ms')
  assert.is(formatMs(1234.5), '1235 ms')
  assert.is(formatMs(null), '—')
})
test('durations switch to seconds and then to minutes', () => {
  assert.is(formatDuration(250), '250 ms')
  assert.is(formatDuration(2100), '2.1 s')
  assert.is(formatDuration(125_000), '2 min 5 s')
})
test('percent has one decimal and a dash for a zero whole', () => {
  assert.is(percent(420, 2100), '20.0%')
  assert.is(percent(1, 3), '33.3%')
  assert.is(percent(1, 0), '—')
})
test('seconds for XML: up to six decimals, 0 for null', () => {
  assert.is(seconds(2100), '2.1')
  assert.is(seconds(0.25), '0.00025')
  assert.is(seconds(null), '0')
})

test.run()
