import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { MemoryUnit, asyncUnit, createDevice, decodeResponse, encodeRequest, registers, type PduWriter } from '../../../core/index.ts'
import { RequestHandler } from '../../../core/server/handler.ts'

const handler = new RequestHandler()
const device = () => createDevice({ data: new MemoryUnit({ holdingRegisters: registers(0, 10) }) })

function run(writer: PduWriter | null | Promise<PduWriter | null>): any {
  if (writer === null || writer instanceof Promise) throw new Error('expected a synchronous reply')
  const buf = Buffer.alloc(writer.size)
  writer.write(buf, 0)
  return decodeResponse(buf)
}

const test = suite('request handler: checks in the spec order (§7)')

test('an unsupported function code is exception 01', () => {
  assert.equal(run(handler.handle(device(), Buffer.from([0x41, 0, 0]))), { function: 0x41, exception: 1 })
})
test('a bad quantity is exception 03 even when the address is also out of range (03 comes first)', () => {
  assert.equal(run(handler.handle(device(), Buffer.from('03ffff0000', 'hex'))), { function: 'readHoldingRegisters', exception: 3 })
})
test('a good quantity at a bad address is exception 02', () => {
  assert.equal(run(handler.handle(device(), encodeRequest({ function: 'readHoldingRegisters', address: 8, quantity: 3 }))), { function: 'readHoldingRegisters', exception: 2 })
})
test('a failure while executing is exception 04', () => {
  const failing = createDevice({
    data: {
      readBits: () => [],
      readRegisters: () => {
        throw new RangeError('disk on fire')
      },
      writeBits: () => {},
      writeRegisters: () => {},
    },
  })
  assert.equal(run(handler.handle(failing, encodeRequest({ function: 'readHoldingRegisters', address: 0, quantity: 1 }))), { function: 'readHoldingRegisters', exception: 4 })
})
test('a device without files answers 14 with exception 01', async () => {
  const noFiles = createDevice({ data: { readBits: () => [], readRegisters: () => [0], writeBits: () => {}, writeRegisters: () => {} } })
  const reply = await handler.handle(noFiles, encodeRequest({ function: 'readFileRecord', records: [{ file: 1, record: 0, length: 1 }] }))
  const buf = Buffer.alloc(reply!.size)
  reply!.write(buf, 0)
  assert.equal(decodeResponse(buf), { function: 'readFileRecord', exception: 1 })
})
test('a broadcast executes the write and returns no reply', () => {
  const d = device()
  assert.is(handler.handle(d, encodeRequest({ function: 'writeSingleRegister', address: 2, value: 9 }), true), null)
  assert.equal(d.data.readRegisters('holdingRegisters', 2, 1), [9])
})
test('an asynchronous unit is awaited and answered', async () => {
  const d = createDevice({ data: asyncUnit({ readRegisters: async (_t, a, q) => Array.from({ length: q }, (_, i) => a + i) }) })
  const reply = handler.handle(d, encodeRequest({ function: 'readHoldingRegisters', address: 5, quantity: 2 }))
  assert.instance(reply, Promise)
  const w = await reply
  const buf = Buffer.alloc(w!.size)
  w!.write(buf, 0)
  assert.equal(decodeResponse(buf), { function: 'readHoldingRegisters', values: [5, 6] })
})
test('user executors serve user function codes', () => {
  const h = new RequestHandler({ executors: { readHoldingRegisters: () => ({ function: 'readHoldingRegisters', values: [42] }) } })
  assert.equal(run(h.handle(device(), encodeRequest({ function: 'readHoldingRegisters', address: 0, quantity: 1 }))), { function: 'readHoldingRegisters', values: [42] })
})
test.run()
