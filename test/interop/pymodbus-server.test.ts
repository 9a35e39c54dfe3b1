/**
 * modbridge's client against pymodbus 3.0.0rc1 servers (Debian's python3-pymodbus): over TCP on
 * 127.0.0.1, and over RTU on a socat PTY pair. The server's datastore is known
 * (test/interop/fixtures/pymodbus-server.py): holding register N = 2N, input register N = 1000 + N,
 * coil N on when N is even, discrete input N on when N % 3 == 0, 100 of each, unit 1 only.
 *
 * Where pymodbus departs from the spec the test name says so, and the assertion pins what pymodbus
 * does, so that a change on either side shows.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { connectClient, ModbusExceptionError, PduError, TimeoutError, TransportError, type ModbusClient } from '../../core/index.ts'
import { ptyPair } from '../helpers/pty.ts'
import { rejects, requirePymodbus, setUp, startFixture, type Fixture } from './helpers.ts'

interface Peer {
  name: string
  serial: boolean
  start(onClose: (close: () => unknown) => void): Promise<{ client: ModbusClient; server: Fixture }>
}

const tcp: Peer = {
  name: 'a pymodbus TCP server',
  serial: false,
  async start(onClose) {
    await requirePymodbus()
    const server = await startFixture('pymodbus-server.py', ['tcp'], /READY tcp (\d+)/)
    onClose(server.kill)
    const client = connectClient(`tcp://127.0.0.1:${server.match[1]}`, { timeout: 1000 })
    onClose(() => client.close())
    return { client, server }
  },
}

const rtu: Peer = {
  name: 'a pymodbus RTU server on a PTY',
  serial: true,
  async start(onClose) {
    await requirePymodbus()
    const pty = await ptyPair()
    onClose(pty.close)
    const server = await startFixture('pymodbus-server.py', ['rtu', pty.a], /READY rtu/)
    onClose(server.kill)
    // 8N2 on both ends: pymodbus cannot open a PTY with even parity (see the fixture).
    const client = connectClient(`rtu://${pty.b}?baud=19200&parity=N`, { timeout: 1000, retries: 0 })
    onClose(() => client.close())
    return { client, server }
  },
}

/** A short timeout for requests that are meant to go unanswered. */
const SILENT = { timeout: 300, retries: 0 }

for (const peer of [tcp, rtu]) {
  const test = suite(`modbridge client ↔ ${peer.name}`)
  const ctx = setUp(test, peer.start)

  test('01/02: coils (even ones on) and discrete inputs (every third on) of the peer', async () => {
    assert.equal(await ctx().client.readCoils(1, 0, 5), [true, false, true, false, true])
    assert.equal(await ctx().client.readDiscreteInputs(1, 0, 7), [true, false, false, true, false, false, true])
  })
  test('03/04: holding register N holds 2N and input register N holds 1000 + N, up to the end of the map', async () => {
    assert.equal(await ctx().client.readHoldingRegisters(1, 10, 3), [20, 22, 24])
    assert.equal(await ctx().client.readInputRegisters(1, 97, 3), [1097, 1098, 1099])
  })
  test('05/0F: coils written are read back', async () => {
    const c = ctx().client
    await c.writeCoil(1, 1, true)
    await c.writeCoils(1, 10, [false, true, true])
    assert.equal(await c.readCoils(1, 0, 13), [true, true, true, false, true, false, true, false, true, false, false, true, true])
  })
  test('06/10: registers written are read back', async () => {
    const c = ctx().client
    await c.writeRegister(1, 1, 77)
    await c.writeRegisters(1, 40, [5, 6, 7])
    assert.equal(await c.readHoldingRegisters(1, 0, 3), [0, 77, 4])
    assert.equal(await c.readHoldingRegisters(1, 40, 4), [5, 6, 7, 86])
  })
  test('16: mask write uses the spec formula (§6.16: 0x12, AND 0xF2, OR 0x25 → 0x17)', async () => {
    const c = ctx().client
    await c.writeRegister(1, 20, 0x12)
    await c.maskWriteRegister(1, 20, 0xf2, 0x25)
    assert.equal(await c.readHoldingRegisters(1, 20, 1), [0x17])
  })
  test('17: read/write multiple writes before it reads', async () => {
    assert.equal(await ctx().client.readWriteRegisters(1, 30, 3, 31, [7, 8]), [60, 7, 8])
    assert.equal(await ctx().client.readHoldingRegisters(1, 30, 4), [60, 7, 8, 66])
  })
  test('07: exception status is 0', async () => {
    assert.is(await ctx().client.readExceptionStatus(1), 0)
  })
  test('08: every sub-function with one data word is answered; pymodbus counts nothing', async () => {
    const c = ctx().client
    assert.equal(await c.returnQueryData(1, [0xa537]), [0xa537])
    await c.restartCommunicationsOption(1, false)
    assert.is(await c.returnDiagnosticRegister(1), 0)
    await c.changeAsciiInputDelimiter(1, 0x0a)
    await c.clearCountersAndDiagnosticRegister(1)
    const counters = []
    for (const sub of [0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13]) counters.push(await c.diagnostics(1, sub, [0]))
    assert.equal(counters, Array.from({ length: 9 }, () => [0]))
    await c.clearOverrunCounterAndFlag(1)
  })
  if (!peer.serial) {
    test('08/00 with two data words: pymodbus cannot decode it and drops the connection (TransportError); the next request reconnects', async () => {
      await rejects(ctx().client.returnQueryData(1, [0xa537, 0x0001]), TransportError)
      assert.equal(await ctx().client.readHoldingRegisters(1, 2, 1), [4])
    })
    test('08/15: pymodbus sends 55 Modbus Plus statistic words, not 54: a PduError (MB_ERR_LENGTH)', async () => {
      await rejects(ctx().client.getModbusPlusStatistics(1), PduError, (e) => assert.is(e.code, 'MB_ERR_LENGTH'))
      await ctx().client.clearModbusPlusStatistics(1)
    })
  } else {
    test('08/00 with two data words: pymodbus cannot decode it and drops the frame (TimeoutError); the line still works', async () => {
      await rejects(ctx().client.returnQueryData(1, [0xa537, 0x0001], SILENT), TimeoutError)
      assert.equal(await ctx().client.readHoldingRegisters(1, 2, 1), [4])
    })
    test('08/15: pymodbus sends 55 Modbus Plus statistic words, not 54: its CRC holds over the whole frame, so a PduError (MB_ERR_LENGTH), as over TCP', async () => {
      await rejects(ctx().client.getModbusPlusStatistics(1, SILENT), PduError, (e) => assert.is(e.code, 'MB_ERR_LENGTH'))
      await ctx().client.clearModbusPlusStatistics(1)
    })
  }
  test('0B/0C: pymodbus keeps no event counter or log', async () => {
    assert.equal(await ctx().client.getCommEventCounter(1), { function: 'getCommEventCounter', status: 0, eventCount: 0 })
    assert.equal(await ctx().client.getCommEventLog(1), { function: 'getCommEventLog', status: 0, eventCount: 0, messageCount: 0, events: [] })
  })
  test('11: the server id is pymodbus\'s basic identity objects joined with "-", and it is running', async () => {
    const r = await ctx().client.reportServerId(1)
    const data = Buffer.from(r.data, 'hex')
    assert.is(data.subarray(0, -1).toString('latin1'), 'pymodbus-peer-PM-3.0')
    assert.is(data[data.length - 1], 0xff, 'run indicator last: pymodbus sends no additional data')
  })
  test('2B/0E: device identification by category and by object', async () => {
    const c = ctx().client
    const basic = await c.readDeviceIdentification(1, 1, 0)
    assert.is(basic.conformity, 0x83)
    assert.is(basic.moreFollows, false)
    assert.equal(basic.objects, [
      { id: 0, value: 'pymodbus-peer' },
      { id: 1, value: 'PM' },
      { id: 2, value: '3.0' },
    ])
    const regular = await c.readDeviceIdentificationAll(1, 2)
    assert.equal(regular.map((o) => o.value), ['pymodbus-peer', 'PM', '3.0', 'https://example.invalid/peer', 'peer server', 'PM-1'])
    assert.equal((await c.readDeviceIdentification(1, 4, 5)).objects, [{ id: 5, value: 'PM-1' }])
  })
  test('18: pymodbus keeps no FIFO, so every queue reads empty', async () => {
    assert.equal(await ctx().client.readFifoQueue(1, 0x04de), [])
  })
  test('14/15: pymodbus echoes a file write but answers a read with no sub-response (byte count 0): PduError MB_ERR_RANGE', async () => {
    await ctx().client.writeFileRecord(1, [{ file: 1, record: 3, values: [9, 10] }])
    await rejects(ctx().client.readFileRecord(1, [{ file: 1, record: 3, length: 2 }]), PduError, (e) => assert.is(e.code, 'MB_ERR_RANGE'))
  })
  test('an address past the map is exception 02 (ModbusExceptionError)', async () => {
    const c = ctx().client
    await rejects(c.readHoldingRegisters(1, 98, 5), ModbusExceptionError, (e) => assert.is(e.exceptionCode, 2))
    await rejects(c.readCoils(1, 100, 1), ModbusExceptionError, (e) => assert.is(e.exceptionCode, 2))
    await rejects(c.writeRegister(1, 100, 1), ModbusExceptionError, (e) => assert.is(e.exceptionCode, 2))
  })
  test('an unknown unit gets no answer (pymodbus drops the request rather than answer 0x0B): TimeoutError', async () => {
    await rejects(ctx().client.readHoldingRegisters(9, 0, 1, SILENT), TimeoutError, (e) => assert.is(e.code, 'MB_ERR_TIMEOUT'))
  })
  test('08/04: force listen only gets no reply, and pymodbus goes on answering (it ignores the mode)', async () => {
    await ctx().client.forceListenOnlyMode(1, SILENT)
    assert.equal(await ctx().client.readHoldingRegisters(1, 10, 1), [20])
  })
  if (!peer.serial) {
    test('the server killed: the connection is refused (TransportError, not TimeoutError)', async () => {
      await ctx().server.kill()
      await rejects(ctx().client.readHoldingRegisters(1, 0, 1), TransportError, (e) => assert.is(e.code, 'MB_ERR_TRANSPORT'))
    })
  } else {
    test('the server killed: the line is silent (TimeoutError, not TransportError)', async () => {
      await ctx().server.kill()
      await rejects(ctx().client.readHoldingRegisters(1, 0, 1, SILENT), TimeoutError, (e) => assert.is(e.code, 'MB_ERR_TIMEOUT'))
    })
  }
  test.run()
}
