import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { defaultRegistry, encodeRequest, encodeResponse, UNKNOWN_LENGTH, type ModbusRequest } from '../../../core/index.ts'

// ---
const replies = suite('registry reply rules: every example reply is its request\'s, and a changed one is not')
for (const spec of defaultRegistry.list()) {
  for (const [i, ex] of (spec.examples?.() ?? []).entries()) {
    if (!ex.response) continue
    const name = `${spec.name}${ex.label ? ` ${ex.label}` : ''} #${i}`
    const request = encodeRequest(ex.request)
    const response = encodeResponse(ex.response)
    replies(`${name}: the example reply passes; one byte more or less does not`, () => {
      assert.is(defaultRegistry.checkReply(request, response, true), null)
      assert.type(defaultRegistry.checkReply(request, response.subarray(0, response.length - 1)), 'string')
      assert.type(defaultRegistry.checkReply(request, Buffer.concat([response, Buffer.from([0])])), 'string')
    })
    replies(`${name}: its exception (fc | 0x80, one code byte) is a reply; another function's is not`, () => {
      assert.is(defaultRegistry.checkReply(request, Buffer.from([request[0] | 0x80, 0x02])), null)
      assert.type(defaultRegistry.checkReply(request, Buffer.from([request[0] | 0x80, 0x02, 0x00])), 'string')
      assert.type(defaultRegistry.checkReply(request, Buffer.from([(request[0] + 1) | 0x80, 0x02])), 'string')
    })
  }
}
replies('a read of 2 registers is not answered by a read of 3, nor a write echo by another address', () => {
  const read = encodeRequest({ function: 'readHoldingRegisters', address: 0, quantity: 2 })
  assert.match(defaultRegistry.checkReply(read, Buffer.from('0306000100020003', 'hex')) ?? '', 'calls for 6')
  const write = encodeRequest({ function: 'writeSingleRegister', address: 7, value: 1 })
  assert.match(defaultRegistry.checkReply(write, encodeResponse({ function: 'writeSingleRegister', address: 8, value: 1 })) ?? '', 'byte 2')
})
replies('content rules are judged only when strict: coil padding bits', () => {
  const read = encodeRequest({ function: 'readCoils', address: 0, quantity: 9 })
  const padded = Buffer.from('01020103', 'hex')
  assert.is(defaultRegistry.checkReply(read, padded), null)
  assert.match(defaultRegistry.checkReply(read, padded, true) ?? '', 'padding')
})
replies('08/04 draws no reply; a frame answering it is not a reply', () => {
  const listenOnly = encodeRequest({ function: 'diagnostics', subFunction: 4, data: [0] })
  assert.is(defaultRegistry.facts(listenOnly).reply.none, true)
  assert.type(defaultRegistry.checkReply(listenOnly, Buffer.from('0800040000', 'hex')), 'string')
})
replies('a reply that ends before the bytes it must echo is a length error, not a crash (a lenient user codec)', () => {
  const lenient = { size: () => 1, write: (_m: unknown, _b: Buffer, o: number) => o, read: () => ({ function: 'probeUser' }), frameLength: () => UNKNOWN_LENGTH }
  const registry = defaultRegistry.clone().register({
    code: 0x42,
    name: 'probeUser',
    family: 'user',
    request: lenient,
    response: lenient,
    semantics: { effect: 'read', broadcast: false, reply: () => ({ length: undefined, echo: 4 }) },
  })
  const error = registry.replyError(Buffer.from('42010203', 'hex'), Buffer.from('4201', 'hex'))
  assert.is(error?.code, 'MB_ERR_LENGTH')
  assert.match(error?.message ?? '', 'ends before')
  assert.is(registry.checkReply(Buffer.from('42010203', 'hex'), Buffer.from('4201029900', 'hex')), 'probeUser reply byte 3 is 0x99 where the request has 0x03')
})
replies.run()

// ---
const effects = suite('registry effects: what each request does, as the gateway\'s read-only rule and broadcast rule see it')
const cases: [ModbusRequest, string, boolean][] = [
  [{ function: 'readCoils', address: 0, quantity: 1 }, 'read', false],
  [{ function: 'readDiscreteInputs', address: 0, quantity: 1 }, 'read', false],
  [{ function: 'readHoldingRegisters', address: 0, quantity: 1 }, 'read', false],
  [{ function: 'readInputRegisters', address: 0, quantity: 1 }, 'read', false],
  [{ function: 'writeSingleCoil', address: 0, value: true }, 'write', true],
  [{ function: 'writeSingleRegister', address: 0, value: 1 }, 'write', true],
  [{ function: 'readExceptionStatus' }, 'read', false],
  [{ function: 'diagnostics', subFunction: 0, data: [1] }, 'read', false],
  [{ function: 'diagnostics', subFunction: 1, data: [0] }, 'control', false],
  [{ function: 'diagnostics', subFunction: 2, data: [0] }, 'diagnostic', false],
  [{ function: 'diagnostics', subFunction: 4, data: [0] }, 'control', false],
  [{ function: 'diagnostics', subFunction: 0x0a, data: [0] }, 'control', false],
  [{ function: 'diagnostics', subFunction: 0x0b, data: [0] }, 'diagnostic', false],
  [{ function: 'diagnostics', subFunction: 0x15, data: [3] }, 'diagnostic', false],
  [{ function: 'diagnostics', subFunction: 0x15, data: [4] }, 'control', false],
  [{ function: 'getCommEventCounter' }, 'read', false],
  [{ function: 'getCommEventLog' }, 'read', false],
  [{ function: 'writeMultipleCoils', address: 0, values: [true] }, 'write', true],
  [{ function: 'writeMultipleRegisters', address: 0, values: [1] }, 'write', true],
  [{ function: 'reportServerId' }, 'read', false],
  [{ function: 'readFileRecord', records: [{ file: 1, record: 0, length: 1 }] }, 'read', false],
  [{ function: 'writeFileRecord', records: [{ file: 1, record: 0, values: [1] }] }, 'write', true],
  [{ function: 'maskWriteRegister', address: 0, andMask: 1, orMask: 2 }, 'write', true],
  [{ function: 'readWriteMultipleRegisters', readAddress: 0, readQuantity: 1, writeAddress: 0, values: [1] }, 'write', true],
  [{ function: 'readFifoQueue', address: 0 }, 'read', false],
  [{ function: 'readDeviceIdentification', readCode: 1, objectId: 0 }, 'read', false],
  [{ function: 'encapsulatedInterfaceTransport', meiType: 0x0d, data: '00' }, 'control', false],
]
for (const [request, effect, broadcast] of cases) {
  const pdu = encodeRequest(request)
  effects(`${request.function} ${pdu.toString('hex')}: ${effect}, broadcast ${broadcast ? 'allowed' : 'refused'}`, () => {
    const facts = defaultRegistry.facts(pdu)
    assert.is(facts.effect, effect)
    assert.is(facts.broadcast, broadcast)
  })
}
effects('an unknown function code is an opaque control request whose reply ends at silence', () => {
  const facts = defaultRegistry.facts(Buffer.from([0x41, 1, 2]))
  assert.equal([facts.spec, facts.effect, facts.broadcast, facts.reply.length], [undefined, 'control', false, undefined])
})
effects('access: the tables and addresses a request touches', () => {
  assert.equal(defaultRegistry.access({ function: 'readWriteMultipleRegisters', readAddress: 10, readQuantity: 2, writeAddress: 20, values: [1, 2, 3] }), [
    { table: 'holdingRegisters', address: 20, quantity: 3, write: true },
    { table: 'holdingRegisters', address: 10, quantity: 2, write: false },
  ])
  assert.equal(defaultRegistry.access({ function: 'writeMultipleCoils', address: 5, values: [true, false] }), [{ table: 'coils', address: 5, quantity: 2, write: true }])
  assert.is(defaultRegistry.access({ function: 'reportServerId' }), undefined)
})
effects.run()
