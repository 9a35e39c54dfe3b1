import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { checkCrc16, createAsciiFramer, createBinaryFramer, createRtuFramer } from '../../../core/index.ts'
import { rtuFrameOf, serialRecord } from '../../../core/capture/serial-frames.ts'
import { hex } from '../../helpers/hex.ts'

const pdu = (h: string) => Buffer.from(h.replace(/ /g, ''), 'hex')
const rtu = createRtuFramer({ expect: 'request' })

// ---
const records = suite('serial frames: what a capture records for a frame of a line')

records('rtuFrameOf: unit, PDU and a CRC that checks (the spec example 01 03 00 6b 00 03 → 74 17)', () => {
  const f = rtuFrameOf(1, pdu('03 00 6b 00 03'))
  assert.is(hex(f), '01 03 00 6b 00 03 74 17')
  assert.ok(checkCrc16(f, 0, f.length - 2))
})

records('an RTU frame is recorded byte for byte for mbrtu, with or without the framer\'s word for it', () => {
  const raw = rtu.encode(7, pdu('03 00 00 00 02'))
  assert.equal(serialRecord('rtu', raw, { unit: 7, pdu: pdu('03 00 00 00 02') }), { dissector: 'mbrtu', bytes: raw, unit: 7, note: undefined })
  assert.equal(serialRecord('rtu', raw), { dissector: 'mbrtu', bytes: raw, unit: 7, note: undefined })
})

records('frames mbrtu refuses — unit 0, or under 5 bytes — become Modbus/TCP (tid 0) for mbtcp, the RTU bytes in the note', () => {
  const short = rtu.encode(1, pdu('07'))
  const r = serialRecord('rtu', short)
  assert.is(r.dissector, 'mbtcp')
  assert.is(hex(r.bytes), '00 00 00 00 00 02 01 07')
  assert.match(r.note!, `RTU frame ${hex(short)} shown as Modbus/TCP (Wireshark's Modbus RTU dissector skips frames shorter than 5 bytes)`)
  const broadcast = serialRecord('rtu', rtu.encode(0, pdu('06 00 01 00 03')), { unit: 0, pdu: pdu('06 00 01 00 03') })
  assert.is(hex(broadcast.bytes), '00 00 00 00 00 06 00 06 00 01 00 03')
  assert.match(broadcast.note!, /skips frames for unit 0/)
})

records('hostile bytes: garbage, a bad CRC, a frame cut short are data, byte for byte, with what is wrong', () => {
  const bad = Buffer.from(rtu.encode(1, pdu('03 00 00 00 02')))
  bad[bad.length - 1] ^= 0xff
  assert.equal(serialRecord('rtu', bad), { dissector: 'data', bytes: bad, note: 'not an RTU frame: its CRC does not check' })
  assert.equal(serialRecord('rtu', pdu('ff 01')), { dissector: 'data', bytes: pdu('ff 01'), note: 'not an RTU frame: too short' })
})

records('ASCII: the RTU frame of the same unit and PDU for mbrtu, the ASCII text in the note; decoded here when the framer did not', () => {
  const raw = createAsciiFramer().encode(17, pdu('03 00 6b 00 03'))
  for (const r of [serialRecord('ascii', raw), serialRecord('ascii', raw, { unit: 17, pdu: pdu('03 00 6b 00 03') })]) {
    assert.is(r.dissector, 'mbrtu')
    assert.is(hex(r.bytes), hex(rtuFrameOf(17, pdu('03 00 6b 00 03'))))
    assert.is(r.note, 'ASCII on the wire, shown as RTU: ":1103006B00037E\\r\\n"')
  }
})

records('ASCII that forms no frame (bad LRC, two frames, noise) is data with the text', () => {
  const good = createAsciiFramer().encode(1, pdu('03 00 00 00 01'))
  const badLrc = Buffer.from(good)
  badLrc[badLrc.length - 3] = 0x30
  for (const raw of [badLrc, Buffer.concat([good, good]), Buffer.from('hello')]) {
    const r = serialRecord('ascii', raw)
    assert.is(r.dissector, 'data')
    assert.match(r.note!, /^ASCII bytes that form no frame: "/)
  }
})

records('Binary: shown as RTU, the wire bytes in hex in the note', () => {
  const raw = createBinaryFramer().encode(2, pdu('04 00 01 00 02'))
  const r = serialRecord('binary', raw)
  assert.is(r.dissector, 'mbrtu')
  assert.is(hex(r.bytes), hex(rtuFrameOf(2, pdu('04 00 01 00 02'))))
  assert.is(r.note, `Binary on the wire, shown as RTU: ${hex(raw)}`)
})

records.run()
