import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { defaultRegistry, encodeRequest, encodeResponse } from '../../../core/index.ts'
import { checkReply } from '../../../conformance/cases/reply-check.ts'

const hex = (text: string) => Buffer.from(text.replace(/ /g, ''), 'hex')
const readCoils = encodeRequest({ function: 'readCoils', address: 0x13, quantity: 3 })

const test = suite('conformance reply check (the registry judges, strict)')

test('a correct reply passes: §6.1 example shape, three coils in one byte', () => {
  assert.is(checkReply(readCoils, encodeResponse({ function: 'readCoils', values: [true, false, true, false, false, false, false, false] })), null)
})
test('an exception is not the normal reply the case expected', () => {
  assert.is(checkReply(readCoils, hex('81 02')), 'exception 0x02 (illegalDataAddress) where a normal reply was expected')
})
test('strict content rules are judged: padding bits of the last coil byte must be zero (§6.1)', () => {
  assert.match(checkReply(readCoils, hex('01 01 ff')) ?? '', /padding bits of the last byte are not zero/)
})
test('the length the request calls for is judged: 03 for 2 registers wants 6 bytes', () => {
  const request = encodeRequest({ function: 'readHoldingRegisters', address: 0, quantity: 2 })
  assert.ok(checkReply(request, hex('03 02 00 01')))
  assert.is(checkReply(request, hex('03 04 00 01 00 02')), null)
})
test('echoes are judged: a write single register reply must repeat the request', () => {
  const request = encodeRequest({ function: 'writeSingleRegister', address: 1, value: 3 })
  assert.is(checkReply(request, Buffer.from(request)), null)
  assert.match(checkReply(request, hex('06 00 01 00 04')) ?? '', /byte 4/)
})
test('another function answering is named', () => {
  assert.match(checkReply(readCoils, hex('02 01 05')) ?? '', /0x02 does not answer function 0x01/)
})
test('a registry passed in is the one used', () => {
  const registry = defaultRegistry.clone()
  assert.is(checkReply(readCoils, hex('01 01 05'), registry), null)
})
test.run()
