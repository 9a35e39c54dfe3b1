/**
 * The Modbus role of a client certificate (MB-TCP-Security v21 §8.3, mbaps Role-Based Client
 * Authorization): an X.509v3 extension with OID 1.3.6.1.4.1.50316.802.1 whose value is one
 * UTF8String, e.g. "Operator". Node decodes no private extension, so this walks the certificate's
 * DER just far enough to find it — nothing is verified here: the certificate has already passed
 * the TLS handshake's checks.
 *
 * Byte layout walked (RFC 5280 §4.1; DER tag, length, contents):
 *
 *   30 Certificate
 *     30 TBSCertificate
 *       [a0 version]  02 serial  30 signature  30 issuer  30 validity  30 subject  30 spki
 *       [81 issuerUniqueID]  [82 subjectUniqueID]
 *       a3 [3] EXPLICIT
 *         30 Extensions
 *           30 Extension   06 extnID   [01 critical]   04 extnValue
 *                                                         0c UTF8String   ← the role
 */
import { ModbusError } from '../errors.ts'

/** OID of the Modbus role extension. */
export const MODBUS_ROLE_OID = '1.3.6.1.4.1.50316.802.1'

const TAG_BOOLEAN = 0x01
const TAG_OCTET_STRING = 0x04
const TAG_OID = 0x06
const TAG_UTF8_STRING = 0x0c
const TAG_SEQUENCE = 0x30
const TAG_EXTENSIONS = 0xa3

/** The contents bytes of an OID in DER (without tag and length), built once. */
function encodeOid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number)
  const bytes: number[] = [arcs[0] * 40 + arcs[1]]
  for (const arc of arcs.slice(2)) {
    const groups: number[] = []
    let v = arc
    do {
      groups.unshift(v & 0x7f)
      v = Math.floor(v / 128)
    } while (v > 0)
    for (let i = 0; i < groups.length - 1; i++) groups[i] |= 0x80
    bytes.push(...groups)
  }
  return Buffer.from(bytes)
}

const ROLE_OID_BYTES = encodeOid(MODBUS_ROLE_OID)

/** One DER element: its tag, and where its contents start and end. */
interface Element {
  tag: number
  start: number
  end: number
}

function truncated(what: string, offset: number): never {
  throw new ModbusError('MB_ERR_TRUNCATED', `certificate DER: ${what} at offset ${offset} runs past the end of its enclosing element`)
}

/** Reads the element at `offset`, which must end by `limit`. Definite lengths only (DER). */
function element(der: Buffer, offset: number, limit: number): Element {
  if (offset + 2 > limit) truncated('a tag and length', offset)
  const tag = der[offset]
  let length = der[offset + 1]
  let start = offset + 2
  if (length & 0x80) {
    const n = length & 0x7f
    if (n === 0 || n > 4) throw new ModbusError('MB_ERR_LENGTH', `certificate DER: length of ${n} bytes at offset ${offset + 1} (DER uses 1 to 4)`)
    if (start + n > limit) truncated('a long-form length', offset + 1)
    length = 0
    for (let i = 0; i < n; i++) length = length * 256 + der[start + i]
    start += n
  }
  if (start + length > limit) truncated(`an element with tag ${tag.toString(16).padStart(2, '0')} of ${length} bytes`, offset)
  return { tag, start, end: start + length }
}

function expect(e: Element, tag: number, what: string, offset: number): Element {
  if (e.tag !== tag) throw new ModbusError('MB_ERR_VALUE', `certificate DER: expected ${what} (tag 0x${tag.toString(16).padStart(2, '0')}) at offset ${offset}, got 0x${e.tag.toString(16).padStart(2, '0')}`)
  return e
}

/** The Extensions SEQUENCE of a certificate, or undefined when it has none (a v1 certificate). */
function extensionsOf(der: Buffer): Element | undefined {
  const cert = expect(element(der, 0, der.length), TAG_SEQUENCE, 'Certificate SEQUENCE', 0)
  const tbs = expect(element(der, cert.start, cert.end), TAG_SEQUENCE, 'TBSCertificate SEQUENCE', cert.start)
  for (let at = tbs.start; at < tbs.end; ) {
    const e = element(der, at, tbs.end)
    if (e.tag === TAG_EXTENSIONS) return expect(element(der, e.start, e.end), TAG_SEQUENCE, 'Extensions SEQUENCE', e.start)
    at = e.end
  }
  return undefined
}

/**
 * The role a certificate (DER, as X509Certificate.raw gives it) carries in the Modbus role
 * extension, or undefined when it carries none. Throws ModbusError (MB_ERR_VALUE, MB_ERR_TRUNCATED,
 * MB_ERR_LENGTH) when the DER, or the extension's value, is not what the spec says.
 */
export function readModbusRole(der: Buffer): string | undefined {
  const exts = extensionsOf(der)
  if (!exts) return undefined
  for (let at = exts.start; at < exts.end; ) {
    const ext = expect(element(der, at, exts.end), TAG_SEQUENCE, 'Extension SEQUENCE', at)
    at = ext.end
    const id = expect(element(der, ext.start, ext.end), TAG_OID, 'extnID OBJECT IDENTIFIER', ext.start)
    if (!der.subarray(id.start, id.end).equals(ROLE_OID_BYTES)) continue
    let next = element(der, id.end, ext.end)
    if (next.tag === TAG_BOOLEAN) next = element(der, next.end, ext.end)
    const value = expect(next, TAG_OCTET_STRING, 'extnValue OCTET STRING', id.end)
    const role = expect(element(der, value.start, value.end), TAG_UTF8_STRING, 'the role as a UTF8String', value.start)
    if (role.end !== value.end) throw new ModbusError('MB_ERR_LENGTH', `certificate DER: ${value.end - role.end} bytes follow the role's UTF8String at offset ${role.end}`)
    return der.toString('utf8', role.start, role.end)
  }
  return undefined
}
