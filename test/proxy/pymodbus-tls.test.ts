/**
 * An independent Modbus/TCP Security client through the gateway: Debian's python3-pymodbus 3.0
 * ModbusTlsClient with a client certificate. pymodbus's own TLS framer leaves out the MBAP header
 * the spec carries inside TLS, so the client runs its socket (MBAP) framer over its TLS transport
 * (test/proxy/fixtures/pymodbus-tls-client.py says more).
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { buildDevices, createServer, defaultDeviceFile, parseAddress, type ModbusServer, type NetworkAddress, type SimulatedDevices } from '../../core/index.ts'
import { validateConfig } from '../../proxy/config.ts'
import { Gateway } from '../../proxy/gateway.ts'
import { makeTestCerts, type CertPair, type TestCerts } from '../helpers/certs.ts'

/** Debian's interpreter: another python3 on the PATH may not see python3-pymodbus. */
const PYTHON = '/usr/bin/python3'
const SCRIPT = fileURLToPath(new URL('./fixtures/pymodbus-tls-client.py', import.meta.url))

interface Step {
  step: string
  ok: boolean
  result?: number[] | null
  exception?: number
  error?: string
}

/** Runs the client to its end (20 s at most) and returns its steps by name; rejects with its output otherwise. */
function runClient(port: number, who: CertPair, unit: number): Promise<Map<string, Step>> {
  return new Promise((resolve, reject) => {
    execFile(PYTHON, [SCRIPT, '127.0.0.1', String(port), certs.ca, who.cert, who.key, String(unit)], { timeout: 20_000, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      const lines = stdout.split('\n').filter((l) => l.trim() !== '')
      if (err || lines.at(-1) !== '{"done": true}') {
        return reject(new Error(`pymodbus-tls-client.py did not finish (${err?.message ?? 'no closing line'}); .ci/run installs python3-pymodbus\nstdout: ${stdout}\nstderr: ${stderr}`))
      }
      resolve(new Map(lines.slice(0, -1).map((l) => [JSON.parse(l).step as string, JSON.parse(l) as Step])))
    })
  })
}

const test = suite('pymodbus 3.0 TLS client (Debian python3-pymodbus) through the secured gateway')
let certs: TestCerts
let plc: SimulatedDevices
let device: ModbusServer
let gw: Gateway

test.before(async () => {
  certs = makeTestCerts()
  plc = buildDevices(defaultDeviceFile([1]))
  plc.units.get(1)!.data.setRegisters('holdingRegisters', 0, [0x1111, 0x2222, 0x3333])
  device = createServer('tcp://127.0.0.1:0', { context: plc.context })
  const at = await device.listen()
  gw = new Gateway(
    validateConfig({
      listen: [{ address: 'tls://127.0.0.1:0', cert: certs.server.cert, key: certs.server.key, ca: certs.ca }],
      buses: { plc: { address: at } },
      roles: { operator: {}, viewer: { readOnly: true } },
      routes: [{ units: 5, bus: 'plc', unit: 1 }],
    }),
  )
  await gw.start()
})
test.after(async () => {
  await gw.close()
  await device.close()
  certs.remove()
})

const port = () => (parseAddress(gw.listening[0]) as NetworkAddress).port

test('an operator certificate: pymodbus reads holding and input registers and writes one, MBAP inside TLS', async () => {
  const steps = await runClient(port(), certs.operator, 5)
  assert.equal(steps.get('connect'), { step: 'connect', ok: true, result: null })
  assert.equal(steps.get('read holding')?.result, [0x1111, 0x2222, 0x3333], JSON.stringify(steps.get('read holding')))
  assert.equal(steps.get('read input')?.result, [10, 11])
  assert.is(steps.get('write register')?.ok, true, JSON.stringify(steps.get('write register')))
  assert.equal(plc.units.get(1)!.data.readRegisters('holdingRegisters', 1, 1), [0x2222])
})

test('a viewer certificate: pymodbus reads; its write is answered exception 01', async () => {
  plc.units.get(1)!.data.setRegisters('holdingRegisters', 1, [0x0042])
  const steps = await runClient(port(), certs.viewer, 5)
  assert.equal(steps.get('read holding')?.result, [0x1111, 0x0042, 0x3333])
  assert.equal(steps.get('write register'), { step: 'write register', ok: false, exception: 1, function: 6 } as Step)
  assert.equal(plc.units.get(1)!.data.readRegisters('holdingRegisters', 1, 1), [0x0042], 'unchanged')
})

test.run()
