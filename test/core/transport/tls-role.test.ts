import { X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ModbusError } from '../../../core/index.ts'
import { MODBUS_ROLE_OID, readModbusRole } from '../../../core/transport/tls-role.ts'
import { makeTestCerts, type TestCerts } from '../../helpers/certs.ts'
import { prng } from '../../helpers/random.ts'

/** DER: tag, definite length (short or long form), contents. */
function der(tag: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts)
  const n = body.length
  const len = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff])
  return Buffer.concat([Buffer.from([tag]), len, body])
}
const h = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex')
/** 06 0b: the role OID 1.3.6.1.4.1.50316.802.1 (50316 = 83 89 0c, 802 = 86 22). */
const ROLE_OID = h('06 0b 2b 06 01 04 01 83 89 0c 86 22 01')
const KEY_USAGE_OID = h('06 03 55 1d 0f')

/** A certificate-shaped DER: version, serial, four empty SEQUENCEs, spki, then [3] Extensions when given. */
function certificate(extensions?: Buffer[]): Buffer {
  const tbs = der(0x30, der(0xa0, h('02 01 02')), h('02 01 01'), h('30 00'), h('30 00'), h('30 00'), h('30 00'), h('30 00'), ...(extensions ? [der(0xa3, der(0x30, ...extensions))] : []))
  return der(0x30, tbs, h('30 00'), h('03 01 00'))
}
const roleExtension = (value: Buffer, critical = false) => der(0x30, ROLE_OID, ...(critical ? [h('01 01 ff')] : []), der(0x04, value))
const utf8 = (text: string) => der(0x0c, Buffer.from(text, 'utf8'))

// ---
const fixtures = suite('Modbus role extension: hand-made DER (RFC 5280 layout, MB-TCP-Security §8.3)')

fixtures('the OID constant is the spec one, and its DER is 2b 06 01 04 01 83 89 0c 86 22 01', () => {
  assert.is(MODBUS_ROLE_OID, '1.3.6.1.4.1.50316.802.1')
  assert.is(readModbusRole(certificate([roleExtension(utf8('Operator'))])), 'Operator')
})

fixtures('found among other extensions, critical or not, and in any UTF-8', () => {
  const keyUsage = der(0x30, KEY_USAGE_OID, h('01 01 ff'), der(0x04, h('03 02 07 80')))
  assert.is(readModbusRole(certificate([keyUsage, roleExtension(utf8('opérateur'), true)])), 'opérateur')
  assert.is(readModbusRole(certificate([roleExtension(utf8('x'.repeat(300)))])), 'x'.repeat(300), 'long-form lengths')
})

fixtures('no role: a certificate without extensions, or without the role extension', () => {
  assert.is(readModbusRole(certificate()), undefined)
  assert.is(readModbusRole(certificate([der(0x30, KEY_USAGE_OID, der(0x04, h('03 02 07 80')))])), undefined)
})

/** One malformed case: DER and the error code expected. */
function bad(name: string, input: Buffer, code: string, message: string): void {
  fixtures(`malformed: ${name} → ${code}`, () => {
    try {
      readModbusRole(input)
      assert.unreachable(name)
    } catch (err) {
      assert.instance(err, ModbusError)
      assert.is((err as ModbusError).code, code)
      assert.match((err as Error).message, message)
    }
  })
}
bad('the role is a PrintableString', certificate([roleExtension(der(0x13, Buffer.from('operator')))]), 'MB_ERR_VALUE', 'expected the role as a UTF8String (tag 0x0c)')
bad('bytes after the UTF8String', certificate([roleExtension(Buffer.concat([utf8('operator'), h('00')]))]), 'MB_ERR_LENGTH', '1 bytes follow')
bad('extnValue is not an OCTET STRING', certificate([der(0x30, ROLE_OID, utf8('operator'))]), 'MB_ERR_VALUE', 'extnValue OCTET STRING')
bad('a five-byte length', h('30 85 00 00 00 00 01 00'), 'MB_ERR_LENGTH', 'DER uses 1 to 4')
bad('cut short', certificate([roleExtension(utf8('operator'))]).subarray(0, 40), 'MB_ERR_TRUNCATED', 'runs past the end')
bad('not a SEQUENCE', h('31 00'), 'MB_ERR_VALUE', 'Certificate SEQUENCE')

fixtures('hostile DER never escapes as anything but a ModbusError (seeded byte flips, 5000 runs)', () => {
  const base = certificate([der(0x30, KEY_USAGE_OID, der(0x04, h('03 02 07 80'))), roleExtension(utf8('operator'))])
  const seed = 0x5eed802
  const random = prng(seed)
  for (let run = 0; run < 5000; run++) {
    const input = Buffer.from(base)
    for (let flips = 1 + Math.floor(random() * 3); flips > 0; flips--) input[Math.floor(random() * input.length)] = Math.floor(random() * 256)
    try {
      const role = readModbusRole(input.subarray(0, Math.floor(random() * 4) === 0 ? Math.floor(random() * input.length) : input.length))
      assert.ok(role === undefined || typeof role === 'string')
    } catch (err) {
      if (!(err instanceof ModbusError)) assert.unreachable(`seed ${seed}, run ${run}: ${(err as Error).name}: ${(err as Error).message} on ${input.toString('hex')}`)
    }
  }
})
fixtures.run()

// ---
const real = suite('Modbus role extension: certificates made by Debian openssl')
let certs: TestCerts
real.before(() => {
  certs = makeTestCerts()
})
real.after(() => certs.remove())
const raw = (file: string) => new X509Certificate(readFileSync(file)).raw

real('-addext "1.3.6.1.4.1.50316.802.1=ASN1:UTF8String:operator" is read back as "operator"', () => {
  assert.is(readModbusRole(raw(certs.operator.cert)), 'operator')
  assert.is(readModbusRole(raw(certs.viewer.cert)), 'viewer')
  assert.is(readModbusRole(raw(certs.expired.cert)), 'operator', 'openssl ca keeps the extension')
})

real('a client certificate without the extension, the server certificate and the CA carry no role', () => {
  assert.is(readModbusRole(raw(certs.noRole.cert)), undefined)
  assert.is(readModbusRole(raw(certs.server.cert)), undefined)
  assert.is(readModbusRole(raw(certs.ca)), undefined)
})

real('ASN1:PRINTABLESTRING instead of UTF8String is refused as malformed', () => {
  try {
    readModbusRole(raw(certs.badRole.cert))
    assert.unreachable('a PrintableString role')
  } catch (err) {
    assert.is((err as ModbusError).code, 'MB_ERR_VALUE')
  }
})
real.run()
