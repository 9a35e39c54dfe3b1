import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ArgumentError } from '../../core/index.ts'
import { loadConfig, validateConfig } from '../../proxy/config.ts'

const test = suite('gateway configuration: TLS, access lists, roles, the monitor\'s authentication')
const bus = { a: { address: 'rtu:///dev/ttyUSB0' } }
const routes = [{ units: '1-10', bus: 'a' }]

test('a listener as an object: tls:// with the same keys as the address grammar, access lists and a default role', () => {
  const c = validateConfig(
    {
      listen: [
        'tcp://127.0.0.1:502?allow=127.0.0.1',
        { address: 'tls://0.0.0.0', cert: 'server.pem', key: 'server.key', ca: '/etc/plant/ca.pem', min: '1.3', allow: ['10.0.0.0/8', 'fd00::/8'], deny: '10.0.0.13', defaultRole: 'viewer' },
        'tls://[::1]:8802?cert=s.pem&key=s.key&ca=ca.pem',
      ],
      buses: bus,
      routes,
      roles: { viewer: { readOnly: true } },
    },
    '/srv/gateway',
  )
  assert.equal(c.listen[0], { kind: 'tcp', host: '127.0.0.1', port: 502, access: { allow: ['127.0.0.1'] } })
  assert.equal(c.listen[1], {
    kind: 'tls',
    host: '0.0.0.0',
    port: 802,
    tls: { cert: '/srv/gateway/server.pem', key: '/srv/gateway/server.key', ca: '/etc/plant/ca.pem', minVersion: 'TLSv1.3' },
    access: { allow: ['10.0.0.0/8', 'fd00::/8'], deny: ['10.0.0.13'] },
    defaultRole: 'viewer',
  })
  assert.equal(c.listen[2].tls, { cert: '/srv/gateway/s.pem', key: '/srv/gateway/s.key', ca: '/srv/gateway/ca.pem' }, 'query paths are taken from the file\'s folder too')
})

test('a tls:// bus with its client certificate; a Modbus TCP-sized queue (16 in flight)', () => {
  const c = validateConfig({ buses: { plc: { address: 'tls://10.0.0.7', cert: 'gw.pem', key: 'gw.key', ca: 'ca.pem', servername: 'plc-7' } }, routes: [{ units: 1, bus: 'plc' }] }, '/cfg')
  assert.equal(c.buses[0].address, { kind: 'tls', host: '10.0.0.7', port: 802, tls: { cert: '/cfg/gw.pem', key: '/cfg/gw.key', ca: '/cfg/ca.pem', servername: 'plc-7' } })
  assert.is(c.buses[0].maxInFlight, 16)
})

test('roles: gateway-wide and per route, with functions, sub-functions, read-only and unit ranges', () => {
  const c = validateConfig({
    buses: bus,
    roles: { operator: {}, viewer: { readOnly: true } },
    defaultRole: 'viewer',
    routes: [{ units: '1-10', bus: 'a', allow: ['10.1.0.0/16'], roles: { tech: { functions: [3, '8/0'], units: ['1-5', 9] } } }],
  })
  assert.equal([...c.roles!.entries()], [['operator', { readOnly: false }], ['viewer', { readOnly: true }]])
  assert.is(c.defaultRole, 'viewer')
  assert.equal(c.routes[0].access, { allow: ['10.1.0.0/16'] })
  assert.equal(c.routes[0].roles!.get('tech'), { readOnly: false, functions: [{ code: 3 }, { code: 8, sub: 0 }], units: [[1, 5], [9, 9]] })
  assert.is(c.routes[0].roles!.get('constructor'), undefined, 'a Map: no prototype member is a role')
})

test('the monitor: "host:port", or an object with a token (or token file), HTTPS and client certificates', () => {
  const dir = mkdtempSync(join(tmpdir(), 'modbridge-config-'))
  try {
    writeFileSync(join(dir, 'monitor.token'), 'f00dfeedf00dfeedf00dfeed\n')
    assert.equal(validateConfig({ buses: bus, routes, monitor: '127.0.0.1:8020' }).monitor, { host: '127.0.0.1', port: 8020 })
    const m = validateConfig({ buses: bus, routes, monitor: { address: '0.0.0.0:8443', tokenFile: 'monitor.token', cert: 's.pem', key: 's.key', ca: 'ca.pem' } }, dir).monitor
    assert.equal(m, { host: '0.0.0.0', port: 8443, token: 'f00dfeedf00dfeedf00dfeed', tls: { mutual: true, cert: join(dir, 's.pem'), key: join(dir, 's.key'), ca: join(dir, 'ca.pem') } })
    assert.equal(validateConfig({ buses: bus, routes, monitor: { address: '[::1]:8020', token: 'a-long-enough-token' } }).monitor, { host: '::1', port: 8020, token: 'a-long-enough-token' })
  } finally {
    rmSync(dir, { recursive: true })
  }
})

test('loadConfig takes relative paths from the configuration file\'s folder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'modbridge-config-'))
  try {
    writeFileSync(join(dir, 'gateway.json'), JSON.stringify({ listen: [{ address: 'tls://127.0.0.1:802', cert: 'certs/server.pem', key: 'certs/server.key', ca: 'certs/ca.pem' }], buses: bus, routes }))
    assert.is(loadConfig(join(dir, 'gateway.json')).listen[0].tls?.cert, join(dir, 'certs/server.pem'))
  } finally {
    rmSync(dir, { recursive: true })
  }
})

test('errors name the bad key and why', () => {
  const cases: [unknown, string][] = [
    [{ listen: [{ address: 'tcp://127.0.0.1:502', cert: 'x.pem' }], buses: bus, routes }, 'listen[0].cert: TLS settings apply to tls:// addresses only'],
    [{ listen: [{ address: 'tls://127.0.0.1', mutual: 'no' }], buses: bus, routes }, 'listen[0].mutual: expected true or false'],
    [{ listen: [{ address: 'tls://127.0.0.1', min: '1.0' }], buses: bus, routes }, 'listen[0].min: min 1.0 is not 1.2 or 1.3'],
    [{ listen: [{ address: 'tls://127.0.0.1', allow: ['plc.local'] }], buses: bus, routes }, 'listen[0].allow[0]: access list entry "plc.local" is not an IP address or CIDR block'],
    [{ listen: [{ adress: 'tls://127.0.0.1' }], buses: bus, routes }, 'listen[0].adress: unknown key'],
    [{ listen: ['rtu:///dev/x'], buses: bus, routes }, 'listen[0]: the gateway listens on tcp://, tls://, udp:// or rtu+tcp://'],
    [{ buses: { a: { address: 'rtu:///d', cert: 'x.pem' } }, routes }, 'buses.a.cert: TLS settings apply to tls:// addresses only'],
    [{ buses: { a: { address: 'tcp://127.0.0.1:502?allow=10.0.0.1' } }, routes }, 'buses.a.address: allow= and deny= apply to listeners'],
    [{ buses: bus, routes: [{ units: 1, bus: 'a', deny: [7] }] }, 'routes[0].deny[0]: expected an address or CIDR block string'],
    [{ buses: bus, routes: [{ units: 1, bus: 'a', roles: { viewer: { readonly: true } } }] }, 'routes[0].roles.viewer.readonly: unknown key'],
    [{ buses: bus, routes: [{ units: 1, bus: 'a', roles: { viewer: { units: '5-1' } } }] }, 'routes[0].roles.viewer.units: expected an integer 5..255'],
    [{ buses: bus, routes, roles: { viewer: { functions: 3 } } }, 'roles.viewer.functions: expected an array of function codes'],
    [{ buses: bus, routes, roles: { viewer: {} }, defaultRole: 'veiwer' }, 'defaultRole: no roles map names "veiwer" (roles: viewer)'],
    [{ listen: [{ address: 'tls://127.0.0.1', defaultRole: 'guest' }], buses: bus, routes, roles: { viewer: {} } }, 'listen[0].defaultRole: no roles map names "guest"'],
    [{ buses: bus, routes, monitor: { address: '0.0.0.0:8020', token: 'short' } }, 'monitor.token: a token is at least 16 characters'],
    [{ buses: bus, routes, monitor: { address: '0.0.0.0:8020', tokenFile: '/nonexistent/token' } }, 'monitor.tokenFile: cannot read /nonexistent/token'],
    [{ buses: bus, routes, monitor: { address: '0.0.0.0:8020', cert: 's.pem' } }, 'monitor: HTTPS needs both cert and key'],
    [{ buses: bus, routes, monitor: { address: '0.0.0.0:8020', password: 'x' } }, 'monitor.password: unknown key'],
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

test.run()
