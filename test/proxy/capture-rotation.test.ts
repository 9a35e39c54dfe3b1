import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { connectClient } from '../../core/index.ts'
import { startCli, type RunningCli } from '../helpers/spawn-cli.ts'
import { waitFor } from '../helpers/wait.ts'
import { RTU_PORT_OPTION, tsharkFields } from '../core/capture/tshark.ts'

const MAX_BYTES = 4096
const KEEP = 3

// ---
const rotation = suite('modbridge proxy --capture --capture-max-bytes 4k --capture-files 3: rotating files, each one opens in tshark')
let dir: string
let cli: RunningCli | undefined
let output = ''

rotation.before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'modbridge-capture-rotation-'))
  const running = await startCli(
    ['proxy', '--listen', 'tcp://127.0.0.1:0', '--capture', join(dir, 'gw.pcapng'), '--capture-max-bytes', '4k', '--capture-files', String(KEEP), '--log-level', 'debug'],
    /gateway listening on (tcp:\/\/127\.0\.0\.1:\d+)\r?\n/,
  )
  cli = running
  const c = connectClient(running.match[1], { timeout: 5000 })
  try {
    for (let i = 0; i < 60; i++) await c.readHoldingRegisters(1 + (i % 3), i, 1 + (i % 8))
    await c.writeRegister(2, 7, 0x1234)
  } finally {
    await c.close()
  }
  // The client's close reaches the gateway a moment after close() resolves: stopping before would
  // record "capture ended with client 1 still connected" instead.
  await waitFor(() => /client \d+ disconnected/.test(running.output()), 'the gateway to see the client close', 10_000)
  await stopCli(running)
  output = running.output()
  cli = undefined
})
rotation.after(async () => {
  if (cli) await stopCli(cli)
  rmSync(dir, { recursive: true, force: true })
})

/**
 * SIGTERM, then waits for the exit by polling: the helper's own stop() can miss the exit event of a
 * command that prints after its ready line (its stdout handler removes the 'exit' listeners).
 */
async function stopCli(running: RunningCli): Promise<void> {
  running.proc.kill('SIGTERM')
  await waitFor(() => running.proc.exitCode !== null || running.proc.signalCode !== null, 'the proxy to exit', 10_000)
}

const files = () => [join(dir, 'gw.pcapng'), ...Array.from({ length: KEEP - 1 }, (_, i) => join(dir, `gw.${i + 1}.pcapng`))]

rotation('the newest files are kept under rotated names, no more than asked for, each within the size', () => {
  for (const f of files()) {
    assert.ok(existsSync(f), `${f} exists`)
    assert.ok(statSync(f).size <= MAX_BYTES, `${f} is ${statSync(f).size} bytes`)
  }
  assert.not.ok(existsSync(join(dir, `gw.${KEEP}.pcapng`)), 'older files are deleted')
  const m = /capture: (\d+) packets in (\d+) files/.exec(output)
  assert.ok(m, `the proxy reports the capture when it stops: ${output}`)
  assert.ok(Number(m![2]) > KEEP, 'it rotated more often than files are kept')
})

// Where the last rotation falls depends on the sizes of the blocks before it (comments name client
// ports, timestamps differ), so the newest file may hold only the client's close: the Modbus checks
// are made on the files that were filled, and the order checks on all files read oldest first.
rotation('each file starts with its own section header and interface descriptions; tshark decodes Modbus in each filled file', async () => {
  const [newest, ...filled] = files()
  for (const f of [newest, ...filled]) {
    assert.is(readFileSync(f).readUInt32LE(0), 0x0a0d0d0a, `${f}: section header block first`)
    const packets = await tsharkFields(f, RTU_PORT_OPTION)
    assert.ok(packets.length > 0, `${f}: packets`)
    assert.ok(packets.every((p) => p['frame.interface_name'] === 'clients' || p['frame.interface_name'] === 'bus sim'), `${f}: every packet on a described interface`)
    if (f === newest) continue
    assert.ok(statSync(f).size > MAX_BYTES / 2, `${f} was filled before it was rotated (${statSync(f).size} bytes)`)
    assert.ok(packets.some((p) => p['frame.interface_name'] === 'clients' && p['modbus.func_code'] !== ''), `${f}: Modbus/TCP decoded`)
    assert.ok(packets.some((p) => p['frame.interface_name'] === 'bus sim' && p['_ws.col.Protocol'] === 'Modbus RTU'), `${f}: Modbus RTU decoded`)
  }
})

rotation('read oldest first, the files end with the last request on both sides, then the client\'s close, which is in the newest file', async () => {
  const perFile = await Promise.all(files().reverse().map((f) => tsharkFields(f, RTU_PORT_OPTION)))
  const packets = perFile.flat()
  const writeAt: number[] = []
  const writes = packets.flatMap((p, i) => {
    if (p['modbus.func_code'] !== '6') return []
    writeAt.push(i)
    return [`${p['frame.interface_name']}:${/^\s*(Query|Response)/.exec(p['_ws.col.Info'])?.[1]}`]
  })
  assert.equal(writes, ['clients:Query', 'bus sim:Query', 'bus sim:Response', 'clients:Response'])
  const closeAt = packets.findIndex((p) => /client \d+ disconnected/.test(p['frame.comment']))
  assert.ok(closeAt > writeAt[3], `the close (packet ${closeAt}) comes after the last reply (packet ${writeAt[3]})`)
  assert.ok(perFile[perFile.length - 1].some((p) => /client \d+ disconnected/.test(p['frame.comment'])), 'the close is in the newest file')
})

rotation.run()
