/**
 * Synthetic Ethernet II / IPv4 / TCP and UDP frames around a payload, so a capture of Modbus/TCP
 * opens in Wireshark as ordinary traffic: real checksums, a MAC address derived from each IP
 * address (locally administered 02:00:a.b.c.d), no IP options, no TCP options.
 *
 *   Ethernet: dst mac 6 | src mac 6 | ethertype u16 = 0x0800
 *   IPv4 (RFC 791): 0x45 | tos | total length u16 | id u16 | flags+offset u16 = DF | ttl | protocol |
 *                   header checksum u16 | src u32 | dst u32
 *   TCP (RFC 9293): src port | dst port | seq u32 | ack u32 | data offset 5 | flags | window u16 |
 *                   checksum u16 | urgent u16
 *   UDP (RFC 768):  src port | dst port | length u16 | checksum u16
 */

/** An IPv4 address (as a 32-bit number) and a port. */
export interface Endpoint {
  ip: number
  port: number
}

/** TCP flag bits. */
export const TCP_FLAGS = { fin: 0x01, syn: 0x02, psh: 0x08, ack: 0x10 } as const

const ETHERNET_HEADER = 14
const IPV4_HEADER = 20
const TCP_HEADER = 20
const UDP_HEADER = 8
const PROTOCOL_TCP = 6
const PROTOCOL_UDP = 17
const TTL = 64
const WINDOW = 0xffff

/** Bytes of headers in front of a TCP payload. */
export const TCP_OVERHEAD = ETHERNET_HEADER + IPV4_HEADER + TCP_HEADER
/** Largest payload of one synthetic segment (an Ethernet MTU of 1500). */
export const MAX_SEGMENT = 1500 - IPV4_HEADER - TCP_HEADER

const DOTTED = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/

/** The IPv4 address in `text` (dotted, or IPv4-mapped IPv6 as ::ffff:a.b.c.d), or undefined. */
export function parseIpv4(text: string): number | undefined {
  const m = DOTTED.exec(text.replace(/^::ffff:/i, ''))
  if (!m) return undefined
  const parts = m.slice(1).map(Number)
  if (parts.some((p) => p > 255)) return undefined
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0
}

/** Dotted text of an IPv4 address. */
export function formatIpv4(ip: number): string {
  return `${ip >>> 24}.${(ip >>> 16) & 0xff}.${(ip >>> 8) & 0xff}.${ip & 0xff}`
}

/** An address from four octets. */
export function ipv4Of(a: number, b: number, c: number, d: number): number {
  return (((a & 0xff) << 24) | ((b & 0xff) << 16) | ((c & 0xff) << 8) | (d & 0xff)) >>> 0
}

/** One's-complement sum of 16-bit words of `buf[start..end)`, added to `sum` (not folded). */
function sum16(buf: Buffer, start: number, end: number, sum: number): number {
  let i = start
  for (; i + 1 < end; i += 2) sum += buf.readUInt16BE(i)
  if (i < end) sum += buf[i] << 8
  return sum
}

function fold(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000)
  return ~sum & 0xffff
}

function writeEthernetIpv4(buf: Buffer, src: number, dst: number, protocol: number, ipLength: number, id: number): number {
  buf.writeUInt16BE(0x0200, 0)
  buf.writeUInt32BE(dst, 2)
  buf.writeUInt16BE(0x0200, 6)
  buf.writeUInt32BE(src, 8)
  buf.writeUInt16BE(0x0800, 12)
  const ip = ETHERNET_HEADER
  buf[ip] = 0x45
  buf[ip + 1] = 0
  buf.writeUInt16BE(ipLength, ip + 2)
  buf.writeUInt16BE(id & 0xffff, ip + 4)
  buf.writeUInt16BE(0x4000, ip + 6)
  buf[ip + 8] = TTL
  buf[ip + 9] = protocol
  buf.writeUInt16BE(0, ip + 10)
  buf.writeUInt32BE(src, ip + 12)
  buf.writeUInt32BE(dst, ip + 16)
  buf.writeUInt16BE(fold(sum16(buf, ip, ip + IPV4_HEADER, 0)), ip + 10)
  return ip + IPV4_HEADER
}

/** Sum of the pseudo header the TCP and UDP checksums cover. */
function pseudoHeaderSum(src: number, dst: number, protocol: number, length: number): number {
  return (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + protocol + length
}

/** A TCP segment in an Ethernet frame: `payload[start..end)` (none for a bare SYN, ACK or FIN). */
export function tcpFrame(src: Endpoint, dst: Endpoint, seq: number, ack: number, flags: number, id: number, payload?: Buffer, start = 0, end = payload?.length ?? 0): Buffer {
  const length = end - start
  const buf = Buffer.allocUnsafe(TCP_OVERHEAD + length)
  const tcp = writeEthernetIpv4(buf, src.ip, dst.ip, PROTOCOL_TCP, IPV4_HEADER + TCP_HEADER + length, id)
  buf.writeUInt16BE(src.port, tcp)
  buf.writeUInt16BE(dst.port, tcp + 2)
  buf.writeUInt32BE(seq >>> 0, tcp + 4)
  buf.writeUInt32BE(flags & TCP_FLAGS.ack ? ack >>> 0 : 0, tcp + 8)
  buf[tcp + 12] = 5 << 4
  buf[tcp + 13] = flags
  buf.writeUInt16BE(WINDOW, tcp + 14)
  buf.writeUInt32BE(0, tcp + 16)
  if (payload) payload.copy(buf, tcp + TCP_HEADER, start, end)
  const sum = sum16(buf, tcp, tcp + TCP_HEADER + length, pseudoHeaderSum(src.ip, dst.ip, PROTOCOL_TCP, TCP_HEADER + length))
  buf.writeUInt16BE(fold(sum), tcp + 16)
  return buf
}

/** A UDP datagram in an Ethernet frame. */
export function udpFrame(src: Endpoint, dst: Endpoint, id: number, payload: Buffer): Buffer {
  const length = UDP_HEADER + payload.length
  const buf = Buffer.allocUnsafe(ETHERNET_HEADER + IPV4_HEADER + length)
  const udp = writeEthernetIpv4(buf, src.ip, dst.ip, PROTOCOL_UDP, IPV4_HEADER + length, id)
  buf.writeUInt16BE(src.port, udp)
  buf.writeUInt16BE(dst.port, udp + 2)
  buf.writeUInt16BE(length, udp + 4)
  buf.writeUInt16BE(0, udp + 6)
  payload.copy(buf, udp + UDP_HEADER)
  const sum = fold(sum16(buf, udp, udp + length, pseudoHeaderSum(src.ip, dst.ip, PROTOCOL_UDP, length)))
  // A computed UDP checksum of 0 is sent as 0xFFFF (0 means "none").
  buf.writeUInt16BE(sum === 0 ? 0xffff : sum, udp + 6)
  return buf
}
