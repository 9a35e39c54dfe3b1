import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { encodeRequest } from '../../core/index.ts'
import { describePrincipal } from '../../proxy/access.ts'
import { validateConfig } from '../../proxy/config.ts'
import { Router, type Decision, type Principal } from '../../proxy/router.ts'

const read3 = encodeRequest({ function: 'readHoldingRegisters', address: 0, quantity: 1 })
const write6 = encodeRequest({ function: 'writeSingleRegister', address: 0, value: 1 })
const diag = (sub: number) => encodeRequest({ function: 'diagnostics', subFunction: sub, data: [0] })

const router = new Router(
  validateConfig({
    buses: { a: { address: 'rtu:///a' }, b: { address: 'rtu:///b' }, c: { address: 'rtu:///c' } },
    roles: { operator: {}, viewer: { readOnly: true }, tech: { functions: [3, '8/0'], units: ['1-5', 9] } },
    routes: [
      { units: '1-10', bus: 'a' },
      { units: 20, bus: 'b', roles: { engineer: {} } },
      { units: 30, bus: 'b', allow: ['10.0.0.0/8', 'fd00::/8'], deny: ['10.0.0.13'] },
      { units: 40, bus: 'c', roles: { operator: { units: '0-40' } } },
    ],
    policies: { broadcast: { buses: ['c'], reply: true } },
  }),
)

const op: Principal = { address: '127.0.0.1', role: 'operator', subject: 'CN=operator-1, O=plant' }
const viewer: Principal = { address: '127.0.0.1', role: 'viewer', subject: 'CN=viewer-1, O=plant' }
const tech: Principal = { address: '127.0.0.1', role: 'tech' }
const nobody: Principal = { address: '127.0.0.1', remote: '127.0.0.1:5020' }

/** One case: who, unit, request, and either 'forward' or the reason's expected words. */
function run(name: string, who: Principal | undefined, unit: number, pdu: Buffer, expected: 'forward' | 'broadcast' | string): void {
  const test = suite(`router guard: ${name}`)
  test(`unit ${unit}, ${pdu.toString('hex')}: ${expected}`, () => {
    const d: Decision = router.decide(unit, pdu, who)
    if (expected === 'forward' || expected === 'broadcast') return assert.is(d.kind, expected, JSON.stringify(d))
    assert.is(d.kind, 'refuse')
    if (d.kind !== 'refuse') return
    assert.is(d.exception, 0x01)
    assert.is(d.denied, true)
    assert.match(d.reason, expected)
  })
  test.run()
}

run('gateway-wide roles: the operator writes', op, 3, write6, 'forward')
run('gateway-wide roles: the viewer reads', viewer, 3, read3, 'forward')
run('gateway-wide roles: the viewer may not write', viewer, 3, write6, '"CN=viewer-1, O=plant" (role viewer) may only read unit 3 (writeSingleRegister is a write request)')
run('gateway-wide roles: the viewer may not restart the device (08/01 is control, not a read)', viewer, 3, diag(0x01), 'may only read unit 3')
run('functions with sub-functions: the technician may send 08/00', tech, 4, diag(0x00), 'forward')
run('functions with sub-functions: not 08/0A', tech, 4, diag(0x0a), 'may not use diagnostics/0x0A on unit 4')
run('functions: not 06', tech, 4, write6, 'may not use writeSingleRegister')
run('units: the technician reaches 9', tech, 9, read3, 'forward')
run('units: but not 7', tech, 7, read3, 'role tech) may not reach unit 7')
run('an unknown role gets nothing', { address: '127.0.0.1', role: 'intruder' }, 3, read3, 'role intruder) has no permission for unit 3')
run('no role on a role-governed route', nobody, 3, read3, 'the client at 127.0.0.1:5020 (no role) may not reach unit 3: it is open to roles operator, viewer, tech')
run('no principal at all (an internal call) is refused on a guarded route', undefined, 3, read3, 'no role')
run('route roles replace the gateway-wide ones: the operator has none on unit 20', op, 20, read3, 'has no permission for unit 20')
run('route roles: the engineer has everything on unit 20', { address: '::1', role: 'engineer' }, 20, write6, 'forward')
run('route access list: 10.1.2.3 passes', { address: '10.1.2.3', role: 'viewer' }, 30, read3, 'forward')
run('route access list: 10.0.0.13 is denied', { address: '10.0.0.13', role: 'operator' }, 30, read3, '10.0.0.13 is denied by the access list of the route of unit 30')
run('route access list: IPv6 fd00::/8 passes', { address: 'fd00::7', role: 'viewer' }, 30, read3, 'forward')
run('route access list: 127.0.0.1 is outside', op, 30, read3, '127.0.0.1 is not in the allow list of the route of unit 30')
run('route access list: an IPv4-mapped address is matched as IPv4', { address: '::ffff:10.9.9.9', role: 'viewer' }, 30, read3, 'forward')
run('route access list and roles together: the viewer at 10.1.2.3 may still not write', { address: '10.1.2.3', role: 'viewer' }, 30, write6, 'may only read unit 30')
run('broadcast: allowed when every guarded route on its buses admits it (unit range 0-40)', op, 0, write6, 'broadcast')
run('broadcast: the viewer may not (route 40 gives it nothing)', viewer, 0, write6, 'role viewer) has no permission for a broadcast')

const open = suite('router guard: a gateway with no roles and no access lists is not guarded')
open('no principal, any request: forwarded as before', () => {
  const r = new Router(validateConfig({ buses: { a: { address: 'rtu:///a' } }, routes: [{ units: '1-10', bus: 'a' }] }))
  assert.equal(r.decide(5, write6), { kind: 'forward', bus: 'a', unit: 5, timeout: undefined })
  assert.is(r.decide(0, write6).kind, 'broadcast')
})
open('broadcast needs unit 0 (or no unit limit) in the role\'s permission on every guarded route it reaches', () => {
  const r = new Router(
    validateConfig({
      buses: { a: { address: 'rtu:///a' } },
      routes: [{ units: '1-40', bus: 'a', roles: { operator: { units: '1-40' } } }],
    }),
  )
  assert.is(r.decide(7, write6, op).kind, 'forward')
  const d = r.decide(0, write6, op)
  assert.is(d.kind === 'refuse' && d.reason, '"CN=operator-1, O=plant" (role operator) may not reach a broadcast')
})
open('describing who: subject first, else the address, always the role', () => {
  assert.is(describePrincipal(op), '"CN=operator-1, O=plant" (role operator)')
  assert.is(describePrincipal({ address: '::1' }), 'the client at ::1 (no role)')
  assert.is(describePrincipal({}), 'a client with no role')
})
open.run()
