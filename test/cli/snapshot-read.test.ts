/**
 * takeSnapshot in process: a profile's ranges replace the scan, chunks that draw exception 02
 * are halved until the readable addresses are found, and the time limit stops all asking.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { takeSnapshot } from '../../cli/snapshot-read.ts'
import { buildDevices, connectClient, createServer, type ModbusClient, type ModbusServer } from '../../core/index.ts'

const test = suite('snapshot read')
let server: ModbusServer | undefined
let client: ModbusClient | undefined

test.before(async () => {
  const { context } = buildDevices({
    units: {
      '1': {
        holdingRegisters: { sparse: { '10': 1, '11': 2, '12': 3, '40': 4 } },
        inputRegisters: { start: 0, length: 300, values: Array.from({ length: 300 }, (_, i) => i * 2) },
        serverId: 'abcd',
      },
    },
  })
  server = createServer('tcp://127.0.0.1:0', { context })
  client = connectClient(await server.listen(), { timeout: 2000 })
})

test.after(async () => {
  await client?.close()
  await server?.close()
})

test('a profile range with holes: chunks are halved on 02 until each readable address is read; the holes are listed', async () => {
  const snap = await takeSnapshot(client!, {
    unit: 1,
    profile: { functions: [], readable: { holdingRegisters: [[0, 63]], inputRegisters: [[0, 299]] }, writable: {}, serverIdLength: 2 },
    deadline: Date.now() + 30_000,
  })
  const unit = snap.file.units['1']
  assert.equal(unit.holdingRegisters, { sparse: { '10': 1, '11': 2, '12': 3, '40': 4 } })
  assert.equal(unit.inputRegisters, { start: 0, length: 300, values: Array.from({ length: 300 }, (_, i) => i * 2) })
  assert.equal(snap.ranges.holdingRegisters, [[10, 12], [40, 40]])
  assert.ok(snap.missing.includes('holdingRegisters 0-9, 13-39, 41-63: exception 0x02'), snap.missing.join('\n'))
  assert.equal([unit.serverId, unit.running, unit.additionalData], ['abcd', true, ''])
  assert.ok(snap.notes.some((n) => /after 2 byte/.test(n)))
})

test('past the deadline nothing is asked, and the summary says the time limit was reached', async () => {
  const before = client!.stats.requests
  const snap = await takeSnapshot(client!, { unit: 1, deadline: Date.now() - 1 })
  assert.is(snap.requests, 0)
  assert.is(client!.stats.requests, before)
  assert.equal(snap.file.units['1'], {})
  assert.match(snap.missing.join('\n'), /time limit/)
})

test.run()
