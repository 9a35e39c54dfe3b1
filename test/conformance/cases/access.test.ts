import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { decodeRequest, encodeRequest, EXCEPTION_CODES, FUNCTION_CODES, type ModbusRequest } from '../../../core/index.ts'
import { expectationFor, type Expectation } from '../../../conformance/cases/access.ts'
import type { DeviceProfile } from '../../../conformance/profile.ts'

const PROFILE: DeviceProfile = {
  functions: Object.values(FUNCTION_CODES),
  diagnostics: [0, 1],
  readable: { coils: [[0, 99]], discreteInputs: [[0, 99]], holdingRegisters: [[0, 99]], inputRegisters: [[0, 9]] },
  writable: { coils: [[0, 49]], holdingRegisters: [[10, 19]] },
  files: [{ file: 1, records: 10 }],
  fifos: [0x04de],
  identity: { '0': 'vendor', '1': 'product', '2': '1.0' },
}

function expect(request: ModbusRequest, profile: DeviceProfile = PROFILE): Expectation {
  const pdu = encodeRequest(request)
  return expectationFor(profile, pdu, decodeRequest(pdu))
}

function code(e: Expectation): number | 'normal' {
  return e.kind === 'normal' ? 'normal' : e.codes[0]
}

const { illegalFunction, illegalDataAddress } = EXCEPTION_CODES
const test = suite('conformance expectation: the profile and the registry say what the answer is')

test('a read inside the map is served normally', () => {
  assert.is(code(expect({ function: 'readHoldingRegisters', address: 0, quantity: 100 })), 'normal')
  assert.is(code(expect({ function: 'readInputRegisters', address: 9, quantity: 1 })), 'normal')
})
test('a read past the map draws 02, naming the table and span', () => {
  const e = expect({ function: 'readInputRegisters', address: 9, quantity: 2 })
  assert.equal(e, { kind: 'exception', codes: [illegalDataAddress], why: "input registers 9..10 is outside the profile's map" })
})
test('a function the profile does not claim draws 01 before anything else', () => {
  const profile = { ...PROFILE, functions: [FUNCTION_CODES.readCoils] }
  assert.is(code(expect({ function: 'readHoldingRegisters', address: 5000, quantity: 1 }, profile)), illegalFunction)
})
test('writes are judged against the writable ranges', () => {
  assert.is(code(expect({ function: 'writeSingleRegister', address: 10, value: 1 })), 'normal')
  assert.is(code(expect({ function: 'writeSingleRegister', address: 9, value: 1 })), illegalDataAddress)
  assert.is(code(expect({ function: 'writeMultipleCoils', address: 45, values: [true, true, true, true, true] })), 'normal')
  assert.is(code(expect({ function: 'writeMultipleCoils', address: 46, values: [true, true, true, true, true] })), illegalDataAddress)
})
test('read/write multiple: the write span is judged first, then the read span', () => {
  const e = expect({ function: 'readWriteMultipleRegisters', readAddress: 500, readQuantity: 1, writeAddress: 0, values: [1] })
  assert.match(e.kind === 'exception' ? e.why : '', /^holding registers 0\.\.0 \(write\)/)
  assert.is(code(expect({ function: 'readWriteMultipleRegisters', readAddress: 0, readQuantity: 1, writeAddress: 10, values: [1] })), 'normal')
})
test('diagnostics: a sub-function the profile does not claim draws 01', () => {
  assert.is(code(expect({ function: 'diagnostics', subFunction: 0, data: [1] })), 'normal')
  const e = expect({ function: 'diagnostics', subFunction: 0x0b, data: [0] })
  assert.equal(e, { kind: 'exception', codes: [illegalFunction], why: 'diagnostics sub-function 11 is not claimed by the profile' })
})
test('diagnostics: without a sub-function list every sub-function is taken as claimed', () => {
  assert.is(code(expect({ function: 'diagnostics', subFunction: 0x0b, data: [0] }, { ...PROFILE, diagnostics: undefined })), 'normal')
})
test('2B: an MEI type other than 0x0E draws 01; Read Device Identification is judged', () => {
  assert.is(code(expect({ function: 'encapsulatedInterfaceTransport', meiType: 0x0d, data: '00' })), illegalFunction)
  assert.is(code(expect({ function: 'readDeviceIdentification', readCode: 1, objectId: 0 })), 'normal')
})
test('2B/0E individual access: an object the identity lacks draws 02', () => {
  assert.is(code(expect({ function: 'readDeviceIdentification', readCode: 4, objectId: 2 })), 'normal')
  assert.is(code(expect({ function: 'readDeviceIdentification', readCode: 4, objectId: 3 })), illegalDataAddress)
})
test('files: every sub-request must name a file the profile has, within its records', () => {
  assert.is(code(expect({ function: 'readFileRecord', records: [{ file: 1, record: 0, length: 10 }] })), 'normal')
  assert.is(code(expect({ function: 'readFileRecord', records: [{ file: 1, record: 5, length: 6 }] })), illegalDataAddress)
  assert.is(code(expect({ function: 'writeFileRecord', records: [{ file: 2, record: 0, values: [1] }] })), illegalDataAddress)
})
test('FIFO: only the profile pointer addresses are served', () => {
  assert.is(code(expect({ function: 'readFifoQueue', address: 0x04de })), 'normal')
  assert.is(code(expect({ function: 'readFifoQueue', address: 0 })), illegalDataAddress)
})
test.run()
