import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ArgumentError } from '../../../core/index.ts'
import { checkAccessEntry, compileAccessList, parseAccessEntries } from '../../../core/transport/access-list.ts'

const test = suite('access list: allow and deny by address or CIDR, IPv4 and IPv6')

/** One case: the lists, an address, and whether it passes. */
function run(allow: string[] | undefined, deny: string[] | undefined, address: string, passes: boolean): void {
  test(`${JSON.stringify({ allow, deny })}: ${address} ${passes ? 'passes' : 'is refused'}`, () => {
    const why = compileAccessList({ allow, deny }, 'listener tcp://127.0.0.1:502').refusal(address)
    if (passes) assert.is(why, undefined)
    else assert.match(why ?? '', address)
  })
}

run(['127.0.0.1'], undefined, '127.0.0.1', true)
run(['127.0.0.1'], undefined, '127.0.0.2', false)
run(['127.0.0.0/8'], undefined, '127.255.0.9', true)
run(['10.0.0.0/8'], undefined, '11.0.0.1', false)
run(['10.0.0.0/8'], ['10.0.0.13'], '10.0.0.13', false)
run(['10.0.0.0/8'], ['10.0.0.13'], '10.0.0.14', true)
run(undefined, ['127.0.0.2'], '127.0.0.1', true)
run(undefined, ['127.0.0.2'], '127.0.0.2', false)
run(['::1'], undefined, '::1', true)
run(['::1'], undefined, '127.0.0.1', false)
run(['127.0.0.1'], undefined, '::1', false)
run(['fd00::/8'], undefined, 'fd12:3456::7', true)
run(['fd00::/8'], undefined, 'fe80::1', false)
// What a dual-stack listener reports for an IPv4 client: matched against IPv4 entries.
run(['127.0.0.1'], undefined, '::ffff:127.0.0.1', true)
run(undefined, ['127.0.0.0/8'], '::ffff:127.0.0.9', false)
run([], [], '192.0.2.1', true)

test('a deny entry wins over an allow entry that also matches, and the refusal names the list', () => {
  const why = compileAccessList({ allow: ['127.0.0.0/8'], deny: ['127.0.0.3'] }, 'the route of unit 5').refusal('127.0.0.3')
  assert.is(why, '127.0.0.3 is denied by the access list of the route of unit 5')
  assert.is(compileAccessList({ allow: ['127.0.0.1'] }, 'x').refusal('127.0.0.2'), '127.0.0.2 is not in the allow list of x')
})

test('entries: addresses and CIDR blocks are accepted; anything else is an ArgumentError that shows examples', () => {
  assert.equal(parseAccessEntries('10.0.0.0/8, ::1,fd00::/8,'), ['10.0.0.0/8', '::1', 'fd00::/8'])
  for (const bad of ['plc.local', '10.0.0.0/33', '::1/129', '10.0.0.0/', '10.0.0.0/8x', '300.1.1.1', '*']) {
    try {
      checkAccessEntry(bad)
      assert.unreachable(bad)
    } catch (err) {
      assert.instance(err, ArgumentError)
      assert.match((err as Error).message, 'CIDR')
    }
  }
})

test('an address the socket could not report is refused, not passed', () => {
  assert.match(compileAccessList({ deny: ['10.0.0.1'] }, 'x').refusal('?') ?? '', 'cannot check')
})

test.run()
