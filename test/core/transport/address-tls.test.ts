import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ArgumentError, formatAddress, parseAddress as parseAny, type NetworkAddress } from '../../../core/index.ts'
import { framerKindOf } from '../../../core/transport/address.ts'

const parseAddress = (text: string) => parseAny(text) as NetworkAddress

const test = suite('address grammar: tls:// (Modbus/TCP Security) and access lists')

test('tls://host defaults to port 802 and speaks MBAP; the query keys become its TLS settings', () => {
  assert.equal(parseAddress('tls://127.0.0.1'), { kind: 'tls', host: '127.0.0.1', port: 802, tls: {} })
  assert.equal(parseAddress('tls://127.0.0.1:802?cert=server.pem&key=server.key&ca=ca.pem'), {
    kind: 'tls',
    host: '127.0.0.1',
    port: 802,
    tls: { cert: 'server.pem', key: 'server.key', ca: 'ca.pem' },
  })
  assert.equal(parseAddress('tls://[::1]:8802?ca=/etc/plant/ca.pem&mutual=0&min=1.3&servername=plc-7.plant').tls, {
    ca: '/etc/plant/ca.pem',
    mutual: false,
    minVersion: 'TLSv1.3',
    servername: 'plc-7.plant',
  })
  assert.is(framerKindOf(parseAddress('tls://h')), 'tcp')
})

test('allow and deny on any network address: comma lists, repeatable, IPv4 and IPv6', () => {
  assert.equal(parseAddress('tcp://0.0.0.0:502?allow=10.0.0.0/8,::1&deny=10.0.0.13&allow=fd00::/8'), {
    kind: 'tcp',
    host: '0.0.0.0',
    port: 502,
    access: { allow: ['10.0.0.0/8', '::1', 'fd00::/8'], deny: ['10.0.0.13'] },
  })
  assert.equal(parseAddress('udp://[::]:502?deny=::1').access, { deny: ['::1'] })
  assert.equal(parseAddress('tls://0.0.0.0?cert=s.pem&key=s.key&ca=ca.pem&allow=127.0.0.1').access, { allow: ['127.0.0.1'] })
})

test('formatAddress gives back text that parses to the same address', () => {
  for (const text of [
    'tls://127.0.0.1:802?cert=server.pem&key=server.key&ca=ca.pem',
    'tls://[::1]:802?ca=ca.pem&mutual=0&min=1.3&servername=plc',
    'tcp://0.0.0.0:502?allow=10.0.0.0/8,::1&deny=10.0.0.13',
    'tcp://127.0.0.1:502',
  ]) {
    assert.is(formatAddress(parseAddress(text)), text)
    assert.equal(parseAddress(formatAddress(parseAddress(text))), parseAddress(text))
  }
})

test('a bad tls:// or access option gets an error that shows the grammar', () => {
  for (const [text, why] of [
    ['tls://h:802?cert=', 'cert names no file'],
    ['tls://h:802?mutual=yes', 'mutual yes is not 0 or 1'],
    ['tls://h:802?min=1.1', 'TLS versions below 1.2 are not allowed'],
    ['tls://h:802?certificate=x', 'unknown option "certificate" (allow, deny, cert, key, ca, mutual, min, servername)'],
    ['tcp://h:502?cert=x.pem', 'unknown option "cert" (allow, deny)'],
    ['tcp://h:502?allow=plc.local', 'not an IP address or CIDR block'],
    ['tcp://h:502?deny=10.0.0.0/40', 'not an IP address or CIDR block'],
  ]) {
    try {
      parseAddress(text)
      assert.unreachable(text)
    } catch (err) {
      assert.instance(err, ArgumentError)
      assert.match((err as Error).message, why)
      assert.match((err as Error).message, 'tls://host:802?cert=')
    }
  }
})

test.run()
