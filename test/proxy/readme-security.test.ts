/**
 * The README's "Securing a gateway" section works as written: its openssl commands make
 * certificates a loopback gateway accepts (with the roles they carry), and its example
 * configuration validates with the files those commands make.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { buildDevices, connectClient, createServer, ModbusExceptionError, parseAddress, type ModbusServer, type NetworkAddress } from '../../core/index.ts'
import { validateConfig, type GatewayConfig } from '../../proxy/config.ts'
import { Gateway } from '../../proxy/gateway.ts'
import { defaultDeviceFile } from '../../core/index.ts'

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')

/** The section's fenced blocks of one language, in order. */
function blocks(lang: string): string[] {
  const start = README.indexOf('## Securing a gateway')
  const section = README.slice(start, README.indexOf('\n## ', start + 1))
  return [...section.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1])
}

const test = suite('README "Securing a gateway": the openssl commands and the example configuration')
let dir: string
let example: GatewayConfig
let device: ModbusServer
let gw: Gateway

test.before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'modbridge-readme-'))
  execFileSync('bash', ['-e', '-c', blocks('sh')[0]], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] })
  example = validateConfig(JSON.parse(blocks('json')[0]), dir)
  device = createServer('tcp://127.0.0.1:0', { context: buildDevices(defaultDeviceFile([1])).context })
  const at = await device.listen()
  // The example's roles and TLS listener, on loopback in front of a local device.
  gw = new Gateway({ ...validateConfig({ listen: [{ address: 'tls://127.0.0.1:0', cert: 'gateway.pem', key: 'gateway.key', ca: 'ca.pem' }], buses: { dev: { address: at } }, routes: [{ units: '1-10', bus: 'dev' }] }, dir), roles: example.roles })
  await gw.start()
})
test.after(async () => {
  await gw?.close()
  await device?.close()
  rmSync(dir, { recursive: true, force: true })
})

test('the example configuration validates: TLS listener with files beside it, roles, a tls:// bus, the monitor\'s token file', () => {
  assert.equal(example.listen[0].tls, { cert: join(dir, 'gateway.pem'), key: join(dir, 'gateway.key'), ca: join(dir, 'ca.pem') })
  assert.equal(example.listen[0].access, { allow: ['10.20.0.0/16', 'fd00:20::/32'], deny: ['10.20.0.66'] })
  assert.is(example.listen[1].defaultRole, 'viewer')
  assert.equal([...example.roles!.keys()], ['engineer', 'operator', 'viewer'])
  assert.is(example.buses[1].address.kind, 'tls')
  assert.match(example.monitor?.token ?? '', /^[0-9a-f]{64}$/)
})

test('the certificates the commands make: operator-1 writes, viewer-1 reads and is refused the write with 01', async () => {
  const port = (parseAddress(gw.listening[0]) as NetworkAddress).port
  const target = (who: string) => `tls://127.0.0.1:${port}?cert=${join(dir, `${who}.pem`)}&key=${join(dir, `${who}.key`)}&ca=${join(dir, 'ca.pem')}`
  const op = connectClient(target('operator-1'), { timeout: 3000 })
  const viewer = connectClient(target('viewer-1'), { timeout: 3000 })
  try {
    await op.writeRegister(1, 2, 0x0202)
    assert.equal(await viewer.readHoldingRegisters(1, 2, 1), [0x0202])
    await viewer.writeRegister(1, 2, 0)
    assert.unreachable('a viewer wrote')
  } catch (err) {
    assert.instance(err, ModbusExceptionError)
    assert.is((err as ModbusExceptionError).exceptionCode, 0x01)
  } finally {
    await op.close()
    await viewer.close()
  }
})

test.run()
