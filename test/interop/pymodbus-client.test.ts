/**
 * modbridge's server (the default device, unit 1) driven by pymodbus 3.0.0rc1 sync clients
 * (Debian's python3-pymodbus): over TCP on 127.0.0.1 and over RTU on a socat PTY pair. The client
 * script (test/interop/fixtures/pymodbus-client.py) runs a fixed sequence, one request per function
 * code and diagnostics sub-function, and prints one JSON line per request; the tests read those
 * lines, and cross-check the writes against the server's own datastore.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { buildDevices, createServer, defaultDeviceFile, type SimulatedDevices } from '../../core/index.ts'
import { ptyPair } from '../helpers/pty.ts'
import { requirePymodbus, runPymodbusClient, setUp, type StepLine } from './helpers.ts'

interface Run {
  devices: SimulatedDevices
  steps: Map<string, StepLine>
}

interface Transport {
  name: string
  serial: boolean
  start(onClose: (close: () => unknown) => void): Promise<Run>
}

const tcp: Transport = {
  name: 'a pymodbus TCP client',
  serial: false,
  async start(onClose) {
    await requirePymodbus()
    const devices = buildDevices(defaultDeviceFile([1]))
    const server = createServer('tcp://127.0.0.1:0', { context: devices.context })
    onClose(() => server.close())
    const port = new URL(await server.listen()).port
    return { devices, steps: await runPymodbusClient(['tcp', '127.0.0.1', port]) }
  },
}

const rtu: Transport = {
  name: 'a pymodbus RTU client on a PTY',
  serial: true,
  async start(onClose) {
    await requirePymodbus()
    const pty = await ptyPair()
    onClose(pty.close)
    const devices = buildDevices(defaultDeviceFile([1]))
    // 8N2 on both ends: pyserial cannot configure even parity on a PTY (see the fixtures).
    const server = createServer(`rtu://${pty.a}?baud=19200&parity=N`, { context: devices.context })
    onClose(() => server.close())
    await server.listen()
    return { devices, steps: await runPymodbusClient(['rtu', pty.b]) }
  },
}

/** pymodbus's wording when nothing (or nothing decodable) came back. */
const NO_RESPONSE = /No Response received|No response received/

for (const transport of [tcp, rtu]) {
  const test = suite(`modbridge server ↔ ${transport.name}`)
  const ctx = setUp(test, transport.start)

  /** The line the script printed for `name`; fails if the script skipped it. */
  const step = (name: string): StepLine => {
    const line = ctx().steps.get(name)
    if (!line) assert.unreachable(`pymodbus-client.py printed no line for "${name}"`)
    return line!
  }
  /** The result of a step that must have succeeded. */
  const result = (name: string): any => {
    const line = step(name)
    assert.ok(line.ok, `${name}: ${JSON.stringify(line)}`)
    return line.result
  }
  const data = () => ctx().devices.units.get(1)!.data

  test('01/05/0F: coils start off; one written with 05 and three with 0F are read back', () => {
    assert.equal(result('01 read coils'), [false, false, false, false, false, false, false, false])
    assert.equal(result('05 write coil'), { address: 3, value: true })
    assert.equal(result('0F write coils'), { address: 10, count: 3 })
    const back = [false, false, false, true, false, false, false, false, false, false, true, false, true, false, false, false]
    assert.equal(result('01 read coils back'), back)
    assert.equal(data().readBits('coils', 0, 16), back)
  })
  test('02: discrete input N is on when N is odd; the last byte is padded with zeros', () => {
    assert.equal(result('02 read discrete inputs'), [false, true, false, true, false, true, false, false])
  })
  test('03/06/10: holding registers start at 0; 06 and 10 writes are echoed and read back', () => {
    assert.equal(result('03 read holding registers'), [0, 0, 0])
    assert.equal(result('06 write register'), { address: 5, value: 0x1234 })
    assert.equal(result('10 write registers'), { address: 0, count: 3 })
    assert.equal(result('03 read holding registers back'), [1, 2, 3, 0, 0, 0x1234])
  })
  test('04: input register N holds N', () => {
    assert.equal(result('04 read input registers'), [100, 101, 102, 103])
  })
  test('16: mask write is echoed and uses the spec formula (§6.16: 0x12, AND 0xF2, OR 0x25 → 0x17)', () => {
    assert.equal(result('16 mask write register'), { address: 20, andMask: 0xf2, orMask: 0x25 })
    assert.equal(result('03 read masked register'), [0x17])
  })
  test('17: read/write multiple writes before it reads', () => {
    assert.equal(result('17 read/write multiple registers'), [0, 7, 8])
    assert.equal(result('03 read registers written by 17'), [0, 7, 8])
  })
  test('07: exception status is 0', () => {
    assert.is(result('07 read exception status'), 0)
  })
  test('08: query data is echoed; restart, diagnostic register, delimiter, clear and overrun clear answer', () => {
    assert.equal(result('08/00 return query data'), { subFunction: 0x00, data: [0xa537] })
    assert.equal(result('08/01 restart communications'), { subFunction: 0x01, data: [0] })
    assert.equal(result('08/02 return diagnostic register'), { subFunction: 0x02, data: [0] })
    assert.equal(result('08/03 change ascii input delimiter'), { subFunction: 0x03, data: [0] })
    assert.equal(result('08/0A clear counters'), { subFunction: 0x0a, data: [0] })
    assert.equal(result('08/14 clear overrun counter'), { subFunction: 0x14, data: [0] })
  })
  test('08/0B-13: counters after 08/0A count from the clear (bus messages 1, server messages 4, the rest 0)', () => {
    const counters = [
      '08/0B bus message count',
      '08/0C bus communication error count',
      '08/0D bus exception error count',
      '08/0E server message count',
      '08/0F server no response count',
      '08/10 server NAK count',
      '08/11 server busy count',
      '08/12 bus character overrun count',
      '08/13 iop overrun count',
    ].map((name) => result(name).data)
    assert.equal(counters, [[1], [0], [0], [4], [0], [0], [0], [0], [0]])
  })
  test('0B/0C: event counter and log agree (11 completions and 12 messages since 08/0A; the log keeps 64 events)', () => {
    // Since the clear: 08/0A itself and ten diagnostics completed (0B and 0C are not counted as
    // events); the bus saw those ten, 0B and 0C (the 08/0A message was counted, then cleared).
    assert.equal(result('0B get comm event counter'), { status: true, count: 11 })
    const log = result('0C get comm event log')
    assert.is(log.status, true)
    assert.is(log.eventCount, 11)
    assert.is(log.messageCount, 12)
    assert.is(log.events.length, 64)
    assert.is(log.events[0], 0x80, 'the newest event is the receipt of this request')
  })
  test('11: report server id: id 01, running (pymodbus keeps the run indicator byte in its identifier)', () => {
    assert.equal(result('11 report server id'), { identifier: '01ff', running: true })
  })
  test("2B/0E: device identification: basic and regular categories, and one object; VendorName 'modbridge'", () => {
    const basic = { '0': 'modbridge', '1': 'MB-SIM', '2': '0.1' }
    assert.equal(result('2B/0E read device identification basic'), { conformity: 0x82, moreFollows: 0, nextObjectId: 0, objects: basic })
    assert.equal(result('2B/0E read device identification regular').objects, {
      ...basic,
      '3': 'https://example.invalid/modbridge',
      '4': 'modbridge simulator',
      '5': 'unit 1',
    })
    assert.equal(result('2B/0E read one identification object').objects, { '4': 'modbridge simulator' })
  })
  test('18: the FIFO at 0x04DE holds 440 and 4740 (§6.18); pymodbus misreads the count and decodes none', () => {
    // byte count 6, FIFO count 2, 0x01B8, 0x1284: the spec's example. pymodbus takes the FIFO
    // count for a byte count, so its own values list is empty.
    assert.equal(result('18 read fifo queue'), { values: [], raw: '0006000201b81284' })
  })
  test('15/14: a file record written is echoed and read back', () => {
    assert.equal(result('15 write file record'), [{ file: 1, record: 3, values: [9, 16] }])
    assert.equal(result('14 read file record'), [[9, 16]])
    assert.equal(data().readFileRecord(1, 3, 2), [9, 16])
  })
  test('an address past 9999 is exception 02 for registers and coils', () => {
    assert.equal(step('03 read past the map'), { step: '03 read past the map', ok: false, exception: 2, function: 3 })
    assert.equal(step('01 read coils past the map'), { step: '01 read coils past the map', ok: false, exception: 2, function: 1 })
  })
  if (!transport.serial) {
    test('an unknown unit gets exception 0x0B (gateway target failed to respond)', () => {
      assert.equal(step('03 read from an unknown unit'), { step: '03 read from an unknown unit', ok: false, exception: 0x0b, function: 3 })
    })
  } else {
    test('a request for another unit on the line gets no answer', () => {
      const line = step('03 read from an unknown unit')
      assert.is(line.ok, false)
      assert.match(line.error ?? '', NO_RESPONSE)
    })
  }
  test('08/04: listen-only mode answers nothing, not even Restart Communications, which leaves it', () => {
    for (const name of ['08/04 force listen only mode', '03 read while listening only', '08/01 restart communications from listen only']) {
      const line = step(name)
      assert.is(line.ok, false, name)
      assert.match(line.error ?? '', NO_RESPONSE, name)
    }
    assert.equal(result('03 read after restart'), [1, 2, 3])
  })
  test.run()
}
