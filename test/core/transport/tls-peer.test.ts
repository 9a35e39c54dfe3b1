import { X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ModbusError } from '../../../core/index.ts'
import { certificateProblem, oneLineName, peerOfCertificate } from '../../../core/transport/tls-peer.ts'
import { makeTestCerts, type TestCerts } from '../../helpers/certs.ts'

const test = suite('TLS peer identity: subject, issuer and Modbus role of a certificate')
let certs: TestCerts
test.before(() => {
  certs = makeTestCerts()
})
test.after(() => certs.remove())
const x509 = (file: string) => new X509Certificate(readFileSync(file))

test('subject and issuer on one line, most specific first; the role from the extension', () => {
  const peer = peerOfCertificate(x509(certs.operator.cert), 'TLSv1.3')
  assert.is(peer.subject, 'CN=operator-1, O=plant')
  assert.is(peer.issuer, 'CN=modbridge test CA, O=modbridge tests')
  assert.is(peer.role, 'operator')
  assert.is(peer.protocol, 'TLSv1.3')
  assert.match(peer.fingerprint256, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/)
  assert.is(peerOfCertificate(x509(certs.noRole.cert), 'TLSv1.2').role, undefined)
})

test('no certificate: an empty identity', () => {
  assert.equal(peerOfCertificate(undefined, 'TLSv1.3'), { subject: '', issuer: '', role: undefined, serialNumber: '', fingerprint256: '', protocol: 'TLSv1.3' })
})

test('a malformed role extension names the certificate', () => {
  try {
    peerOfCertificate(x509(certs.badRole.cert), 'TLSv1.3')
    assert.unreachable('bad role')
  } catch (err) {
    assert.instance(err, ModbusError)
    assert.match((err as Error).message, 'certificate CN=bad-role-1, O=plant has a malformed Modbus role extension')
  }
})

test('OpenSSL verification codes in words, the code kept', () => {
  assert.is(certificateProblem('CERT_HAS_EXPIRED'), 'the certificate has expired (CERT_HAS_EXPIRED)')
  assert.is(certificateProblem('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), 'it is not signed by a trusted CA (UNABLE_TO_VERIFY_LEAF_SIGNATURE)')
  assert.is(certificateProblem('SOMETHING_NEW'), 'SOMETHING_NEW')
  assert.is(certificateProblem(undefined), 'not authorized')
  assert.is(oneLineName('C=DE\nO=plant\nCN=x'), 'CN=x, O=plant, C=DE')
})

test.run()
