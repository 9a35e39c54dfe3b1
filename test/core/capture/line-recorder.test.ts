import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createAsciiFramer, createRtuFramer } from '../../../core/index.ts'
import { CaptureFile } from '../../../core/capture/capture-file.ts'
import { LineRecorder, RTU_CAPTURE_PORT } from '../../../core/capture/line-recorder.ts'
import { LINKTYPE } from '../../../core/capture/pcapng.ts'
import { RTU_PORT_OPTION, tsharkFields, type Fields } from './tshark.ts'

const FIELDS = ['frame.comment', 'frame.packet_flags_direction', 'exported_pdu.ipv4_src', 'exported_pdu.ipv4_dst', 'exported_pdu.src_port', 'exported_pdu.dst_port', '_ws.col.Protocol', '_ws.col.Info', 'modbus.func_code', 'modbus.exception_code', 'modbus.request_frame'] as const
const pdu = (h: string) => Buffer.from(h.replace(/ /g, ''), 'hex')
let dir: string
let packets: Fields[]
let plain: Fields[]

// ---
const line = suite('line recorder: a serial line\'s frames as exported PDUs, addressed per unit')

line.before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'modbridge-line-recorder-'))
  const path = join(dir, 'line.pcapng')
  const file = await CaptureFile.create(path)
  const rtu = new LineRecorder(file, file.addInterface({ linkType: LINKTYPE.upperPdu, name: 'rtu' }), 'rtu', 3)
  const ascii = new LineRecorder(file, file.addInterface({ linkType: LINKTYPE.upperPdu, name: 'ascii' }), 'ascii', 4)
  const enc = createRtuFramer({ expect: 'request' })
  const frame = (unit: number, p: string) => ({ unit, pdu: pdu(p) })
  rtu.record({ direction: 'request', raw: enc.encode(9, pdu('06 00 01 00 03')), frame: frame(9, '06 00 01 00 03') })
  rtu.record({ direction: 'reply', raw: enc.encode(9, pdu('06 00 01 00 03')), frame: frame(9, '06 00 01 00 03') })
  rtu.record({ direction: 'request', raw: enc.encode(9, pdu('05 00 01 ff 00')), frame: frame(9, '05 00 01 ff 00') })
  rtu.record({ direction: 'reply', raw: enc.encode(9, pdu('85 03')), frame: frame(9, '85 03'), note: 'stray: late' })
  rtu.record({ direction: 'reply', raw: pdu('de ad be ef 00'), note: 'framing error: garbage' })
  rtu.record({ direction: 'request', raw: enc.encode(9, pdu('11')), frame: frame(9, '11') })
  rtu.record({ direction: 'reply', raw: enc.encode(9, pdu('11 02 aa ff')), frame: frame(9, '11 02 aa ff') })
  const a = createAsciiFramer()
  ascii.record({ direction: 'request', raw: a.encode(2, pdu('03 00 00 00 01')) })
  ascii.record({ direction: 'reply', raw: a.encode(2, pdu('83 02')) })
  await file.close()
  packets = await tsharkFields(path, RTU_PORT_OPTION, FIELDS)
  plain = await tsharkFields(path, [], FIELDS)
})
line.after(() => rmSync(dir, { recursive: true, force: true }))

line('requests go from the master (10.n.255.254) to the unit (10.n.0.u, port 8502); replies come back; garbage from 10.n.254.0', () => {
  assert.equal(packets.slice(0, 5).map((p) => `${p['exported_pdu.ipv4_src']}:${p['exported_pdu.src_port']}>${p['exported_pdu.ipv4_dst']}:${p['exported_pdu.dst_port']}`), [
    `10.3.255.254:50000>10.3.0.9:${RTU_CAPTURE_PORT}`,
    `10.3.0.9:${RTU_CAPTURE_PORT}>10.3.255.254:50000`,
    `10.3.255.254:50000>10.3.0.9:${RTU_CAPTURE_PORT}`,
    `10.3.0.9:${RTU_CAPTURE_PORT}>10.3.255.254:50000`,
    `10.3.254.0:${RTU_CAPTURE_PORT}>10.3.255.254:50000`,
  ])
  assert.equal(packets.map((p) => p['frame.packet_flags_direction']), ['2', '1', '2', '1', '1', '2', '1', '2', '1'].map((d) => `0x0000000${d}`))
})

line('with mbrtu.tcp.port:8502 every frame is a query or a response, matched, with its function and exception code', () => {
  assert.equal(packets.map((p) => `${/^\s*(\w+)/.exec(p['_ws.col.Info'])?.[1] ?? '-'} ${p['modbus.func_code'] || '-'}/${p['modbus.exception_code'] || '-'}`), [
    'Query 6/-', 'Response 6/-', 'Query 5/-', 'Response 5/3', '- -/-', 'Query 17/-', 'Response 17/-', 'Query 3/-', 'Response 3/2',
  ])
  assert.is(packets[1]['modbus.request_frame'], '1')
  assert.is(packets[3]['frame.comment'], 'stray: late')
  assert.match(packets[4]['frame.comment'], /^framing error: garbage; not an RTU frame/)
})

line('a 4-byte request goes to port 502 as Modbus/TCP; ASCII frames are RTU frames with the text in the comment', () => {
  assert.is(packets[5]['_ws.col.Protocol'], 'Modbus/TCP')
  assert.is(packets[5]['exported_pdu.dst_port'], '502')
  assert.is(packets[6]['_ws.col.Protocol'], 'Modbus RTU')
  assert.ok(packets.slice(7).every((p) => p['_ws.col.Protocol'] === 'Modbus RTU' && /^ASCII on the wire/.test(p['frame.comment'])))
  assert.is(packets[7]['exported_pdu.ipv4_dst'], '10.4.0.2')
})

line('opened with no option: the same frames decode, with the same function and exception codes', () => {
  assert.equal(plain.map((p) => `${p['modbus.func_code'] || '-'}/${p['modbus.exception_code'] || '-'}`), packets.map((p) => `${p['modbus.func_code'] || '-'}/${p['modbus.exception_code'] || '-'}`))
})

line.run()
