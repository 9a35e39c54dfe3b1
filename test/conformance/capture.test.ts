import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { buildDevices, checkCrc16, createServer, defaultDeviceFile, type ModbusServer } from '../../core/index.ts'
import type { ConformanceReport } from '../../conformance/report.ts'
import { hostileDevice, seededBehaviors, type HostileDevice } from '../helpers/hostile-device.ts'
import { ptyPair, type PtyPair } from '../helpers/pty.ts'
import { runCli, type CliResult } from '../helpers/run-cli.ts'
import { RTU_PORT_OPTION, tsharkFields, type Fields } from '../core/capture/tshark.ts'

const FIELDS = [
  'frame.number',
  'frame.interface_name',
  'frame.comment',
  '_ws.col.Info',
  'modbus.func_code',
  'modbus.exception_code',
  'tcp.srcport',
  'tcp.dstport',
  'tcp.payload',
  'exported_pdu.prot_name',
  'exported_pdu.dst_port',
  'exported_pdu.exported_pdu',
  'tcp.analysis.flags',
] as const

const unspaced = (hex: string) => hex.replace(/ /g, '')
const caseOf = (p: Fields) => /^case (\d+)/.exec(p['frame.comment'])?.[1]

/** The packets of each case: from the one its first request byte went in, up to the next case's. */
function byCase(packets: Fields[]): Map<number, Fields[]> {
  const out = new Map<number, Fields[]>()
  let current: Fields[] | undefined
  for (const p of packets) {
    const n = caseOf(p)
    if (n !== undefined) out.set(Number(n), (current = []))
    current?.push(p)
  }
  return out
}

// ---
const tcp = suite('conformance run --capture against a Modbus TCP target: every byte sent and received, decoded by tshark')
let dir: string
let server: ModbusServer
let run: CliResult
let report: ConformanceReport
let packets: Fields[]

tcp.before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'modbridge-conformance-capture-'))
  server = createServer('tcp://127.0.0.1:0', { context: buildDevices(defaultDeviceFile([1])).context })
  const target = await server.listen()
  const out = join(dir, 'report')
  run = await runCli(['conformance', 'run', '--target', target, '--unit', '1', '--only', '03,06,2b', '--out', out, '--capture', join(out, 'run.pcapng')], 120_000)
  report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as ConformanceReport
  packets = await tsharkFields(join(out, 'run.pcapng'), [], FIELDS)
})
tcp.after(async () => {
  await server.close()
  rmSync(dir, { recursive: true, force: true })
})

tcp('the run finishes, says where the capture is, and the report links it relative to its folder', () => {
  assert.ok(run.code === 0 || run.code === 1, `exit ${run.code}: ${run.stderr}`)
  assert.is(report.capture, 'run.pcapng')
  assert.match(run.stdout, /capture: .*run\.pcapng \(\d+ packets; open it with: wireshark /)
  assert.ok(packets.length > 0)
  assert.ok(packets.every((p) => p['frame.interface_name'] === `target ${report.target.address}`))
})

tcp('every request of every case went out as sent: the case\'s client segments carry exactly its bytes', () => {
  const cases = byCase(packets)
  let checked = 0
  report.cases.forEach((c, i) => {
    if (c.request === null) return
    const sent = (cases.get(i) ?? []).filter((p) => p['tcp.dstport'] === '502').map((p) => p['tcp.payload']).join('')
    assert.is(sent, unspaced(c.request), `${c.id} (case ${i})`)
    checked++
  })
  assert.ok(checked > 20, `${checked} cases with a request`)
})

tcp('every reply a case saw is in the capture, from the device, within that case', () => {
  const cases = byCase(packets)
  let checked = 0
  report.cases.forEach((c, i) => {
    if (c.actual.hex === null || c.request === null) return
    const received = (cases.get(i) ?? []).filter((p) => p['tcp.srcport'] === '502').map((p) => p['tcp.payload'])
    assert.ok(received.includes(unspaced(c.actual.hex)), `${c.id} (case ${i}): ${c.actual.hex}`)
    checked++
  })
  assert.ok(checked > 10, `${checked} replies`)
})

tcp('tshark decodes every well-formed frame as Modbus/TCP with the function and exception code its bytes carry', () => {
  let queries = 0
  let responses = 0
  for (const p of packets) {
    const b = Buffer.from(p['tcp.payload'], 'hex')
    // Requests malformed on purpose (a PDU cut short) are shown as Wireshark's "Malformed Packet", as they should be.
    const wellFormed = b.length >= 8 && b.readUInt16BE(2) === 0 && b.readUInt16BE(4) === b.length - 6 && !/Malformed/.test(p['_ws.col.Info'])
    if (!wellFormed) continue
    assert.is(p['modbus.func_code'], String(b[7] & 0x7f), `frame ${p['frame.number']} (${p['tcp.payload']})`)
    assert.is(p['modbus.exception_code'], b[7] & 0x80 ? String(b[8]) : '', `frame ${p['frame.number']}: exception code`)
    if (/^\s*Query/.test(p['_ws.col.Info'])) queries++
    if (/^\s*Response/.test(p['_ws.col.Info'])) responses++
  }
  assert.ok(queries > 20 && responses > 20, `${queries} queries, ${responses} responses`)
  assert.ok(packets.some((p) => p['modbus.exception_code'] !== ''), 'exception replies among them')
})

tcp('each connection the runner opened and closed is a handshake and a close, with no TCP analysis flag', () => {
  const opens = packets.filter((p) => /^connection \d+/.test(p['frame.comment'])).length
  const closes = packets.filter((p) => /closed the connection$/.test(p['frame.comment'])).length
  assert.ok(opens > 1, `${opens} connections`)
  assert.is(closes, opens)
  assert.equal(packets.filter((p) => p['tcp.analysis.flags'] !== '').map((p) => p['frame.number']), [])
})

tcp.run()

// ---
const rtu = suite('conformance run --capture against a hostile RTU device on a PTY: requests, replies, late and duplicate replies')
let dir2: string
let pty: PtyPair
let device: HostileDevice
let run2: CliResult
let report2: ConformanceReport
let packets2: Fields[]

rtu.before(async () => {
  dir2 = mkdtempSync(join(tmpdir(), 'modbridge-conformance-capture-'))
  pty = await ptyPair()
  device = await hostileDevice(pty.b, { behave: seededBehaviors(3, { correct: 10, twice: 1, late: 1 }), lateMs: 300, seed: 3 })
  const out = join(dir2, 'report')
  run2 = await runCli(['conformance', 'run', '--target', `rtu://${pty.a}?baud=19200`, '--unit', '1', '--only', '03', '--timeout', '200', '--silence', '400', '--out', out, '--capture', join(dir2, 'rtu.pcapng')], 180_000)
  report2 = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as ConformanceReport
  packets2 = await tsharkFields(join(dir2, 'rtu.pcapng'), RTU_PORT_OPTION, FIELDS)
})
rtu.after(async () => {
  await device.close()
  await pty.close()
  rmSync(dir2, { recursive: true, force: true })
})

rtu('the capture beside the report folder is linked with a relative path', () => {
  assert.ok(run2.code === 0 || run2.code === 1, `exit ${run2.code}: ${run2.stderr}`)
  assert.is(report2.capture, '../rtu.pcapng')
  assert.ok(existsSync(join(dir2, 'rtu.pcapng')))
})

rtu('every single-frame request and every reply of every case is in the capture, byte for byte', () => {
  const cases = byCase(packets2)
  let requests = 0
  let replies = 0
  report2.cases.forEach((c, i) => {
    if (c.request === null) return
    const mine = cases.get(i) ?? []
    const bytes = (p: Fields) => (p['exported_pdu.prot_name'] === 'mbtcp' ? /RTU frame ([0-9a-f ]+) shown/.exec(p['frame.comment'])?.[1]?.replace(/ /g, '') : p['exported_pdu.exported_pdu'])
    assert.is(bytes(mine[0]), unspaced(c.request), `${c.id} (case ${i}): the request`)
    requests++
    if (c.actual.hex !== null) {
      assert.ok(mine.slice(1).some((p) => bytes(p) === unspaced(c.actual.hex!)), `${c.id} (case ${i}): the reply ${c.actual.hex}`)
      replies++
    }
  })
  assert.ok(requests > 10 && replies > 5, `${requests} requests, ${replies} replies`)
})

rtu('tshark decodes every whole RTU frame as Modbus RTU with the function and exception code its bytes carry, queries and responses told apart', () => {
  let decoded = 0
  for (const p of packets2) {
    if (p['exported_pdu.prot_name'] !== 'mbrtu') continue
    const b = Buffer.from(p['exported_pdu.exported_pdu'], 'hex')
    if (b.length < 5 || !checkCrc16(b, 0, b.length - 2) || /Malformed|Bound/.test(p['_ws.col.Info'])) continue
    assert.is(p['modbus.func_code'], String(b[1] & 0x7f), `frame ${p['frame.number']}`)
    assert.is(p['modbus.exception_code'], b[1] & 0x80 ? String(b[2]) : '', `frame ${p['frame.number']}: exception code`)
    const query = p['exported_pdu.dst_port'] === '8502'
    assert.match(p['_ws.col.Info'], query ? /^\s*Query/ : /^\s*Response/, `frame ${p['frame.number']}`)
    decoded++
  }
  assert.ok(decoded > 50, `${decoded} frames`)
})

rtu('the hostile device\'s duplicate and late replies are recorded where they arrived, named, and decoded', () => {
  assert.ok(device.counts.strayFrames + device.counts.lateFrames > 0)
  const odd = packets2.filter((p) => /^(duplicate|late): /.test(p['frame.comment']))
  assert.ok(odd.length > 0, 'duplicate or late replies in the capture')
  assert.ok(odd.every((p) => p['modbus.func_code'] !== '' && /^\s*Response/.test(p['_ws.col.Info'])))
  const inReport = report2.cases.flatMap((c) => c.wire).filter((w) => w.kind === 'late' || w.kind === 'duplicate').length
  assert.ok(odd.length >= inReport, `every late or duplicate reply the report shows (${inReport}) is in the capture (${odd.length})`)
})

rtu.run()

// ---
const refused = suite('conformance run --capture: a path that cannot be written stops the run before it begins')
let dir3: string

refused.before(() => void (dir3 = mkdtempSync(join(tmpdir(), 'modbridge-conformance-capture-'))))
refused.after(() => rmSync(dir3, { recursive: true, force: true }))

refused('a missing folder outside the report folder: exit 2, the reason, no report, no connection tried', async () => {
  const capture = join(dir3, 'missing', 'run.pcapng')
  const r = await runCli(['conformance', 'run', '--target', 'tcp://127.0.0.1:9', '--out', join(dir3, 'report'), '--capture', capture])
  assert.is(r.code, 2)
  assert.match(r.stderr, `cannot write the capture to ${capture}: its folder does not exist`)
  assert.not.match(r.stderr, /cannot reach/)
  assert.not.ok(existsSync(join(dir3, 'report')))
})

refused.run()
