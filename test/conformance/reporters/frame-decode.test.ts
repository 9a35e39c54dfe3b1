import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createAsciiFramer, createRtuFramer, createTcpFramer, encodeRequest, encodeResponse } from '../../../core/index.ts'
import { bytesOf, decodeAdu, decodePdu, describeMessage } from '../../../conformance/reporters/frame-decode.ts'
import { hex } from '../../helpers/hex.ts'
import { prng } from '../../helpers/random.ts'

const test = suite('decoding the bytes a report shows')
const readOne = encodeRequest({ function: 'readHoldingRegisters', address: 0, quantity: 1 })
const oneRegister = encodeResponse({ function: 'readHoldingRegisters', values: [10] })
const rtu = createRtuFramer({ expect: 'request' })
const tcp = createTcpFramer()

test('an MBAP request: unit, transaction id and the request in words', () => {
  const d = decodeAdu(hex(tcp.encode(17, readOne, 0x0102)), 'tcp', 'request')
  assert.equal(d, { ok: true, unit: 17, tid: 0x0102, pdu: readOne, text: 'readHoldingRegisters · address 0 · quantity 1' })
})
test('an RTU reply with a good CRC decodes; serial framings have no transaction id', () => {
  const d = decodeAdu(hex(rtu.encode(1, oneRegister)), 'rtu', 'response', hex(rtu.encode(1, readOne)))
  assert.ok(d.ok)
  if (d.ok) {
    assert.is(d.text, 'readHoldingRegisters · values [10]')
    assert.is(d.tid, null)
  }
})
test('an ASCII frame written as the characters on the line decodes', () => {
  const d = decodeAdu(hex(createAsciiFramer().encode(1, readOne)), 'ascii', 'request')
  assert.ok(d.ok && d.text === 'readHoldingRegisters · address 0 · quantity 1', JSON.stringify(d))
})
test('an exception reply is named', () => {
  const d = decodeAdu(hex(tcp.encode(1, Buffer.from([0x83, 0x02]), 7)), 'tcp', 'response')
  assert.ok(d.ok && d.text === 'exception 0x02 illegalDataAddress to readHoldingRegisters', JSON.stringify(d))
})
test('a bad CRC does not decode and says so', () => {
  const adu = rtu.encode(1, oneRegister)
  adu[adu.length - 1] ^= 0xff
  const d = decodeAdu(hex(adu), 'rtu', 'response')
  assert.ok(!d.ok && /CRC mismatch/.test(d.reason), JSON.stringify(d))
})
test('a frame whose PDU is malformed names the PDU problem', () => {
  const d = decodeAdu(hex(tcp.encode(1, Buffer.from([0x01, 0x02, 0x05]), 1)), 'tcp', 'response')
  assert.ok(!d.ok && d.reason.startsWith('the 0x01 response PDU: ') && /byte count/.test(d.reason), JSON.stringify(d))
})
test('a malformed request says what is wrong with it', () => {
  const d = decodeAdu(hex(tcp.encode(1, Buffer.from([0x03, 0, 0, 0, 0]), 1)), 'tcp', 'request')
  assert.ok(!d.ok && /quantity 0/.test(d.reason), JSON.stringify(d))
})
test('MBAP with a protocol id other than 0, or cut short, does not decode', () => {
  const adu = tcp.encode(1, oneRegister, 1)
  adu[3] = 1
  const bad = decodeAdu(hex(adu), 'tcp', 'response')
  assert.ok(!bad.ok && /protocol id 0x0001/.test(bad.reason), JSON.stringify(bad))
  const cut = decodeAdu(hex(tcp.encode(1, oneRegister, 1).subarray(0, 9)), 'tcp', 'response')
  assert.ok(!cut.ok && /ended inside/.test(cut.reason), JSON.stringify(cut))
})
test('two frames where one was expected are reported, with the first in words', () => {
  const two = Buffer.concat([tcp.encode(1, readOne, 1), tcp.encode(1, readOne, 2)])
  const d = decodeAdu(hex(two), 'tcp', 'request')
  assert.ok(!d.ok && d.reason === 'a second frame follows (the first frame: readHoldingRegisters · address 0 · quantity 1)', JSON.stringify(d))
})
test('text that is not bytes, no bytes, or an unknown framing: a reason, not an exception', () => {
  assert.equal(decodeAdu('zz 01', 'rtu', 'request'), { ok: false, reason: 'not hex' })
  assert.equal(decodeAdu('01 0', 'rtu', 'request'), { ok: false, reason: 'an odd number of hex digits (3)' })
  assert.equal(decodeAdu('  ', 'rtu', 'request'), { ok: false, reason: 'no bytes' })
  assert.equal(decodeAdu('01 03', 'carrier-pigeon', 'request'), { ok: false, reason: 'unknown framing "carrier-pigeon"' })
  assert.is(typeof bytesOf('<script>'), 'string')
})
test('an unknown function code is named', () => {
  assert.equal(decodePdu(Buffer.from([0x63, 0x02]), 'response'), { ok: false, reason: 'the 0x63 response PDU: function code 0x63 is not in the registry' })
})
test('messages read as name · field value, long lists cut, bits as 0/1', () => {
  assert.is(describeMessage({ function: 'readCoils', values: [true, false, true] } as never), 'readCoils · values [101]')
  const many = describeMessage({ function: 'readHoldingRegisters', values: Array.from({ length: 20 }, (_, i) => i) } as never)
  assert.is(many, 'readHoldingRegisters · values [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 … 4 more]')
  assert.is(describeMessage({ function: 'reportServerId', data: 'a"b' } as never), 'reportServerId · data "a\\"b"')
  assert.is(describeMessage({ function: 0x41, exception: 1 } as never), 'exception 0x01 illegalFunction to 0x41')
})
test('hostile: 3000 random byte strings through every framing and both directions never throw', () => {
  const seed = 0x14c0de
  const random = prng(seed)
  for (let i = 0; i < 3000; i++) {
    const length = Math.floor(random() * 40)
    const bytes = Buffer.alloc(length)
    for (let j = 0; j < length; j++) bytes[j] = random() < 0.3 ? [0x00, 0x01, 0x03, 0x3a, 0x7b, 0x7d, 0x0d, 0x0a, 0x83][j % 9] : Math.floor(random() * 256)
    for (const framer of ['tcp', 'rtu', 'ascii', 'binary']) {
      for (const direction of ['request', 'response'] as const) {
        try {
          const d = decodeAdu(hex(bytes), framer, direction, hex(bytes))
          assert.type(d.ok, 'boolean')
        } catch (err) {
          assert.unreachable(`seed ${seed}, case ${i}, ${framer} ${direction}, ${hex(bytes)}: ${(err as Error).message}`)
        }
      }
    }
  }
})

test.run()
