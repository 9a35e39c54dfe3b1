import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import {
  buildDevices,
  connectClient,
  createServer,
  defaultDeviceFile,
  ModbusExceptionError,
  TimeoutError,
  type ModbusClient,
  type ModbusServer,
} from '../../../core/index.ts'
import { ptyPair, type PtyPair } from '../../helpers/pty.ts'
import { rejects } from '../../helpers/throws.ts'

interface Setup {
  name: string
  serial: boolean
  start(): Promise<{ server: ModbusServer; client: ModbusClient; pty?: PtyPair }>
}

const devices = () => buildDevices(defaultDeviceFile([1, 2])).context

function network(kind: 'tcp' | 'udp' | 'rtu+tcp'): Setup {
  return {
    name: kind,
    serial: false,
    async start() {
      const server = createServer(`${kind}://127.0.0.1:0`, { context: devices() })
      const bound = await server.listen()
      return { server, client: connectClient(bound, { timeout: 2000 }) }
    },
  }
}

function serial(kind: 'rtu' | 'ascii' | 'binary'): Setup {
  return {
    name: `${kind} over a kernel PTY pair`,
    serial: true,
    async start() {
      const pty = await ptyPair()
      const server = createServer(`${kind}://${pty.a}?baud=19200`, { context: devices() })
      await server.listen()
      return { server, pty, client: connectClient(`${kind}://${pty.b}?baud=19200`, { timeout: 1000, retries: 0, broadcastDelayMs: 20 }) }
    },
  }
}

for (const setup of [network('tcp'), network('udp'), network('rtu+tcp'), serial('rtu'), serial('ascii'), serial('binary')]) {
  const test = suite(`client ↔ server over ${setup.name}`)
  let ctx: Awaited<ReturnType<Setup['start']>>
  test.before(async () => {
    ctx = await setup.start()
  })
  test.after(async () => {
    await ctx.client.close()
    await ctx.server.close()
    await ctx.pty?.close()
  })

  test('03/06/10: registers written are read back', async () => {
    const c = ctx.client
    await c.writeRegisters(1, 0, [1, 2, 3])
    await c.writeRegister(1, 5, 0x1234)
    assert.equal(await c.readHoldingRegisters(1, 0, 6), [1, 2, 3, 0, 0, 0x1234])
  })
  test('01/05/0F: coils written are read back', async () => {
    const c = ctx.client
    await c.writeCoils(1, 0, [true, false, true])
    await c.writeCoil(1, 7, true)
    assert.equal(await c.readCoils(1, 0, 8), [true, false, true, false, false, false, false, true])
  })
  test('02/04: discrete inputs and input registers of the default device', async () => {
    assert.equal(await ctx.client.readDiscreteInputs(1, 0, 4), [false, true, false, true])
    assert.equal(await ctx.client.readInputRegisters(1, 10, 3), [10, 11, 12])
  })
  test('16: mask write uses the spec formula (§6.16: 0x12, AND 0xF2, OR 0x25 → 0x17)', async () => {
    await ctx.client.writeRegister(1, 20, 0x12)
    await ctx.client.maskWriteRegister(1, 20, 0xf2, 0x25)
    assert.equal(await ctx.client.readHoldingRegisters(1, 20, 1), [0x17])
  })
  test('17: read/write multiple writes before it reads', async () => {
    assert.equal(await ctx.client.readWriteRegisters(1, 30, 3, 31, [7, 8]), [0, 7, 8])
  })
  test('14/15: file records written are read back', async () => {
    await ctx.client.writeFileRecord(1, [{ file: 1, record: 3, values: [9, 10] }, { file: 2, record: 9999, values: [11] }])
    assert.equal(await ctx.client.readFileRecord(1, [{ file: 1, record: 3, length: 2 }, { file: 2, record: 9999, length: 1 }]), [[9, 10], [11]])
  })
  test('18: the FIFO of §6.18', async () => {
    assert.equal(await ctx.client.readFifoQueue(1, 0x04de), [440, 4740])
  })
  test('07/11/0B/0C: exception status, server id, event counter and log', async () => {
    const c = ctx.client
    assert.is(await c.readExceptionStatus(1), 0)
    assert.equal(await c.reportServerId(1), { function: 'reportServerId', data: '01ff' })
    const counter = await c.getCommEventCounter(1)
    assert.is(counter.status, 0)
    assert.ok(counter.eventCount > 0, 'successful requests were counted')
    const log = await c.getCommEventLog(1)
    assert.ok(log.events.length > 0 && log.messageCount > 0)
  })
  test('08: every diagnostics sub-function answers', async () => {
    const c = ctx.client
    assert.equal(await c.returnQueryData(1, [0xa537, 1, 2]), [0xa537, 1, 2])
    assert.ok((await c.returnBusMessageCount(1)) > 0)
    for (const sub of [0x02, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13]) assert.is((await c.diagnostics(1, sub, [0])).length, 1, `sub ${sub}`)
    assert.is((await c.getModbusPlusStatistics(1)).length, 54)
    await c.clearModbusPlusStatistics(1)
    await c.clearOverrunCounterAndFlag(1)
    await c.clearCountersAndDiagnosticRegister(1)
    assert.is(await c.returnServerMessageCount(1), 1, 'cleared, then this request')
    await c.restartCommunicationsOption(1, true)
  })
  test('2B/0E: device identification, all categories', async () => {
    const objects = await ctx.client.readDeviceIdentificationAll(1, 3)
    assert.equal(objects.map((o) => o.id), [0, 1, 2, 3, 4, 5])
    assert.is(objects[0].value, 'modbridge')
    const one = await ctx.client.readDeviceIdentification(1, 4, 1)
    assert.equal(one.objects, [{ id: 1, value: 'MB-SIM' }])
  })
  test('an address past the map is exception 02; units keep their own data', async () => {
    await rejects(ctx.client.readHoldingRegisters(1, 9998, 5), ModbusExceptionError, (e) => assert.is(e.exceptionCode, 2))
    await rejects(ctx.client.readFileRecord(1, [{ file: 3, record: 0, length: 1 }]), ModbusExceptionError, (e) => assert.is(e.exceptionCode, 2))
    await ctx.client.writeRegister(2, 40, 5)
    assert.equal(await ctx.client.readHoldingRegisters(1, 40, 1), [0])
    assert.equal(await ctx.client.readHoldingRegisters(2, 40, 1), [5])
  })
  if (!setup.serial) {
    test('an unknown unit gets exception 0x0B', async () => {
      await rejects(ctx.client.readHoldingRegisters(9, 0, 1), ModbusExceptionError, (e) => assert.is(e.exceptionCode, 0x0b))
    })
    test('several requests in flight are each answered', async () => {
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => ctx.client.readInputRegisters(1, i * 10, 2)))
      assert.equal(results, Array.from({ length: 20 }, (_, i) => [i * 10, i * 10 + 1]))
    })
  } else {
    test('a frame for another unit on the bus gets no answer (the client times out)', async () => {
      await rejects(ctx.client.readHoldingRegisters(9, 0, 1, { timeout: 150 }), TimeoutError)
    })
    test('a broadcast write executes on every unit and is not answered', async () => {
      assert.is(await ctx.client.execute(0, { function: 'writeSingleRegister', address: 100, value: 42 }), null)
      assert.equal(await ctx.client.readHoldingRegisters(1, 100, 1), [42])
      assert.equal(await ctx.client.readHoldingRegisters(2, 100, 1), [42])
    })
    test('listen-only mode is left only by Restart Communications, which is not answered', async () => {
      const c = ctx.client
      await c.forceListenOnlyMode(1, { timeout: 150 })
      await rejects(c.readHoldingRegisters(1, 0, 1, { timeout: 150 }), TimeoutError)
      await rejects(c.restartCommunicationsOption(1, false, { timeout: 150 }), TimeoutError)
      assert.equal(await c.readHoldingRegisters(1, 0, 3), [1, 2, 3])
    })
  }
  test.run()
}
