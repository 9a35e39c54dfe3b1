import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ArgumentError } from '../../../core/errors.ts'
import type { UnitData } from '../../../core/datastore/types.ts'
import { encodeResponse } from '../../../core/pdu/codec.ts'
import { createDevice, DEFAULT_IDENTITY } from '../../../core/device/device.ts'
import { DeviceIdentity } from '../../../core/device/identity.ts'
import { SerialDiagnostics } from '../../../core/device/diagnostics.ts'

/** The smallest UnitData: ten zero registers and bits. */
const data: UnitData = {
  readBits: (_table, _address, quantity) => new Array<boolean>(quantity).fill(false),
  readRegisters: (_table, _address, quantity) => new Array<number>(quantity).fill(0),
  writeBits: () => undefined,
  writeRegisters: () => undefined,
}

function thrown(fn: () => unknown): unknown {
  try {
    fn()
  } catch (err) {
    return err
  }
  return assert.unreachable('expected a throw')
}

// ---

const device = suite('createDevice')

device('defaults: modbridge identity, server id 01, running, exception status 0, fresh diagnostics', () => {
  const d = createDevice({ data })
  assert.is(d.data, data)
  assert.equal(
    d.identity.read(1, 0).objects.map((o) => o.value),
    ['modbridge', 'MB-SIM', '0.1'],
  )
  assert.is(d.serverId.toString('hex'), '01')
  assert.is(d.running, true)
  assert.is(d.exceptionStatus(), 0)
  assert.instance(d.diagnostics, SerialDiagnostics)
  assert.is(d.diagnostics.listenOnly, false)
})

device('a partial identity is laid over the defaults, so the basic objects stay', () => {
  const d = createDevice({ data, identity: { 1: 'PUMP-7', 4: 'Pump', 0x80: 'serial 42' } })
  const res = d.identity.read(3, 0)
  assert.is(res.conformity, 0x83)
  assert.equal(res.objects, [
    { id: 0, value: DEFAULT_IDENTITY[0] },
    { id: 1, value: 'PUMP-7' },
    { id: 2, value: '0.1' },
    { id: 4, value: 'Pump' },
    { id: 0x80, value: 'serial 42' },
  ])
})

device('a ready IdentityModel is used as it is', () => {
  const identity = new DeviceIdentity({ 0: 'v', 1: 'p', 2: 'r' })
  assert.is(createDevice({ data, identity }).identity, identity)
})

device('identity errors surface at creation', () => {
  assert.instance(thrown(() => createDevice({ data, identity: { 0x10: 'reserved' } })), ArgumentError)
})

device('serverId from a hex string or a Buffer (copied), and the run indicator', () => {
  const source = Buffer.from([0xde, 0xad])
  const d = createDevice({ data, serverId: source, running: false })
  source[0] = 0
  assert.is(d.serverId.toString('hex'), 'dead')
  assert.is(d.running, false)
  assert.is(createDevice({ data, serverId: 'AB CD 01' }).serverId.toString('hex'), 'abcd01')
  const reply = encodeResponse({ function: 'reportServerId', data: d.serverId.toString('hex') + '00' })
  assert.is(reply.toString('hex'), '1103dead00')
})

device('additional data follows the run indicator (§6.13) and counts toward the response limit', () => {
  const d = createDevice({ data, serverId: 'b4', additionalData: Buffer.from('LMB3.1.12') })
  assert.is(d.additionalData.toString(), 'LMB3.1.12')
  assert.instance(thrown(() => createDevice({ data, serverId: Buffer.alloc(200), additionalData: Buffer.alloc(51) })), ArgumentError)
})

device('serverId must be whole hex bytes and fit a Report Server ID response (250 bytes)', () => {
  assert.instance(thrown(() => createDevice({ data, serverId: 'abc' })), ArgumentError)
  assert.instance(thrown(() => createDevice({ data, serverId: 'zz' })), ArgumentError)
  assert.is(createDevice({ data, serverId: Buffer.alloc(250) }).serverId.length, 250)
  assert.instance(thrown(() => createDevice({ data, serverId: Buffer.alloc(251) })), ArgumentError)
})

device('exceptionStatus calls the supplier and refuses values outside one byte', () => {
  let status = 0x5a
  const d = createDevice({ data, exceptionStatus: () => status })
  assert.is(d.exceptionStatus(), 0x5a)
  status = 0x100
  assert.instance(thrown(() => d.exceptionStatus()), ArgumentError)
})

device('each device gets its own diagnostics unless one is passed', () => {
  const a = createDevice({ data })
  const b = createDevice({ data })
  a.diagnostics.frameSeen()
  assert.is.not(a.diagnostics, b.diagnostics)
  assert.is(b.diagnostics.diagnostics({ function: 'diagnostics', subFunction: 0x0b, data: [0] })?.data[0], 0)
  const shared = new SerialDiagnostics()
  assert.is(createDevice({ data, diagnostics: shared }).diagnostics, shared)
})

device('data is required', () => {
  assert.instance(thrown(() => createDevice({} as never)), ArgumentError)
})

device.run()
