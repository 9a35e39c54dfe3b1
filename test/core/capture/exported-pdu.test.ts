import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { exportedPdu } from '../../../core/capture/exported-pdu.ts'
import { hex } from '../../helpers/hex.ts'

// ---
const tags = suite('exported pdu: the tags in front of the payload')

tags('the dissector name, NUL-terminated and padded, its length counting the padding; then the end tag and the payload', () => {
  assert.is(hex(exportedPdu('mbrtu', Buffer.from([1, 2]))), '00 0c 00 08 6d 62 72 74 75 00 00 00 00 00 00 00 01 02')
  assert.is(hex(exportedPdu('data', Buffer.alloc(0))), '00 0c 00 08 64 61 74 61 00 00 00 00 00 00 00 00', '"data" needs its NUL: 8 bytes')
})

tags('with addresses: IPv4 source and destination, port type TCP, source and destination ports, big-endian', () => {
  const b = exportedPdu('mbtcp', Buffer.from([9]), { ip: 0x0a01fffe, port: 50000 }, { ip: 0x0a010001, port: 502 })
  assert.is(
    hex(b.subarray(12)),
    '00 14 00 04 0a 01 ff fe 00 15 00 04 0a 01 00 01 00 18 00 04 00 00 00 02 00 19 00 04 00 00 c3 50 00 1a 00 04 00 00 01 f6 00 00 00 00 09',
  )
})

tags.run()
