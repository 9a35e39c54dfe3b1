import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { buildDevices, connectClient, createServer, defaultDeviceFile, ModbusExceptionError, type ModbusServer } from '../../../core/index.ts'
import { createConnection } from 'node:net'
import { createRtuFramer, encodeRequest } from '../../../core/index.ts'
import { rejects } from '../../helpers/throws.ts'
import { waitFor } from '../../helpers/wait.ts'

const test = suite('Modbus/TCP: a device addressed by IP answers unit 0xFF and 0 as itself (MB TCP guide §4.4.1.2)')
const servers: ModbusServer[] = []

async function serve(units: number[], kind = 'tcp'): Promise<string> {
  const server = createServer(`${kind}://127.0.0.1:0`, { context: buildDevices(defaultDeviceFile(units)).context })
  servers.push(server)
  return server.listen()
}

test.after(async () => {
  await Promise.all(servers.map((s) => s.close()))
})

test('a one-unit server answers 0xFF and 0 with its own data', async () => {
  const client = connectClient(await serve([5]), { timeout: 2000 })
  await client.writeRegister(5, 3, 4321)
  assert.equal(await client.readHoldingRegisters(0xff, 3, 1), [4321])
  assert.equal(await client.readHoldingRegisters(0, 3, 1), [4321])
  assert.is((await client.reportServerId(0xff)).data, '05ff')
  await client.close()
})

test('the same over UDP and RTU over TCP', async () => {
  for (const kind of ['udp', 'rtu+tcp']) {
    const client = connectClient(await serve([7], kind), { timeout: 2000 })
    assert.equal(await client.readInputRegisters(0xff, 9, 1), [9], kind)
    await client.close()
  }
})

test('a multi-unit server routes by unit id: 0xFF is an unknown unit there (0x0B)', async () => {
  const client = connectClient(await serve([1, 2]), { timeout: 2000 })
  await rejects(client.readHoldingRegisters(0xff, 0, 1), ModbusExceptionError, (e) => assert.is(e.exceptionCode, 0x0b))
  await client.close()
})

test('RTU over TCP: unit 0 is a broadcast, as on the serial line the client takes it for — a write is executed and nothing is answered, a read is not answered', async () => {
  const at = new URL((await serve([7], 'rtu+tcp')).replace('rtu+tcp:', 'http:'))
  const socket = createConnection({ host: at.hostname, port: Number(at.port) })
  let received = Buffer.alloc(0)
  socket.on('data', (c: Buffer) => (received = Buffer.concat([received, c])))
  const rtu = createRtuFramer({ expect: 'request' })
  const frame = (unit: number, request: Parameters<typeof encodeRequest>[0]) => rtu.encode(unit, encodeRequest(request))
  socket.write(frame(0, { function: 'writeSingleRegister', address: 3, value: 0x2468 }))
  socket.write(frame(0, { function: 'readHoldingRegisters', address: 3, quantity: 1 }))
  socket.write(frame(7, { function: 'readHoldingRegisters', address: 3, quantity: 1 }))
  await waitFor(() => received.length >= 7, 'the reply to unit 7')
  socket.destroy()
  const reply = createRtuFramer({ expect: 'response' }).encode(7, Buffer.from('03022468', 'hex'))
  assert.is(received.toString('hex'), reply.toString('hex'), 'only unit 7 was answered, with the broadcast value')
})

test.run()
