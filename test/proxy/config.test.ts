import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ArgumentError } from '../../core/index.ts'
import { configFromCli, validateConfig } from '../../proxy/config.ts'
import { Router } from '../../proxy/router.ts'

const config = suite('gateway configuration')

config('defaults: serial buses run one transaction at a time, TCP buses four; 0x0A for unrouted units', () => {
  const c = validateConfig({ buses: { a: { address: 'rtu:///dev/ttyUSB0' }, b: { address: 'tcp://127.0.0.1:1502' } }, routes: [{ units: '1-10', bus: 'a' }] })
  assert.equal(c.buses.map((b) => [b.name, b.maxInFlight, b.timeout, b.retries, b.queueLimit]), [['a', 1, 1000, 1, 64], ['b', 4, 1000, 1, 64]])
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
    routes: [{ units: '1-10', bus: 'a' }, { units: 20, bus: 'b', unit: 1, readOnly: true }, { units: 21, bus: 'b', functions: [3] }],
    policies: { broadcast: { buses: ['a'], reply: true } },
  }),
)

router('a range routes to its bus with the unit unchanged; a single unit can be remapped', () => {
  assert.equal(r.decide(7, 3), { kind: 'forward', bus: 'a', unit: 7, timeout: undefined })
  assert.equal(r.decide(20, 4), { kind: 'forward', bus: 'b', unit: 1, timeout: undefined })
})
router('unrouted units get 0x0A; read-only and function filters get 01', () => {
  assert.is((r.decide(11, 3) as { exception: number }).exception, 0x0a)
  assert.is((r.decide(20, 6) as { exception: number }).exception, 0x01)
  assert.is((r.decide(21, 4) as { exception: number }).exception, 0x01)
})
router('unit 0 is a broadcast for writes only, to the configured buses', () => {
  assert.equal(r.decide(0, 0x10), { kind: 'broadcast', buses: ['a'], reply: true })
  assert.is((r.decide(0, 3) as { exception: number }).exception, 0x01)
})
router.run()
