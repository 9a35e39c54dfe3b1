import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ArgumentError, connectClient } from '../../core/index.ts'
import type { CaptureFile } from '../../core/capture/capture-file.ts'
import type { TransportError } from '../../core/errors.ts'
import { attachGatewayCapture, openGatewayCapture } from '../../proxy/capture.ts'
import { Gateway } from '../../proxy/gateway.ts'
import { defaultGatewayConfig, startSimulatedBus, type SimulatedBus } from '../../proxy/simulated-bus.ts'
import { runCli } from '../helpers/run-cli.ts'
import { waitFor } from '../helpers/wait.ts'

// ---
const badPath = suite('proxy capture: a path that cannot be written is refused at the start, with the reason')
let dir: string

badPath.before(() => {
  dir = mkdtempSync(join(tmpdir(), 'modbridge-capture-hostile-'))
  writeFileSync(join(dir, 'a-file'), 'not a folder')
})
badPath.after(() => rmSync(dir, { recursive: true, force: true }))

for (const [what, path, reason] of [
  ['a missing folder', () => join(dir, 'missing', 'x.pcapng'), /its folder does not exist/],
  ['a folder of that name', () => dir, /it is a folder/],
  ['a file used as a folder', () => join(dir, 'a-file', 'x.pcapng'), /a part of its path is not a folder/],
] as const) {
  badPath(`${what}: ArgumentError naming the path`, async () => {
    try {
      await openGatewayCapture(path())
      assert.unreachable('the capture opened')
    } catch (err) {
      assert.instance(err, ArgumentError)
      assert.match((err as Error).message, `cannot write the capture to ${path()}`)
      assert.match((err as Error).message, reason)
    }
  })
}

badPath('modbridge proxy --capture into a missing folder exits 2 before serving, saying why', async () => {
  const path = join(dir, 'missing', 'gateway.pcapng')
  const r = await runCli(['proxy', '--listen', 'tcp://127.0.0.1:0', '--capture', path])
  assert.is(r.code, 2)
  assert.match(r.stderr, `cannot write the capture to ${path}: its folder does not exist`)
  assert.not.match(r.stdout, /gateway listening/)
})

for (const [args, message] of [
  [['--capture-max-bytes', '4k'], /--capture-max-bytes and --capture-files rotate the file of --capture/],
  [['--capture', 'x.pcapng', '--capture-files', '3'], /--capture-files counts the files of a rotating capture/],
  [['--capture', 'x.pcapng', '--capture-max-bytes', '10x'], /--capture-max-bytes: "10x" is not a size/],
  [['--capture', 'x.pcapng', '--capture-max-bytes', '100'], /rotation size must be an integer of at least 1024 bytes, got 100/],
  [['--capture', 'x.pcapng', '--capture-max-bytes', '4k', '--capture-files', '0'], /--capture-files: "0" is out of range 1..1000/],
] as const) {
  badPath(`modbridge proxy ${args.join(' ')}: exit 2 with a clear message`, async () => {
    const r = await runCli(['proxy', '--listen', 'tcp://127.0.0.1:0', ...args.map((a) => (a === 'x.pcapng' ? join(dir, a) : a))])
    assert.is(r.code, 2)
    assert.match(r.stderr, message)
  })
}

badPath.run()

// ---
const fullDisk = suite('proxy capture: the disk fails mid-run (/dev/full: every write ENOSPC)')
let sim: SimulatedBus
let gw: Gateway
let file: CaptureFile
const errors: TransportError[] = []

fullDisk.before(async () => {
  sim = await startSimulatedBus([1, 2, 3], 115200)
  gw = new Gateway(defaultGatewayConfig({ listen: 'tcp://127.0.0.1:0', monitor: false }), { links: { sim: sim.open } })
  file = await openGatewayCapture('/dev/full', { onError: (err) => errors.push(err) })
  await gw.start()
  attachGatewayCapture(gw, file)
})
fullDisk.after(async () => {
  await gw.close()
  await file.close()
  await sim.close()
})

fullDisk('the failure is reported once, capturing stops, and the gateway goes on answering every request', async () => {
  const c = connectClient(gw.listening[0], { timeout: 5000 })
  try {
    for (let i = 0; i < 5; i++) assert.is((await c.readHoldingRegisters(1, i, 2)).length, 2)
    await waitFor(() => errors.length > 0, 'the write failure to be reported')
    for (let i = 0; i < 20; i++) assert.is((await c.readInputRegisters(1 + (i % 3), i, 3)).length, 3, `read ${i} after the failure`)
  } finally {
    await c.close()
  }
  assert.is(errors.length, 1, 'reported once')
  assert.match(errors[0].message, /capture to \/dev\/full stopped: .*(ENOSPC|no space)/i)
  const s = file.stats
  assert.match(s.error ?? '', /ENOSPC|no space/i)
  assert.ok(s.dropped >= 40, `the packets after the failure are dropped and counted (${s.dropped})`)
})

fullDisk.run()
