/**
 * modbridge's server (the default device, unit 1) driven by `mbpoll` (libmodbus) over TCP on
 * 127.0.0.1 and over RTU (19200 8E1) on a socat PTY pair. Every run polls once (-1) with 0-based
 * references (-0); the tests assert the values mbpoll prints and cross-check writes against the
 * server's datastore.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { buildDevices, createServer, defaultDeviceFile, type SimulatedDevices } from '../../core/index.ts'
import { ptyPair } from '../helpers/pty.ts'
import { mbpoll, requireMbpoll, setUp, type MbpollResult } from './helpers.ts'

interface Line {
  name: string
  serial: boolean
  start(onClose: (close: () => unknown) => void): Promise<{ devices: SimulatedDevices; connection: string[] }>
}

const tcp: Line = {
  name: 'mbpoll over TCP',
  serial: false,
  async start(onClose) {
    await requireMbpoll()
    const devices = buildDevices(defaultDeviceFile([1]))
    const server = createServer('tcp://127.0.0.1:0', { context: devices.context })
    onClose(() => server.close())
    const port = new URL(await server.listen()).port
    return { devices, connection: ['-m', 'tcp', '-p', port, '127.0.0.1'] }
  },
}

const rtu: Line = {
  name: 'mbpoll over RTU on a PTY (19200 8E1)',
  serial: true,
  async start(onClose) {
    await requireMbpoll()
    const pty = await ptyPair()
    onClose(pty.close)
    const devices = buildDevices(defaultDeviceFile([1]))
    const server = createServer(`rtu://${pty.a}?baud=19200&parity=E`, { context: devices.context })
    onClose(() => server.close())
    await server.listen()
    return { devices, connection: ['-m', 'rtu', '-b', '19200', '-P', 'even', pty.b] }
  },
}

for (const line of [tcp, rtu]) {
  const test = suite(`modbridge server ↔ ${line.name}`)
  const ctx = setUp(test, line.start)

  /** `mbpoll -1 -0 -a UNIT ...args CONNECTION ...values`. */
  const poll = (args: string[], values: string[] = [], unit = 1): Promise<MbpollResult> =>
    mbpoll(['-1', '-0', '-a', String(unit), ...args, ...ctx().connection, ...values])
  /** Asserts a clean exit and returns the printed values. */
  const ok = (r: MbpollResult): Record<number, number> => {
    assert.is(r.code, 0, `mbpoll failed:\n${r.stdout}\n${r.stderr}`)
    return r.values
  }
  const data = () => ctx().devices.units.get(1)!.data

  test('-t 3: input register N holds N', async () => {
    assert.equal(ok(await poll(['-t', '3', '-r', '10', '-c', '3'])), { 10: 10, 11: 11, 12: 12 })
  })
  test('-t 1: discrete input N is on when N is odd', async () => {
    assert.equal(ok(await poll(['-t', '1', '-r', '0', '-c', '4'])), { 0: 0, 1: 1, 2: 0, 3: 1 })
  })
  test('-t 4: holding registers start at 0', async () => {
    assert.equal(ok(await poll(['-t', '4', '-r', '0', '-c', '3'])), { 0: 0, 1: 0, 2: 0 })
  })
  test('-t 4 with values: three registers written (65535 included) are read back', async () => {
    const written = await poll(['-t', '4', '-r', '5'], ['11', '300', '65535'])
    ok(written)
    assert.match(written.stdout, /Written 3 references/)
    assert.equal(data().readRegisters('holdingRegisters', 5, 3), [11, 300, 65535])
    assert.equal(ok(await poll(['-t', '4', '-r', '4', '-c', '5'])), { 4: 0, 5: 11, 6: 300, 7: 65535, 8: 0 })
  })
  test('-t 4 with one value: a single register written is read back (-t 4:hex prints 0x1234)', async () => {
    ok(await poll(['-t', '4', '-r', '20'], ['4660']))
    assert.equal(data().readRegisters('holdingRegisters', 20, 1), [4660])
    const hex = await poll(['-t', '4:hex', '-r', '19', '-c', '2'])
    ok(hex)
    assert.match(hex.stdout, /\[19\]:\s+0x0000\s*\n\[20\]:\s+0x1234\s*\n/)
  })
  test('-t 0: coils start off; three written (1 0 1) are read back', async () => {
    assert.equal(ok(await poll(['-t', '0', '-r', '0', '-c', '4'])), { 0: 0, 1: 0, 2: 0, 3: 0 })
    const written = await poll(['-t', '0', '-r', '2'], ['1', '0', '1'])
    ok(written)
    assert.match(written.stdout, /Written 3 references/)
    assert.equal(data().readBits('coils', 0, 6), [false, false, true, false, true, false])
    assert.equal(ok(await poll(['-t', '0', '-r', '0', '-c', '6'])), { 0: 0, 1: 0, 2: 1, 3: 0, 4: 1, 5: 0 })
  })
  test('a read past the map: mbpoll reports the illegal data address exception', async () => {
    const r = await poll(['-t', '4', '-r', '9999', '-c', '2'])
    assert.is(r.code, 1)
    assert.match(r.stderr, /Read output \(holding\) register failed: Illegal data address/)
    assert.equal(r.values, {})
  })
  if (!line.serial) {
    test('an unknown unit: mbpoll reports exception 0x0B (target device failed to respond)', async () => {
      const r = await poll(['-t', '4', '-r', '0'], [], 9)
      assert.is(r.code, 1)
      assert.match(r.stderr, /Target device failed to respond/)
    })
  } else {
    test('-u: report server id gives id 0x01 and run status on', async () => {
      const r = await poll(['-u'])
      ok(r)
      assert.match(r.stdout, /Id\s*: 0x01\s*\n\s*Status\s*: On/)
    })
    test('a request for another unit on the line gets no answer: mbpoll times out', async () => {
      const r = await poll(['-t', '4', '-r', '0', '-o', '0.2'], [], 9)
      assert.is(r.code, 1)
      assert.match(r.stderr, /Connection timed out/)
    })
  }
  test.run()
}
