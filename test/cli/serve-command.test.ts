import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { connectClient } from '../../core/index.ts'
import { ptyPair, type PtyPair } from '../helpers/pty.ts'
import { startCli, type RunningCli } from '../helpers/spawn-cli.ts'
import { waitFor } from '../helpers/wait.ts'

const test = suite('modbridge serve: a vanished serial port is reopened, with one log line each way')
const dir = mkdtempSync(join(tmpdir(), 'modbridge-serve-'))
const links = { a: join(dir, 'client'), b: join(dir, 'server') }
let pty: PtyPair | undefined
let cli: (RunningCli & { match: RegExpMatchArray }) | undefined

test.after(async () => {
  await cli?.stop()
  await pty?.close()
  rmSync(dir, { recursive: true, force: true })
})

test('serve keeps running when its PTY disappears and answers again once it is back', async () => {
  pty = await ptyPair(links)
  cli = await startCli(['serve', '--listen', `rtu://${links.b}?baud=115200`], /serving rtu:/)
  const ask = async () => {
    const client = connectClient(`rtu://${links.a}?baud=115200`, { timeout: 500, retries: 0 })
    try {
      return await client.readInputRegisters(1, 7, 1)
    } finally {
      await client.close()
    }
  }
  assert.equal(await ask(), [7])
  await pty.close()
  await waitFor(() => /port closed/.test(cli!.output()), 'a log line saying the port closed', 10000)
  assert.is(cli.proc.exitCode, null, 'serve is still running')
  pty = await ptyPair(links)
  await waitFor(() => /port reopened/.test(cli!.output()), 'a log line saying the port was reopened', 15000)
  assert.equal(await ask(), [7])
})

test.run()
