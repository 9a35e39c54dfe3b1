import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ArgumentError, formatAddress, parseAddress } from '../../../core/index.ts'
import { framerKindOf } from '../../../core/transport/address.ts'

const test = suite('address grammar')

test('network addresses: tcp, udp, rtu+tcp, IPv6 in brackets, default port 502', () => {
  assert.equal(parseAddress('tcp://127.0.0.1:5020'), { kind: 'tcp', host: '127.0.0.1', port: 5020 })
  assert.equal(parseAddress('udp://localhost'), { kind: 'udp', host: 'localhost', port: 502 })
  assert.equal(parseAddress('rtu+tcp://[::1]:4001'), { kind: 'rtu+tcp', host: '::1', port: 4001 })
  assert.is(formatAddress(parseAddress('rtu+tcp://[::1]:4001')), 'rtu+tcp://[::1]:4001')
})

test('serial defaults follow SL §2.5: 19200 8E1 for RTU, 7 data bits for ASCII, 2 stop bits without parity', () => {
  assert.equal(parseAddress('rtu:///dev/ttyUSB0'), { kind: 'rtu', path: '/dev/ttyUSB0', baud: 19200, parity: 'even', stopBits: 1, dataBits: 8, rts: false })
  assert.is((parseAddress('ascii:///dev/ttyS0') as { dataBits: number }).dataBits, 7)
  assert.is((parseAddress('rtu:///dev/ttyS0?parity=N') as { stopBits: number }).stopBits, 2)
  assert.is(formatAddress(parseAddress('binary:///dev/ttyS1?baud=9600&parity=O&stop=2&rts=1')), 'binary:///dev/ttyS1?baud=9600&parity=O&stop=2&data=8&rts=1')
})

test('each address names its framer', () => {
  assert.equal(['tcp://h:1', 'udp://h:1', 'rtu+tcp://h:1', 'rtu:///d', 'ascii:///d', 'binary:///d'].map((a) => framerKindOf(parseAddress(a))), ['tcp', 'tcp', 'rtu', 'rtu', 'ascii', 'binary'])
})

test('a bad address gets a clear error that shows the grammar', () => {
  for (const [text, why] of [
    ['serial:/dev/x', 'no scheme'],
    ['modbus://h:1', 'unknown scheme'],
    ['tcp://h:99999', 'outside 0..65535'],
    ['rtu://dev/x', 'device path'],
    ['rtu:///dev/x?baud=12345', 'baud 12345'],
    ['rtu:///dev/x?parity=X', 'parity X'],
    ['rtu:///dev/x?speed=9600', 'unknown option'],
    ['rtu:///dev/x?data=7', 'RTU needs 8 data bits'],
  ]) {
    try {
      parseAddress(text)
      assert.unreachable(text)
    } catch (err) {
      assert.instance(err, ArgumentError)
      assert.match((err as Error).message, why)
      assert.match((err as Error).message, 'tcp://host:port')
    }
  }
})
test.run()
