/**
 * Test certificates made at test time with Debian's openssl (EC P-256 keys, fast): a CA, a server
 * certificate for 127.0.0.1, ::1 and localhost, client certificates with and without the Modbus
 * role extension (OID 1.3.6.1.4.1.50316.802.1, a UTF8String), one whose role is not a UTF8String,
 * an expired one, and one from another CA. The README's "Securing a gateway" shows the same commands.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A certificate and its key, as file paths. */
export interface CertPair {
  cert: string
  key: string
}

/** Every file the tests use, in one temporary directory. */
export interface TestCerts {
  dir: string
  /** The CA that signs the server and the good clients. */
  ca: string
  server: CertPair
  /** Role "operator". */
  operator: CertPair
  /** Role "viewer". */
  viewer: CertPair
  /** No role extension. */
  noRole: CertPair
  /** The role extension holds a PrintableString, not the UTF8String the spec asks for. */
  badRole: CertPair
  /** Role "operator", valid from 2020-01-01 to 2020-02-01. */
  expired: CertPair
  /** Role "operator", signed by another CA with the same name. */
  foreign: CertPair
  /** The other CA (trusted by nobody). */
  foreignCa: string
  /** A client target for `port` with the CA and the client certificate `who`. */
  target(port: number, who?: CertPair, host?: string): string
  /** Deletes the directory. */
  remove(): void
}

const ROLE_OID = '1.3.6.1.4.1.50316.802.1'
const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] })
}

/** A self-signed CA. */
function makeCa(dir: string, name: string, subject: string): string {
  openssl(dir, ['req', '-x509', ...EC, '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '3650', '-subj', subject, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'])
  return join(dir, `${name}.pem`)
}

/** A key and CSR, then a certificate signed by `ca` with the extensions in `ext` (one per line). */
function makeCert(dir: string, name: string, subject: string, ca: string, ext: string[], dates?: { start: string; end: string }): CertPair {
  openssl(dir, ['req', ...EC, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject])
  writeFileSync(join(dir, `${name}.ext`), ext.join('\n') + '\n')
  if (!dates) {
    openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-days', '30', '-out', `${name}.pem`, '-extfile', `${name}.ext`])
  } else {
    // openssl 3.0's x509 has no -not_before: `openssl ca` sets past dates (it needs a small database).
    writeFileSync(join(dir, 'index.txt'), '')
    writeFileSync(join(dir, 'serial'), '1000\n')
    writeFileSync(join(dir, 'ca.cnf'), ['[ca]', 'default_ca = test', '[test]', 'database = index.txt', 'new_certs_dir = .', 'serial = serial', 'default_md = sha256', 'policy = any', 'unique_subject = no', '[any]', 'commonName = supplied', 'organizationName = optional'].join('\n') + '\n')
    openssl(dir, ['ca', '-batch', '-config', 'ca.cnf', '-cert', `${ca}.pem`, '-keyfile', `${ca}.key`, '-in', `${name}.csr`, '-out', `${name}.pem`, '-startdate', dates.start, '-enddate', dates.end, '-notext', '-extfile', `${name}.ext`])
  }
  return { cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) }
}

const client = (role?: string, type = 'UTF8String') => ['basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature', 'extendedKeyUsage=clientAuth', ...(role ? [`${ROLE_OID}=ASN1:${type}:${role}`] : [])]

/** Makes every test certificate in a new temporary directory (about 0.3 s). */
export function makeTestCerts(): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), 'modbridge-certs-'))
  const ca = makeCa(dir, 'ca', '/O=modbridge tests/CN=modbridge test CA')
  const foreignCa = makeCa(dir, 'foreign-ca', '/O=modbridge tests/CN=modbridge test CA')
  const server = makeCert(dir, 'server', '/O=modbridge tests/CN=gateway', 'ca', ['basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature', 'extendedKeyUsage=serverAuth', 'subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost'])
  const certs: TestCerts = {
    dir,
    ca,
    server,
    operator: makeCert(dir, 'operator', '/O=plant/CN=operator-1', 'ca', client('operator')),
    viewer: makeCert(dir, 'viewer', '/O=plant/CN=viewer-1', 'ca', client('viewer')),
    noRole: makeCert(dir, 'no-role', '/O=plant/CN=no-role-1', 'ca', client()),
    badRole: makeCert(dir, 'bad-role', '/O=plant/CN=bad-role-1', 'ca', client('operator', 'PRINTABLESTRING')),
    expired: makeCert(dir, 'expired', '/O=plant/CN=expired-1', 'ca', client('operator'), { start: '20200101000000Z', end: '20200201000000Z' }),
    foreign: makeCert(dir, 'foreign', '/O=plant/CN=foreign-1', 'foreign-ca', client('operator')),
    foreignCa,
    target: (port, who, host = '127.0.0.1') => {
      const h = host.includes(':') ? `[${host}]` : host
      return `tls://${h}:${port}?ca=${ca}${who ? `&cert=${who.cert}&key=${who.key}` : ''}`
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  }
  return certs
}
