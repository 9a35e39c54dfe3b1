import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { connectClient } from '../../core/index.ts'
import { validateConfig } from '../../proxy/config.ts'
import { Gateway } from '../../proxy/gateway.ts'
import { mbpoll, requireMbpoll, requirePymodbus, setUp, startFixture } from '../interop/helpers.ts'
import { ptyPair } from '../helpers/pty.ts'

const test = suite('gateway interop: a python3-pymodbus serial RTU server downstream; mbpoll and modbridge clients upstream')
const env = setUp(test, async (onClose) => {
  await requirePymodbus()
  await requireMbpoll()
  const pty = await ptyPair()
  onClose(() => pty.close())
  const device = await startFixture('pymodbus-server.py', ['rtu', pty.b], /READY rtu/)
  onClose(() => device.kill())
  // pymodbus's serial server cannot open a PTY with even parity (interop notes): 8N2 on both ends.
  const gateway = new Gateway(
    validateConfig({
      listen: ['tcp://127.0.0.1:0'],
      buses: { line: { address: `rtu://${pty.a}?baud=19200&parity=N&stop=2`, timeout: 1000, retries: 1 } },
      routes: [{ units: 1, bus: 'line' }, { units: 2, bus: 'line', unit: 1 }],
    }),
  )
  await gateway.start()
  onClose(() => gateway.close())
  return { gateway, port: Number(gateway.listening[0].split(':').pop()) }
})

test('a modbridge client reads the pymodbus device through the gateway (holding register N = 2N)', async () => {
  const c = connectClient(env().gateway.listening[0], { timeout: 3000 })
  assert.equal(await c.readHoldingRegisters(1, 0, 5), [0, 2, 4, 6, 8])
  assert.equal(await c.readInputRegisters(2, 10, 2), [1010, 1011], 'unit 2 is remapped to unit 1 of the bus')
  await c.close()
})

test('mbpoll reads and writes through the gateway', async () => {
  const port = String(env().port)
  const read = await mbpoll(['-m', 'tcp', '-p', port, '-a', '1', '-t', '4', '-0', '-r', '20', '-c', '3', '-1', '127.0.0.1'])
  assert.is(read.code, 0, read.stderr)
  assert.equal([read.values[20], read.values[21], read.values[22]], [40, 42, 44])
  const write = await mbpoll(['-m', 'tcp', '-p', port, '-a', '1', '-t', '4', '-0', '-r', '30', '-1', '127.0.0.1', '7', '8'])
  assert.is(write.code, 0, write.stderr)
  const c = connectClient(env().gateway.listening[0], { timeout: 3000 })
  assert.equal(await c.readHoldingRegisters(1, 30, 2), [7, 8])
  await c.close()
})

test("the device's exception reply is relayed unchanged (address past its map → 02)", async () => {
  const port = String(env().port)
  const r = await mbpoll(['-m', 'tcp', '-p', port, '-a', '1', '-t', '4', '-0', '-r', '9000', '-c', '2', '-1', '127.0.0.1'])
  assert.match(r.stdout + r.stderr, /Illegal data address/i)
})
test.run()
