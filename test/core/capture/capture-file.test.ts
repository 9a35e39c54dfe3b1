import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ArgumentError } from '../../../core/index.ts'
import { CaptureFile, rotatedPath } from '../../../core/capture/capture-file.ts'
import { exportedPdu } from '../../../core/capture/exported-pdu.ts'
import { LINKTYPE } from '../../../core/capture/pcapng.ts'
import { rtuFrameOf } from '../../../core/capture/serial-frames.ts'
import { waitFor } from '../../helpers/wait.ts'
import { tsharkFields } from './tshark.ts'

let dir: string
const T0 = 1_700_000_000_000_000
/** The RTU frame of a read of holding register n, wrapped for the mbrtu dissector. */
const frame = (n: number) => exportedPdu('mbrtu', rtuFrameOf(1, Buffer.from([0x03, 0, n & 0xff, 0, 1])))

// ---
const naming = suite('capture file: rotated names')

for (const [path, n, rotated] of [
  ['gw.pcapng', 1, 'gw.1.pcapng'],
  ['/var/log/a.b.pcapng', 12, '/var/log/a.b.12.pcapng'],
  ['CAP.PCAPNG', 2, 'CAP.2.PCAPNG'],
  ['capture', 3, 'capture.3'],
] as const) {
  naming(`${path}, generation ${n}: ${rotated}`, () => assert.is(rotatedPath(path, n), rotated))
}

naming.run()

// ---
const writing = suite('capture file: packets reach the disk in the background, and tshark reads them')
writing.before(() => void (dir = mkdtempSync(join(tmpdir(), 'modbridge-capture-file-'))))
writing.after(() => rmSync(dir, { recursive: true, force: true }))

writing('every packet recorded is in the file, on its interface, with its timestamp and comment', async () => {
  const path = join(dir, 'plain.pcapng')
  const file = await CaptureFile.create(path)
  const a = file.addInterface({ linkType: LINKTYPE.upperPdu, name: 'line a' })
  for (let i = 0; i < 50; i++) assert.ok(file.record({ interfaceId: a, timestampUs: T0 + i * 1000, data: frame(i), comment: i === 7 ? 'seventh' : undefined }))
  const b = file.addInterface({ linkType: LINKTYPE.upperPdu, name: 'line b' })
  file.record({ interfaceId: b, timestampUs: T0 + 60_000, data: frame(99) })
  const stats = await file.close()
  assert.equal({ ...stats, bytesWritten: 0 }, { packets: 51, dropped: 0, bytesWritten: 0, files: 1 })
  assert.is(stats.bytesWritten, statSync(path).size)
  const packets = await tsharkFields(path, [], ['frame.interface_name', 'frame.time_epoch', 'frame.comment', 'modbus.func_code'])
  assert.is(packets.length, 51)
  assert.is(packets[50]['frame.interface_name'], 'line b', 'an interface described after packets')
  assert.is(packets[7]['frame.comment'], 'seventh')
  assert.is(packets[1]['frame.time_epoch'], '1700000000.001000000')
  assert.ok(packets.every((p) => p['modbus.func_code'] === '3'))
})

writing('rotation: each file within the size, each with its own header and interfaces; only `keep` files, the newest under the plain name', async () => {
  const path = join(dir, 'rot.pcapng')
  writeFileSync(rotatedPath(path, 2), 'left by an earlier capture')
  writeFileSync(rotatedPath(path, 5), 'beyond keep: not ours to delete')
  const file = await CaptureFile.create(path, { maxBytes: 1500, keep: 3 })
  assert.not.ok(existsSync(rotatedPath(path, 2)), 'an earlier capture\'s rotated files are removed at the start')
  const a = file.addInterface({ linkType: LINKTYPE.upperPdu, name: 'line a' })
  for (let i = 0; i < 200; i++) file.record({ interfaceId: a, timestampUs: T0 + i, data: frame(i) })
  const stats = await file.close()
  assert.ok(stats.files > 5, `${stats.files} files`)
  assert.equal(file.paths, [path, rotatedPath(path, 1), rotatedPath(path, 2)])
  assert.not.ok(existsSync(rotatedPath(path, 3)))
  assert.ok(existsSync(rotatedPath(path, 5)))
  const seen: string[] = []
  for (const f of file.paths) {
    assert.ok(statSync(f).size <= 1500, `${f}: ${statSync(f).size} bytes`)
    assert.is(readFileSync(f).readUInt32LE(0), 0x0a0d0d0a)
    const packets = await tsharkFields(f, [], ['frame.interface_name', 'modbus.reference_num'])
    assert.ok(packets.length > 3)
    assert.ok(packets.every((p) => p['frame.interface_name'] === 'line a'))
    seen.unshift(...packets.map((p) => p['modbus.reference_num']))
  }
  assert.is(seen[seen.length - 1], String(199 & 0xff), 'the newest file ends with the last packet')
  const numbers = seen.map(Number)
  assert.ok(numbers.every((n, i) => i === 0 || n === ((numbers[i - 1] + 1) & 0xff)), 'the kept files hold consecutive packets, oldest first')
})

writing('keep 1: the file starts over in place', async () => {
  const path = join(dir, 'one.pcapng')
  const file = await CaptureFile.create(path, { maxBytes: 1024, keep: 1 })
  const a = file.addInterface({ linkType: LINKTYPE.upperPdu, name: 'x' })
  for (let i = 0; i < 40; i++) file.record({ interfaceId: a, timestampUs: T0 + i, data: frame(i) })
  await file.close()
  assert.not.ok(existsSync(rotatedPath(path, 1)))
  assert.ok((await tsharkFields(path)).length > 0)
})

writing('a disk that falls behind: beyond maxQueuedBytes packets are dropped and counted, memory stays bounded, the file stays valid', async () => {
  const path = join(dir, 'slow.pcapng')
  const file = await CaptureFile.create(path, { maxQueuedBytes: 4096 })
  const a = file.addInterface({ linkType: LINKTYPE.upperPdu, name: 'x' })
  let accepted = 0
  for (let i = 0; i < 1000; i++) if (file.record({ interfaceId: a, timestampUs: T0 + i, data: frame(i) })) accepted++
  const stats = await file.close()
  assert.ok(stats.dropped > 900, `${stats.dropped} dropped`)
  assert.is(stats.packets, accepted)
  assert.ok(stats.bytesWritten <= 4096 + 1024, `${stats.bytesWritten} bytes`)
  assert.is((await tsharkFields(path)).length, accepted)
})

writing('after close, records are refused and counted; close again is harmless', async () => {
  const file = await CaptureFile.create(join(dir, 'closed.pcapng'))
  await file.close()
  assert.not.ok(file.record({ interfaceId: 0, timestampUs: T0, data: frame(1) }))
  assert.is((await file.close()).dropped, 1)
})

writing.run()

// ---
const hostile = suite('capture file: bad paths and options fail at once; a failing disk stops the capture, reported once')
hostile.before(() => void (dir = mkdtempSync(join(tmpdir(), 'modbridge-capture-file-'))))
hostile.after(() => rmSync(dir, { recursive: true, force: true }))

for (const [what, options, message] of [
  ['a rotation size under 1024', { maxBytes: 1000 }, /at least 1024 bytes, got 1000/],
  ['a fractional rotation size', { maxBytes: 2048.5 }, /at least 1024 bytes, got 2048.5/],
  ['keep 0', { maxBytes: 4096, keep: 0 }, /files kept must be an integer in 1..1000, got 0/],
] as const) {
  hostile(`${what}: ArgumentError, and no file made`, async () => {
    const path = join(dir, `${what.replace(/\W/g, '-')}.pcapng`)
    try {
      await CaptureFile.create(path, options)
      assert.unreachable()
    } catch (err) {
      assert.instance(err, ArgumentError)
      assert.match((err as Error).message, message)
    }
    assert.not.ok(existsSync(path))
  })
}

hostile('a missing folder: ArgumentError naming the path and the reason', async () => {
  try {
    await CaptureFile.create(join(dir, 'nope', 'x.pcapng'))
    assert.unreachable()
  } catch (err) {
    assert.instance(err, ArgumentError)
    assert.match((err as Error).message, /cannot write the capture to .*nope\/x\.pcapng: its folder does not exist/)
  }
})

hostile('/dev/full: the first write fails; onError once; later packets dropped; close resolves with the reason', async () => {
  const errors: Error[] = []
  const file = await CaptureFile.create('/dev/full', { onError: (e) => errors.push(e) })
  const a = file.addInterface({ linkType: LINKTYPE.upperPdu, name: 'x' })
  file.record({ interfaceId: a, timestampUs: T0, data: frame(1) })
  await waitFor(() => errors.length > 0, 'the write failure')
  assert.is(errors.length, 1)
  for (let i = 0; i < 10; i++) assert.not.ok(file.record({ interfaceId: a, timestampUs: T0, data: frame(i) }))
  const stats = await file.close()
  assert.is(errors.length, 1, 'reported once')
  assert.match(stats.error ?? '', /ENOSPC/)
  assert.is(stats.dropped, 10)
})

hostile.run()
