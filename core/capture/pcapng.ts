/**
 * pcapng blocks (draft-ietf-opsawg-pcapng): Section Header, Interface Description and Enhanced
 * Packet blocks, little-endian (the byte-order magic tells readers), with the options a capture of
 * Modbus traffic uses. Every encoder sizes its block first and allocates once.
 *
 * Block:   type u32 | total length u32 | body | options | total length u32
 * Option:  code u16 | length u16 | value, padded to 32 bits;  the list ends with code 0, length 0
 */

/** Link types a modbridge capture declares (tcpdump.org link-layer header types). */
export const LINKTYPE = {
  /** IEEE 802.3 Ethernet: the synthetic Ethernet/IPv4/TCP frames of Modbus/TCP. */
  ethernet: 1,
  /** Wireshark's exported PDUs: each packet names the dissector for its payload (mbrtu for RTU frames). */
  upperPdu: 252,
} as const

/** A link type a capture interface can carry. */
export type LinkType = (typeof LINKTYPE)[keyof typeof LINKTYPE]

const SHB_TYPE = 0x0a0d0d0a
const IDB_TYPE = 0x00000001
const EPB_TYPE = 0x00000006
const BYTE_ORDER_MAGIC = 0x1a2b3c4d

const OPT_END = 0
const OPT_COMMENT = 1
const SHB_USERAPPL = 4
const IF_NAME = 2
const IF_DESCRIPTION = 3
const IF_TSRESOL = 9
const EPB_FLAGS = 2

/** Longest option text kept, in UTF-16 units (at most 3 bytes each: within an option's 65535); the rest is cut. */
const MAX_OPTION_CHARS = 4000

/** Packets are never cut: the capture length of every interface. */
export const SNAP_LENGTH = 262144

/** Direction of a packet relative to the interface (epb_flags bits 0-1). */
export type PacketDirection = 'inbound' | 'outbound'

/** One capture interface: a side of the gateway, a bus, a target. */
export interface InterfaceSpec {
  linkType: LinkType
  /** Short name (if_name), e.g. "clients" or "bus a". */
  name: string
  /** What it carries and how to read it (if_description). */
  description?: string
}

const pad4 = (n: number) => (n + 3) & ~3

/** A string option's value, cut to what an option can hold. */
function optionText(text: string): string {
  return text.length <= MAX_OPTION_CHARS ? text : `${text.slice(0, MAX_OPTION_CHARS)}…`
}

const textOptionSize = (text: string) => 4 + pad4(Buffer.byteLength(text))

/** Writes one string option at `at`; returns the offset after its padding. */
function writeTextOption(buf: Buffer, at: number, code: number, text: string): number {
  const length = buf.write(text, at + 4, 'utf8')
  buf.writeUInt16LE(code, at)
  buf.writeUInt16LE(length, at + 2)
  const end = at + 4 + pad4(length)
  buf.fill(0, at + 4 + length, end)
  return end
}

function writeEnd(buf: Buffer, at: number): number {
  buf.writeUInt32LE(OPT_END, at)
  return at + 4
}

/**
 * Section Header Block, naming the application that wrote the file.
 *
 *   magic u32 | major u16 = 1 | minor u16 = 0 | section length i64 = -1 (unknown) | options
 */
export function sectionHeaderBlock(application: string): Buffer {
  const app = optionText(application)
  const total = 12 + 16 + textOptionSize(app) + 4
  const buf = Buffer.alloc(total)
  buf.writeUInt32LE(SHB_TYPE, 0)
  buf.writeUInt32LE(total, 4)
  buf.writeUInt32LE(BYTE_ORDER_MAGIC, 8)
  buf.writeUInt16LE(1, 12)
  buf.writeUInt16LE(0, 14)
  buf.writeBigInt64LE(-1n, 16)
  const end = writeEnd(buf, writeTextOption(buf, 24, SHB_USERAPPL, app))
  buf.writeUInt32LE(total, end)
  return buf
}

/**
 * Interface Description Block; timestamps of its packets are in microseconds (if_tsresol 6).
 *
 *   link type u16 | reserved u16 | snap length u32 | options
 */
export function interfaceBlock(spec: InterfaceSpec): Buffer {
  const name = optionText(spec.name)
  const description = spec.description === undefined ? undefined : optionText(spec.description)
  const total = 12 + 8 + textOptionSize(name) + (description === undefined ? 0 : textOptionSize(description)) + 8 + 4
  const buf = Buffer.alloc(total)
  buf.writeUInt32LE(IDB_TYPE, 0)
  buf.writeUInt32LE(total, 4)
  buf.writeUInt16LE(spec.linkType, 8)
  buf.writeUInt16LE(0, 10)
  buf.writeUInt32LE(SNAP_LENGTH, 12)
  let at = writeTextOption(buf, 16, IF_NAME, name)
  if (description !== undefined) at = writeTextOption(buf, at, IF_DESCRIPTION, description)
  buf.writeUInt16LE(IF_TSRESOL, at)
  buf.writeUInt16LE(1, at + 2)
  buf.writeUInt32LE(6, at + 4)
  at = writeEnd(buf, at + 8)
  buf.writeUInt32LE(total, at)
  return buf
}

/** A packet to record. */
export interface PacketSpec {
  /** Index of its interface, in the order the interfaces were described. */
  interfaceId: number
  /** Microseconds since 1970-01-01 UTC. */
  timestampUs: number
  data: Buffer
  /** opt_comment: whose frame this is, why it is odd. */
  comment?: string
  direction?: PacketDirection
}

/** Bytes the Enhanced Packet Block of `p` takes. */
export function packetBlockSize(p: PacketSpec): number {
  const options = (p.comment === undefined ? 0 : textOptionSize(optionText(p.comment))) + (p.direction === undefined ? 0 : 8)
  return 12 + 20 + pad4(p.data.length) + (options > 0 ? options + 4 : 0)
}

/**
 * Writes the Enhanced Packet Block of `p` at `at` (packetBlockSize(p) bytes, passed as `total`
 * by a caller that already sized it); returns the offset after it.
 *
 *   interface id u32 | timestamp high u32 | timestamp low u32 | captured length u32 |
 *   original length u32 | data, padded | options
 */
export function writePacketBlock(buf: Buffer, at: number, p: PacketSpec, total = packetBlockSize(p)): number {
  const ts = Math.max(0, Math.round(p.timestampUs))
  buf.writeUInt32LE(EPB_TYPE, at)
  buf.writeUInt32LE(total, at + 4)
  buf.writeUInt32LE(p.interfaceId, at + 8)
  buf.writeUInt32LE(Math.floor(ts / 0x100000000), at + 12)
  buf.writeUInt32LE(ts % 0x100000000, at + 16)
  buf.writeUInt32LE(p.data.length, at + 20)
  buf.writeUInt32LE(p.data.length, at + 24)
  p.data.copy(buf, at + 28)
  let o = at + 28 + p.data.length
  const padded = at + 28 + pad4(p.data.length)
  buf.fill(0, o, padded)
  o = padded
  if (p.comment !== undefined || p.direction !== undefined) {
    if (p.comment !== undefined) o = writeTextOption(buf, o, OPT_COMMENT, optionText(p.comment))
    if (p.direction !== undefined) {
      buf.writeUInt16LE(EPB_FLAGS, o)
      buf.writeUInt16LE(4, o + 2)
      buf.writeUInt32LE(p.direction === 'inbound' ? 1 : 2, o + 4)
      o += 8
    }
    o = writeEnd(buf, o)
  }
  buf.writeUInt32LE(total, o)
  return o + 4
}
