import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createTcpFramer } from '../../../core/index.ts'
import { CaptureFile } from '../../../core/capture/capture-file.ts'
import { LINKTYPE } from '../../../core/capture/pcapng.ts'
import { MBTCP_PORT, TcpStreamRecorder } from '../../../core/capture/stream-recorder.ts'
import { tsharkFields, type Fields } from './tshark.ts'

const FIELDS = ['frame.interface_name', 'frame.comment', '_ws.col.Protocol', '_ws.col.Info', 'tcp.flags.str', 'tcp.len', 'modbus.func_code', 'modbus.exception_code', 'mbtcp.trans_id', 'tcp.analysis.flags', 'modbus.request_frame'] as const
const mbap = createTcpFramer()
const adu = (tid: number, pdu: string) => mbap.encode(1, Buffer.from(pdu, 'hex'), tid)
let dir: string
let packets: Fields[]

// ---
const streams = suite('stream recorder: Modbus/TCP in synthetic TCP and UDP, as tshark reads it')

streams.before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'modbridge-stream-recorder-'))
  const path = join(dir, 'streams.pcapng')
  const file = await CaptureFile.create(path)
  const eth = file.addInterface({ linkType: LINKTYPE.ethernet, name: 'tcp' })
  const udpIf = file.addInterface({ linkType: LINKTYPE.ethernet, name: 'udp' })
  const s = new TcpStreamRecorder(file, eth, { ip: 0x7f000001, port: 41000 }, { ip: 0x7f000001, port: MBTCP_PORT })
  s.open('hello')
  s.data('client', Buffer.concat([adu(1, '0300000002'), adu(2, '0400000001')]), 'two requests in one write')
  s.data('server', adu(2, '04020007'))
  s.data('server', adu(1, '830b'), 'out of order')
  s.note('server', 'nothing new to acknowledge')
  s.data('client', adu(3, '0300000001'))
  s.note('server', 'an ACK of request 3')
  s.data('client', Buffer.alloc(3000, 0x41), 'junk, longer than a segment')
  s.close('client', 'bye')
  const u = new TcpStreamRecorder(file, udpIf, { ip: 0x0a000001, port: 5000 }, { ip: 0x0a000002, port: MBTCP_PORT }, 'udp')
  u.open()
  u.data('client', adu(7, '0300000001'))
  u.data('server', adu(7, '03020001'))
  u.close('client')
  await file.close()
  packets = await tsharkFields(path, [], FIELDS)
})
streams.after(() => rmSync(dir, { recursive: true, force: true }))

streams('the TCP stream: handshake, data, a bare ACK, segments of a long write, the close — and no TCP analysis flag', () => {
  const tcp = packets.filter((p) => p['frame.interface_name'] === 'tcp')
  assert.equal(tcp.map((p) => p['tcp.len']), ['0', '0', '0', '24', '11', '9', '12', '0', '1460', '1460', '80', '0', '0', '0'])
  assert.is(tcp[2]['frame.comment'], 'hello')
  assert.is(tcp[6]['frame.comment'], 'nothing new to acknowledge', 'a note no ACK can carry goes on the next packet')
  assert.is(tcp[7]['frame.comment'], 'an ACK of request 3')
  assert.is(tcp[10]['frame.comment'], 'junk, longer than a segment', 'the note on the last segment of a write')
  assert.is(tcp[13]['frame.comment'], 'bye')
  assert.equal(tcp.map((p) => p['tcp.analysis.flags']).filter(Boolean), [])
})

streams('Modbus/TCP decodes: two requests in one segment, replies out of order, matched by transaction id', () => {
  const tcp = packets.filter((p) => p['frame.interface_name'] === 'tcp')
  assert.is(tcp[3]['modbus.func_code'], '3|4')
  assert.is(tcp[3]['mbtcp.trans_id'], '1|2')
  assert.is(tcp[4]['mbtcp.trans_id'], '2')
  assert.is(tcp[4]['modbus.request_frame'], '4')
  assert.is(tcp[5]['modbus.exception_code'], '11')
})

streams('UDP: datagrams to port 502, decoded as Modbus/UDP; open and close add nothing', () => {
  const udp = packets.filter((p) => p['frame.interface_name'] === 'udp')
  assert.is(udp.length, 2)
  assert.ok(udp.every((p) => p['_ws.col.Protocol'] === 'Modbus/UDP'))
  assert.match(udp[0]['_ws.col.Info'], /^\s*Query/)
  assert.match(udp[1]['_ws.col.Info'], /^\s*Response/)
})

streams.run()
