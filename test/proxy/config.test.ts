import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ArgumentError, encodeRequest } from '../../core/index.ts'
import { configFromCli, validateConfig } from '../../proxy/config.ts'
import { Router, type Decision } from '../../proxy/router.ts'

const config = suite('gateway configuration')

config('defaults: serial buses run one transaction at a time, TCP buses sixteen; 0x0A for unrouted units', () => {
  const c = validateConfig({ buses: { a: { address: 'rtu:///dev/ttyUSB0' }, b: { address: 'tcp://127.0.0.1:1502' } }, routes: [{ units: '1-10', bus: 'a' }] })
  assert.equal(c.buses.map((b) => [b.name, b.maxInFlight, b.timeout, b.retries, b.queueLimit]), [['a', 1, 1000, 1, 64], ['b', 16, 1000, 1, 64]])
  assert.is(c.policies.unrouted, 'gatewayPathUnavailable')
  assert.equal(c.policies.broadcast, { buses: 'all', reply: false })
  assert.is(c.listen[0].port, 502)
})

config('command-line essentials, mbusd-style: --bus name=address, --route 1-10=a, --route 20=b:1', () => {
  const c = configFromCli({ listen: ['tcp://127.0.0.1:5020'], bus: ['a=rtu:///dev/ttyUSB0?baud=19200', 'b=rtu+tcp://127.0.0.1:4001'], route: ['1-10=a', '20=b:1'], timeout: 300, retries: 2 })
  assert.equal(c.routes.map((r) => [r.from, r.to, r.bus, r.unit]), [[1, 10, 'a', undefined], [20, 20, 'b', 1]])
  assert.equal(c.buses.map((b) => [b.timeout, b.retries]), [[300, 2], [300, 2]])
})

config('errors name the bad key and why', () => {
  const cases: [unknown, string][] = [
    [{ buses: {}, routes: [] }, 'buses: at least one bus'],
    [{ buses: { a: { address: 'rtu:///d', speed: 1 } }, routes: [] }, 'buses.a.speed: unknown key'],
    [{ buses: { a: { address: 'serial:/d' } }, routes: [] }, 'buses.a.address: bad address'],
    [{ buses: { a: { address: 'rtu:///d', timeout: -1 } }, routes: [] }, 'buses.a.timeout: expected an integer'],
    [{ buses: { a: { address: 'rtu:///d' } }, routes: [{ units: '1-5', bus: 'x' }] }, 'routes[0].bus: no bus named "x"'],
    [{ buses: { a: { address: 'rtu:///d' } }, routes: [{ units: '1-5', bus: 'a' }, { units: '5-6', bus: 'a' }] }, 'routes[1].units: overlaps routes[0]'],
    [{ buses: { a: { address: 'rtu:///d' } }, routes: [{ units: '1-5', bus: 'a', unit: 3 }] }, 'remapping to one unit needs a single-unit route'],
    [{ buses: { a: { address: 'rtu:///d', maxInFlight: 2 } }, routes: [] }, 'buses.a.maxInFlight'],
    [{ listen: ['rtu:///dev/x'], buses: { a: { address: 'rtu:///d' } }, routes: [] }, 'listen[0]: the gateway listens on'],
    [{ buses: { a: { address: 'rtu:///d' } }, routes: [], policies: { unrouted: 'drop' } }, 'policies.unrouted: expected one of'],
  ]
  for (const [raw, why] of cases) {
    try {
      validateConfig(raw)
      assert.unreachable(why)
    } catch (err) {
      assert.instance(err, ArgumentError, why)
      assert.match((err as Error).message, why)
    }
  }
})
config.run()

// ---
const router = suite('router')
const r = new Router(
  validateConfig({
    buses: { a: { address: 'rtu:///a' }, b: { address: 'rtu:///b' } },
    routes: [
      { units: '1-10', bus: 'a' },
      { units: 20, bus: 'b', unit: 1, readOnly: true },
      { units: 21, bus: 'b', functions: [3] },
      { units: 22, bus: 'b', functions: ['3', '0x10', '8/0', '0x2B/0x0E'] },
    ],
    policies: { broadcast: { buses: ['a'], reply: true } },
  }),
)
const read3 = encodeRequest({ function: 'readHoldingRegisters', address: 0, quantity: 1 })
const read4 = encodeRequest({ function: 'readInputRegisters', address: 0, quantity: 1 })
const write6 = encodeRequest({ function: 'writeSingleRegister', address: 0, value: 1 })
const write10 = encodeRequest({ function: 'writeMultipleRegisters', address: 0, values: [1] })
const diag = (subFunction: number, word = 0) => encodeRequest({ function: 'diagnostics', subFunction, data: [word] })
const exceptionOf = (d: Decision) => (d.kind === 'refuse' ? d.exception : undefined)

router('a range routes to its bus with the unit unchanged; a single unit can be remapped', () => {
  assert.equal(r.decide(7, read3), { kind: 'forward', bus: 'a', unit: 7, timeout: undefined })
  assert.equal(r.decide(20, read4), { kind: 'forward', bus: 'b', unit: 1, timeout: undefined })
})
router('unrouted units get 0x0A; read-only and function filters get 01', () => {
  assert.is(exceptionOf(r.decide(11, read3)), 0x0a)
  assert.is(exceptionOf(r.decide(20, write6)), 0x01)
  assert.is(exceptionOf(r.decide(21, read4)), 0x01)
})
router('read-only is an allow-list of reads: listen-only, restart, clear counters, unknown codes and other MEI types are refused with 01', () => {
  for (const pdu of [diag(0x04), diag(0x01), diag(0x0a), diag(0x02), Buffer.from([0x41, 0, 0]), Buffer.from('2b0d0000', 'hex'), write10]) {
    assert.is(exceptionOf(r.decide(20, pdu)), 0x01, pdu.toString('hex'))
  }
  const reads = [
    read3,
    read4,
    encodeRequest({ function: 'readCoils', address: 0, quantity: 8 }),
    encodeRequest({ function: 'readDiscreteInputs', address: 0, quantity: 8 }),
    encodeRequest({ function: 'readExceptionStatus' }),
    encodeRequest({ function: 'getCommEventCounter' }),
    encodeRequest({ function: 'getCommEventLog' }),
    encodeRequest({ function: 'reportServerId' }),
    encodeRequest({ function: 'readFileRecord', records: [{ file: 1, record: 0, length: 1 }] }),
    encodeRequest({ function: 'readFifoQueue', address: 0 }),
    encodeRequest({ function: 'readDeviceIdentification', readCode: 1, objectId: 0 }),
    diag(0x00, 0x1234),
  ]
  for (const pdu of reads) assert.is(r.decide(20, pdu).kind, 'forward', pdu.toString('hex'))
})
router('function allow-lists may name sub-functions and MEI types', () => {
  assert.is(r.decide(22, read3).kind, 'forward')
  assert.is(r.decide(22, write10).kind, 'forward')
  assert.is(r.decide(22, diag(0x00, 7)).kind, 'forward')
  assert.is(exceptionOf(r.decide(22, diag(0x0b))), 0x01)
  assert.is(r.decide(22, encodeRequest({ function: 'readDeviceIdentification', readCode: 1, objectId: 0 })).kind, 'forward')
  assert.is(exceptionOf(r.decide(22, Buffer.from('2b0d0000', 'hex'))), 0x01)
})
router('a known request whose byte count disagrees with its length is refused with 03, never forwarded', () => {
  assert.is(exceptionOf(r.decide(7, Buffer.from('100000007bf60102', 'hex'))), 0x03)
  assert.is(exceptionOf(r.decide(7, Buffer.from('0300000001ff', 'hex'))), 0x03)
  // An unknown code is forwarded as it is: the bus ends its reply at silence.
  assert.is(r.decide(7, Buffer.from('410203', 'hex')).kind, 'forward')
})
router('the path comes first: a malformed request to an unrouted unit gets the unrouted policy, not 03', () => {
  const malformed = Buffer.from('030400000000', 'hex')
  assert.is(exceptionOf(r.decide(11, malformed)), 0x0a)
  const quiet = new Router(validateConfig({ buses: { a: { address: 'rtu:///a' } }, routes: [{ units: 17, bus: 'a' }], policies: { unrouted: 'ignore' } }))
  assert.is(quiet.decide(18, malformed).kind, 'drop', 'silence, as the absent device would give')
  assert.is(quiet.decide(18, read3).kind, 'drop')
  assert.is(exceptionOf(quiet.decide(17, malformed)), 0x03, 'a routed unit still gets 03')
})
router('function code 0 and 128–255 are no request: refused with 01 at once, never sent to a bus to time out', () => {
  for (const pdu of ['00', '80', '8001', 'ff0102']) assert.is(exceptionOf(r.decide(7, Buffer.from(pdu, 'hex'))), 0x01, pdu)
  assert.is(r.decide(7, Buffer.from('7f00', 'hex')).kind, 'forward', '127 is a user code, forwarded at frame level')
})
router('unit 0 is a broadcast for writes only, to the configured buses', () => {
  assert.equal(r.decide(0, write10), { kind: 'broadcast', buses: ['a'], reply: true })
  assert.is(exceptionOf(r.decide(0, read3)), 0x01)
})
router('bad allow-list entries are refused with the key named', () => {
  for (const f of ['8/x', 'read', 0, '8/0/1']) {
    try {
      validateConfig({ buses: { a: { address: 'rtu:///a' } }, routes: [{ units: 1, bus: 'a', functions: [f] }] })
      assert.unreachable(`accepted ${JSON.stringify(f)}`)
    } catch (err) {
      assert.instance(err, ArgumentError)
      assert.match((err as Error).message, 'routes[0].functions[0]')
    }
  }
})
router.run()
