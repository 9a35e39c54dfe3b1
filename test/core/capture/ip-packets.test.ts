import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { formatIpv4, ipv4Of, MAX_SEGMENT, parseIpv4, TCP_FLAGS, TCP_OVERHEAD, tcpFrame, udpFrame } from '../../../core/capture/ip-packets.ts'
import { hex } from '../../helpers/hex.ts'

/** The one's-complement sum of 16-bit words, folded (a header that carries its checksum sums to 0xFFFF). */
function sum(parts: Buffer[]): number {
  const all = Buffer.concat(parts)
  let s = 0
  for (let i = 0; i < all.length; i += 2) s += (all[i] << 8) | (all[i + 1] ?? 0)
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16)
  return s
}

function pseudo(frame: Buffer, protocol: number, length: number): Buffer {
  const p = Buffer.alloc(12)
  frame.copy(p, 0, 26, 34)
  p[9] = protocol
  p.writeUInt16BE(length, 10)
  return p
}

const client = { ip: parseIpv4('127.0.0.1')!, port: 40001 }
const server = { ip: parseIpv4('10.1.2.3')!, port: 502 }

// ---
const addresses = suite('ip packets: IPv4 addresses')

for (const [text, value] of [
  ['127.0.0.1', 0x7f000001],
  ['10.1.2.3', 0x0a010203],
  ['255.255.255.255', 0xffffffff],
  ['::ffff:192.168.0.9', 0xc0a80009],
  ['::FFFF:1.2.3.4', 0x01020304],
] as const) {
  addresses(`${text} is ${value.toString(16)}`, () => {
    assert.is(parseIpv4(text), value)
    assert.is(formatIpv4(value), text.replace(/^::ffff:/i, ''))
  })
}

for (const text of ['::1', '256.1.1.1', '1.2.3', '1.2.3.4.5', 'localhost', '', ' 1.2.3.4']) {
  addresses(`${JSON.stringify(text)} is no IPv4 address`, () => assert.is(parseIpv4(text), undefined))
}

addresses('ipv4Of builds from octets', () => assert.is(formatIpv4(ipv4Of(10, 3, 255, 254)), '10.3.255.254'))

addresses.run()

// ---
const tcp = suite('ip packets: Ethernet / IPv4 / TCP')

tcp('headers: MACs from the addresses, IPv4 with DF and TTL 64, TCP data offset 5, the flags and numbers given', () => {
  const f = tcpFrame(client, server, 0x11223344, 0x55667788, TCP_FLAGS.psh | TCP_FLAGS.ack, 7, Buffer.from('0102', 'hex'))
  assert.is(f.length, TCP_OVERHEAD + 2)
  assert.is(hex(f.subarray(0, 14)), '02 00 0a 01 02 03 02 00 7f 00 00 01 08 00')
  assert.is(hex(f.subarray(14, 24)), '45 00 00 2a 00 07 40 00 40 06')
  assert.is(hex(f.subarray(26, 34)), '7f 00 00 01 0a 01 02 03')
  assert.is(hex(f.subarray(34, 48)), '9c 41 01 f6 11 22 33 44 55 66 77 88 50 18')
  assert.is(hex(f.subarray(54)), '01 02')
})

tcp('checksums: the IPv4 header and the TCP segment (with its pseudo header) verify, for odd and even payloads', () => {
  for (const n of [0, 1, 2, 7, 260]) {
    const f = tcpFrame(client, server, 1, 2, TCP_FLAGS.ack, 1, Buffer.alloc(n, 0xa5))
    assert.is(sum([f.subarray(14, 34)]), 0xffff, `IPv4 header, payload ${n}`)
    assert.is(sum([pseudo(f, 6, 20 + n), f.subarray(34)]), 0xffff, `TCP, payload ${n}`)
  }
})

tcp('a slice of the payload; no ACK flag: acknowledgement number 0', () => {
  const f = tcpFrame(client, server, 9, 1234, TCP_FLAGS.syn, 1, Buffer.from('abcdef'), 2, 4)
  assert.is(f.subarray(54).toString(), 'cd')
  assert.is(f.readUInt32BE(42), 0)
  assert.ok(MAX_SEGMENT <= 1460)
})

tcp.run()

// ---
const udp = suite('ip packets: Ethernet / IPv4 / UDP')

udp('length and checksum (with its pseudo header) verify', () => {
  for (const n of [0, 1, 12, 261]) {
    const f = udpFrame(client, server, 3, Buffer.alloc(n, n))
    assert.is(f[23], 17, 'protocol UDP')
    assert.is(f.readUInt16BE(38), 8 + n, 'UDP length')
    assert.is(sum([f.subarray(14, 34)]), 0xffff)
    assert.is(sum([pseudo(f, 17, 8 + n), f.subarray(34)]), 0xffff)
  }
})

udp.run()
