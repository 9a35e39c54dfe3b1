import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { formatDeviceFile, runsOf, serverIdParts, tableSpec } from '../../cli/snapshot-spec.ts'

const tables = suite('snapshot spec: tables')

tables('no values read: no table', () => {
  assert.is(tableSpec(new Map()), undefined)
})

tables('contiguous addresses become a sequential table from the first', () => {
  assert.equal(tableSpec(new Map([[12, 3], [10, 1], [11, 2]])), { start: 10, length: 3, values: [1, 2, 3] })
})

tables('addresses with a gap become a sparse table, so the gap still answers 02', () => {
  assert.equal(tableSpec(new Map<number, boolean>([[0, true], [1, false], [5, true]])), { sparse: { '0': true, '1': false, '5': true } })
})

tables('runs of addresses, unordered and with duplicates', () => {
  assert.equal(runsOf([5, 1, 2, 3, 9, 2, 10]), [[1, 3], [5, 5], [9, 10]])
  assert.equal(runsOf([]), [])
})

tables.run()

// ---

const serverId = suite('snapshot spec: report server id')

function run(label: string, data: string, idLength: number | undefined, expected: object, note: RegExp) {
  serverId(label, () => {
    const parts = serverIdParts(data, idLength)
    assert.equal(parts.fields, expected)
    assert.match(parts.note, note)
  })
}

run('id then 0xFF: split before the last byte', '01ff', undefined, { serverId: '01', running: true, additionalData: '' }, /same 2 bytes/)
run('run indicator 0x00 with additional data after it', '0a0b00c1c2', undefined, { serverId: '0a0b', running: false, additionalData: 'c1c2' }, /byte 2 \(0x00\)/)
run('the last 0x00/0xFF is taken, so the bytes replay unchanged', '11ff22ff33', undefined, { serverId: '11ff22', running: true, additionalData: '33' }, /byte 3/)
run('no 0x00/0xFF after the first byte: the replay differs, and the note says so', '0a0b0c', undefined, { serverId: '0a0b', running: true, additionalData: '' }, /differs/)
run('a profile length splits there', '11ff22ff33', 1, { serverId: '11', running: true, additionalData: '22ff33' }, /after 1 byte/)
run('a profile length that lands on neither 0x00 nor 0xFF is reported', '112233', 1, { serverId: '11', running: true, additionalData: '33' }, /0x22 is neither/)

serverId.run()

// ---

const format = suite('snapshot spec: device file text')

format('arrays of values stay on one line, and the text parses back to the same file', () => {
  const file = { units: { '1': { holdingRegisters: { start: 0, length: 3, values: [1, 2, 3] }, coils: { sparse: { '4': true } }, identity: { '0': 'a[b', '1': '[' } } } }
  const text = formatDeviceFile(file)
  assert.match(text, /"values": \[1, 2, 3\]/)
  assert.equal(JSON.parse(text), file)
  assert.ok(text.endsWith('}\n'))
})

format.run()
