/**
 * Behaviours in real time: `modbridge serve --device` with a counter point, read over Modbus until
 * it has moved. No timing is asserted beyond "it changed" (the deadline only bounds the wait).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { connectClient, type ModbusClient } from '../../core/index.ts'
import { runCli } from '../helpers/run-cli.ts'
import { startCli, type RunningCli } from '../helpers/spawn-cli.ts'
import { waitFor } from '../helpers/wait.ts'

const test = suite('serve --device runs the behaviours of its points')
let dir = ''
let map = ''
let serve: (RunningCli & { match: RegExpMatchArray }) | undefined
let client: ModbusClient | undefined

test.before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'modbridge-behave-'))
  map = join(dir, 'device.json')
  writeFileSync(
    map,
    JSON.stringify({
      interval: 50,
      units: {
        '1': {
          holdingRegisters: { start: 0, length: 4, values: [0, 0xbeef, 0, 0] },
          points: {
            count: { table: 'holdingRegisters', address: 0, type: 'uint16', behaviour: { kind: 'counter' } },
            clock: { table: 'holdingRegisters', address: 2, type: 'uint32', behaviour: { kind: 'timestamp', interval: 1000 } },
          },
        },
      },
    }),
  )
  serve = await startCli(['serve', '--listen', 'tcp://127.0.0.1:0', '--device', map], /serving (tcp:\/\/\S+)/)
  client = connectClient(serve.match[1], { timeout: 2000 })
})
test.after(async () => {
  await client?.close()
  await serve?.stop()
  rmSync(dir, { recursive: true, force: true })
})

test('a counter read twice over Modbus has advanced; its neighbour is untouched', async () => {
  const [first] = await client!.readHoldingRegisters(1, 0, 1)
  const second = await waitFor(async () => {
    const [v] = await client!.readHoldingRegisters(1, 0, 1)
    return v !== first ? v : undefined
  }, 'the counter to change', 15_000)
  assert.is.not(second, first)
  assert.equal(await client!.readHoldingRegisters(1, 1, 1), [0xbeef])
})

test('read --map reads the moving points by name', async () => {
  const r = await runCli(['read', '--map', map, '--name', 'clock', '--json', '--target', serve!.match[1]])
  assert.is(r.code, 0, r.stderr)
  const clock = JSON.parse(r.stdout).points.clock as number
  assert.ok(clock > 1_600_000_000, `clock ${clock} is Unix seconds of today, not 0`)
})

test.run()
