import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { buildDevices, connectClient, createServer, defaultDeviceFile, ModbusExceptionError, type ModbusServer } from '../../../core/index.ts'
import { rejects } from '../../helpers/throws.ts'

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

test.run()
