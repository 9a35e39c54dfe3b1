import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { buildDevices, defaultDeviceFile, ModbusClient, ModbusTcpServer, openChannel } from '../../../core/index.ts'
import { ChannelPool } from '../../../core/client/channel-pool.ts'
import { validateConfig } from '../../../proxy/config.ts'
import { unusedPort } from '../../helpers/ports.ts'
import { Gateway } from '../../../proxy/gateway.ts'

const test = suite('channel pool: several connections to one Modbus TCP device, used as one channel')
let server: ModbusTcpServer
let port = 0

test.before(async () => {
  const devices = buildDevices(defaultDeviceFile([1]))
  devices.units.get(1)!.data.setRegisters('holdingRegisters', 0, Array.from({ length: 100 }, (_, i) => 1000 + i))
  server = new ModbusTcpServer({ context: devices.context, port: 0 })
  port = (await server.listen()).port
})
test.after(async () => {
  await server.close()
})

test('requests in flight together spread over every connection, and each gets its own data', async () => {
  const before = server.stats.connections
  const pool = new ChannelPool([0, 1, 2].map(() => openChannel(`tcp://127.0.0.1:${port}`)))
  const client = new ModbusClient(pool, { timeout: 2000 })
  const reads = await Promise.all(Array.from({ length: 30 }, (_, i) => client.readHoldingRegisters(1, i, 2)))
  reads.forEach((values, i) => assert.equal(values, [1000 + i, 1001 + i], `read ${i}`))
  assert.is(server.stats.connections - before, 3, 'three connections opened')
  assert.is(pool.stats.requests, 30)
  assert.is(pool.stats.responses, 30)
  assert.ok(pool.connected)
  await client.close()
})

test('a connection that is down draws no requests while another is up: every request is answered', async () => {
  const down = openChannel(`tcp://127.0.0.1:${await unusedPort()}`)
  const up = openChannel(`tcp://127.0.0.1:${port}`)
  await up.connect(2000)
  const pool = new ChannelPool([down, up])
  const client = new ModbusClient(pool, { timeout: 2000 })
  try {
    const reads = await Promise.all(Array.from({ length: 10 }, (_, i) => client.readHoldingRegisters(1, i, 1)))
    assert.equal(reads.flat(), Array.from({ length: 10 }, (_, i) => 1000 + i))
    assert.is(down.stats.requests, 0, 'nothing was sent on the connection that is down')
    assert.is(up.stats.responses, 10)
  } finally {
    await client.close()
  }
})

test('a gateway bus with connections: 3 opens three connections to its device', async () => {
  const before = server.stats.connections
  const gw = new Gateway(validateConfig({ listen: ['tcp://127.0.0.1:0'], buses: { dev: { address: `tcp://127.0.0.1:${port}`, connections: 3 } }, routes: [{ units: 1, bus: 'dev' }] }))
  await gw.start()
  const client = new ModbusClient(openChannel(gw.listening[0]), { timeout: 2000 })
  const reads = await Promise.all(Array.from({ length: 12 }, (_, i) => client.readHoldingRegisters(1, 50 + i, 1)))
  assert.equal(reads.flat(), Array.from({ length: 12 }, (_, i) => 1050 + i))
  assert.is(server.stats.connections - before, 3)
  await client.close()
  await gw.close()
})

test('connections is a Modbus TCP option: a serial bus refuses more than one', () => {
  try {
    validateConfig({ buses: { a: { address: 'rtu:///dev/ttyX', connections: 2 } }, routes: [] })
    assert.unreachable('accepted')
  } catch (err) {
    assert.match((err as Error).message, 'buses.a.connections')
  }
})

test.run()
