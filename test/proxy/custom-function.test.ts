import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { buildDevices, connectClient, createServer, defaultDeviceFile, encodeRequest, type ModbusServer } from '../../core/index.ts'
import { validateConfig } from '../../proxy/config.ts'
import { Gateway } from '../../proxy/gateway.ts'
import { READ_COUNTER, withReadCounter, type ReadCounter } from '../helpers/custom-function.ts'
import { ptyPair, type PtyPair } from '../helpers/pty.ts'
import { rawClient } from '../helpers/raw-tcp.ts'
import { scriptedDevice, type ScriptedDevice } from '../helpers/scripted-device.ts'

const test = suite('a user function code registered once: the server answers it, the gateway forwards it by its reply rule')
const registry = withReadCounter()
let pty: PtyPair, liar: PtyPair
let server: ModbusServer
let device: ScriptedDevice
let gw: Gateway
let tid = 1

/** Sends one PDU over a raw MBAP connection and returns the reply PDU as hex. */
async function exchange(unit: number, pdu: Buffer): Promise<string> {
  const raw = await rawClient(Number(gw.listening[0].split(':').pop()))
  const t = tid++
  raw.send(t, unit, pdu)
  const adu = await raw.reply(t)
  await raw.close()
  return adu.slice(14)
}

test.before(async () => {
  pty = await ptyPair()
  liar = await ptyPair()
  server = createServer(`rtu://${pty.b}?baud=38400`, {
    context: buildDevices(defaultDeviceFile([1])).context,
    registry,
    executors: { readCounter: (r: ReadCounter) => ({ function: 'readCounter', counter: r.counter, value: 1000 + r.counter }) },
  })
  await server.listen()
  // A device that answers readCounter one byte short, or for another counter.
  device = await scriptedDevice(liar.b, (req) => {
    const counter = req.pdu.readUInt16BE(1)
    return counter === 1 ? { pdu: Buffer.from([0x41, 0, 1, 0, 0, 0]) } : { pdu: Buffer.from([0x41, 0, counter + 1, 0, 0, 0, 9]) }
  }, 38400)
  gw = new Gateway(
    validateConfig({
      listen: ['tcp://127.0.0.1:0'],
      buses: { sim: { address: `rtu://${pty.a}?baud=38400`, timeout: 500 }, liar: { address: `rtu://${liar.a}?baud=38400`, timeout: 200, retries: 0 } },
      routes: [{ units: 1, bus: 'sim' }, { units: 9, bus: 'liar', unit: 1 }, { units: 2, bus: 'sim', unit: 1, readOnly: true }],
    }),
    { registry },
  )
  await gw.start()
})
test.after(async () => {
  await gw.close()
  await server.close()
  await device.close()
  await pty.close()
  await liar.close()
})

test('a client with the same registry reads the counter through the gateway over an RTU bus', async () => {
  const client = connectClient(gw.listening[0], { timeout: 3000, registry })
  const reply = await client.execute<ReadCounter>(1, { function: 'readCounter', counter: 7 } as ReadCounter)
  assert.equal(reply, { function: 'readCounter', counter: 7, value: 1007 })
  await client.close()
})

test('its semantics come from the one registration: a read passes a read-only route; it cannot be broadcast', async () => {
  const client = connectClient(gw.listening[0], { timeout: 3000, registry })
  assert.is((await client.execute<ReadCounter>(2, { function: 'readCounter', counter: 3 } as ReadCounter))?.value, 1003)
  await client.close()
  assert.is(await exchange(0, encodeRequest({ function: 'readCounter', counter: 3 } as ReadCounter, registry)), 'c101', 'unit 0: exception 01, not forwarded')
})

test('a reply of the wrong length or for another counter is never passed on: 0x0B, and the bus counts the stray frames', async () => {
  for (const counter of [1, 2]) {
    assert.is(await exchange(9, encodeRequest({ function: 'readCounter', counter } as ReadCounter, registry)), 'c10b', `counter ${counter}`)
  }
  // The short reply cannot even be framed at the registry's length (a framing error); the reply for
  // another counter frames fine but fails the echo rule (a stray frame).
  const s = gw.buses.get('liar')!.stats()
  assert.ok(s.discarded >= 1, `stray frames: ${s.discarded}`)
  assert.ok(s.framingErrors >= 1, `framing errors: ${s.framingErrors}`)
})

test('the RTU framers size it from the registry (no silence needed)', () => {
  assert.is(READ_COUNTER.request.frameLength(Buffer.from([0x41]), 0, 1), 3)
  assert.is(registry.facts(Buffer.from([0x41, 0, 5])).reply.length, 7)
})

test.run()
