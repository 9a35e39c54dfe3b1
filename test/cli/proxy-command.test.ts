import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { runCli } from '../helpers/run-cli.ts'
import { startCli } from '../helpers/spawn-cli.ts'

const test = suite('modbridge proxy: flags that cannot combine are errors, not ignored')
const dir = mkdtempSync(join(tmpdir(), 'modbridge-proxy-cli-'))
const config = join(dir, 'gateway.json')
writeFileSync(config, JSON.stringify({ listen: ['tcp://127.0.0.1:0'], buses: { a: { address: 'tcp://127.0.0.1:1' } }, routes: [{ units: '1', bus: 'a' }] }))

for (const extra of [['--listen', 'tcp://127.0.0.1:0'], ['--monitor', '127.0.0.1:0'], ['--timeout', '100'], ['--bus', 'a=tcp://127.0.0.1:1']]) {
  test(`--config with ${extra[0]} is refused`, async () => {
    const r = await runCli(['proxy', '--config', config, ...extra])
    assert.is(r.code, 2)
    assert.match(r.stderr, `--config holds the whole gateway; ${extra[0]} cannot be combined with it`)
  })
}

test('--timeout without --bus is refused (the simulated default has its own)', async () => {
  const r = await runCli(['proxy', '--listen', 'tcp://127.0.0.1:0', '--timeout', '100'])
  assert.is(r.code, 2)
  assert.match(r.stderr, '--timeout and --retries set the buses of --bus')
})

test('--timeout abc is refused, naming the option', async () => {
  const r = await runCli(['proxy', '--bus', 'a=tcp://127.0.0.1:1', '--route', '1=a', '--timeout', 'abc'])
  assert.is(r.code, 2)
  assert.match(r.stderr, '--timeout: "abc" is not an integer')
})

test('--listen alone starts no monitor; --monitor starts one', async () => {
  const plain = await startCli(['proxy', '--listen', 'tcp://127.0.0.1:0'], /gateway listening on (\S+)[\s\S]*try:/)
  try {
    assert.not.match(plain.output(), 'monitor on')
  } finally {
    await plain.stop()
  }
  const watched = await startCli(['proxy', '--listen', 'tcp://127.0.0.1:0', '--monitor', '127.0.0.1:0'], /monitor on (http:\/\/\S+)/)
  await watched.stop()
})
test.after(() => rmSync(dir, { recursive: true, force: true }))
test.run()
