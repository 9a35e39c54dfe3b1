import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { interfaceBlock, LINKTYPE, packetBlockSize, sectionHeaderBlock, SNAP_LENGTH, writePacketBlock, type PacketSpec } from '../../../core/capture/pcapng.ts'
import { hex } from '../../helpers/hex.ts'

/** Checks the frame every block shares: type, and the same total length first and last. */
function block(buf: Buffer, type: number): void {
  assert.is(buf.readUInt32LE(0), type, 'block type')
  assert.is(buf.readUInt32LE(4), buf.length, 'total length at the start')
  assert.is(buf.readUInt32LE(buf.length - 4), buf.length, 'total length at the end')
  assert.is(buf.length % 4, 0, 'a multiple of 32 bits')
}

const packet = (p: PacketSpec) => {
  const buf = Buffer.alloc(packetBlockSize(p))
  assert.is(writePacketBlock(buf, 0, p), buf.length, 'written exactly its size')
  return buf
}

// ---
const shb = suite('pcapng: section header block')

shb('byte-order magic, version 1.0, unknown section length, and the application as shb_userappl', () => {
  const b = sectionHeaderBlock('mb')
  block(b, 0x0a0d0d0a)
  assert.is(
    hex(b),
    // type        | length      | magic       | 1   | 0   | section length -1       | opt 4, len 2, "mb" + pad | end
    '0a 0d 0d 0a 28 00 00 00 4d 3c 2b 1a 01 00 00 00 ff ff ff ff ff ff ff ff 04 00 02 00 6d 62 00 00 00 00 00 00 28 00 00 00',
  )
})

shb.run()

// ---
const idb = suite('pcapng: interface description block')

idb('link type, snap length, if_name, if_description and microsecond timestamps (if_tsresol 6)', () => {
  const b = interfaceBlock({ linkType: LINKTYPE.upperPdu, name: 'bus a', description: 'rtu' })
  block(b, 1)
  assert.is(b.readUInt16LE(8), 252)
  assert.is(b.readUInt32LE(12), SNAP_LENGTH)
  assert.is(hex(b.subarray(16, b.length - 4)), '02 00 05 00 62 75 73 20 61 00 00 00 03 00 03 00 72 74 75 00 09 00 01 00 06 00 00 00 00 00 00 00')
})

idb('without a description: only the name and the resolution', () => {
  const b = interfaceBlock({ linkType: LINKTYPE.ethernet, name: 'clients' })
  block(b, 1)
  assert.is(b.readUInt16LE(8), 1)
  assert.is(hex(b.subarray(16, b.length - 4)), '02 00 07 00 63 6c 69 65 6e 74 73 00 09 00 01 00 06 00 00 00 00 00 00 00')
})

idb.run()

// ---
const epb = suite('pcapng: enhanced packet block')

epb('interface, 64-bit microsecond timestamp split high/low, lengths, data padded with zeros', () => {
  const b = packet({ interfaceId: 2, timestampUs: 0x1_0000_0002, data: Buffer.from('abcde') })
  block(b, 6)
  assert.is(b.readUInt32LE(8), 2)
  assert.is(b.readUInt32LE(12), 1, 'timestamp high')
  assert.is(b.readUInt32LE(16), 2, 'timestamp low')
  assert.is(b.readUInt32LE(20), 5, 'captured length')
  assert.is(b.readUInt32LE(24), 5, 'original length')
  assert.is(hex(b.subarray(28, 36)), '61 62 63 64 65 00 00 00')
  assert.is(b.length, 40, 'no options: no end-of-options either')
})

epb('a comment and a direction: opt_comment (UTF-8, its byte length), epb_flags, end of options', () => {
  const b = packet({ interfaceId: 0, timestampUs: 1, data: Buffer.from([1, 2, 3, 4]), comment: 'é!', direction: 'inbound' })
  block(b, 6)
  assert.is(hex(b.subarray(32, b.length - 4)), '01 00 03 00 c3 a9 21 00 02 00 04 00 01 00 00 00 00 00 00 00')
  const out = packet({ interfaceId: 0, timestampUs: 1, data: Buffer.alloc(0), direction: 'outbound' })
  assert.is(out.readUInt32LE(28), 0x00040002, 'epb_flags right after the (empty) data')
  assert.is(out.readUInt32LE(32), 2, 'outbound')
})

epb('every data length pads to 32 bits, and the size the block says is the size written', () => {
  for (let n = 0; n < 9; n++) {
    for (const comment of [undefined, 'x', 'four', 'ümlaut']) {
      const b = packet({ interfaceId: 0, timestampUs: 5, data: Buffer.alloc(n, 0xaa), comment })
      block(b, 6)
    }
  }
})

epb('hostile input: a comment of 100,000 characters is cut (with an ellipsis) to fit an option; a fractional or negative timestamp is clamped', () => {
  const b = packet({ interfaceId: 0, timestampUs: -5.7, data: Buffer.alloc(1), comment: 'x'.repeat(100_000) })
  block(b, 6)
  assert.is(b.readUInt32LE(12), 0)
  assert.is(b.readUInt32LE(16), 0)
  const length = b.readUInt16LE(34)
  assert.is(length, 4000 + 3, '4000 characters and "…"')
  const c = packet({ interfaceId: 0, timestampUs: 1.6, data: Buffer.alloc(1) })
  assert.is(c.readUInt32LE(16), 2)
})

epb.run()
