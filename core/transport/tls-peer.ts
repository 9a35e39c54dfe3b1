/**
 * Who is at the other end of a TLS connection: the verified client certificate's subject, issuer
 * and Modbus role, in the one-line form logs and access decisions use.
 */
import type { TLSSocket } from 'node:tls'
import type { X509Certificate } from 'node:crypto'
import { ModbusError } from '../errors.ts'
import { readModbusRole } from './tls-role.ts'

/** The identity of a TLS peer. */
export interface TlsPeer {
  /** The certificate's subject on one line, e.g. "CN=operator-1, O=plant"; "" without a certificate. */
  readonly subject: string
  /** The issuer on one line. */
  readonly issuer: string
  /** The role from the Modbus role extension, or undefined when the certificate carries none. */
  readonly role: string | undefined
  /** Serial number, hex. */
  readonly serialNumber: string
  /** SHA-256 fingerprint, colon-separated hex. */
  readonly fingerprint256: string
  /** Negotiated protocol, e.g. "TLSv1.3". */
  readonly protocol: string
}

/** A distinguished name as X509Certificate gives it (one attribute a line), on one line, most specific first. */
export function oneLineName(name: string): string {
  return name
    .split('\n')
    .filter((l) => l !== '')
    .reverse()
    .join(', ')
}

/** What OpenSSL's verification code (TLSSocket.authorizationError) means, for refusals and logs. */
const PROBLEMS: Record<string, string> = {
  CERT_HAS_EXPIRED: 'the certificate has expired',
  CERT_NOT_YET_VALID: 'the certificate is not valid yet',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'it is not signed by a trusted CA',
  UNABLE_TO_GET_ISSUER_CERT: 'its issuer is not a trusted CA',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'its issuer is not a trusted CA',
  SELF_SIGNED_CERT_IN_CHAIN: 'its chain ends in an untrusted self-signed certificate',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'it is self-signed and not trusted',
  CERT_SIGNATURE_FAILURE: 'its signature does not verify',
  CERT_REVOKED: 'it has been revoked',
  INVALID_PURPOSE: 'it may not be used for TLS client authentication',
}

/** A verification failure in words, with OpenSSL's code: "the certificate has expired (CERT_HAS_EXPIRED)". */
export function certificateProblem(code: string | Error | null | undefined): string {
  const text = code instanceof Error ? ((code as NodeJS.ErrnoException).code ?? code.message) : (code ?? 'not authorized')
  return PROBLEMS[text] ? `${PROBLEMS[text]} (${text})` : text
}

/** The identity a certificate gives. Throws ModbusError when its role extension is malformed. */
export function peerOfCertificate(cert: X509Certificate | undefined, protocol: string): TlsPeer {
  if (!cert) return { subject: '', issuer: '', role: undefined, serialNumber: '', fingerprint256: '', protocol }
  let role: string | undefined
  try {
    role = readModbusRole(cert.raw)
  } catch (err) {
    const subject = oneLineName(cert.subject)
    throw new ModbusError((err as ModbusError).code ?? 'MB_ERR_VALUE', `certificate ${subject} has a malformed Modbus role extension: ${(err as Error).message}`, { cause: err })
  }
  return {
    subject: oneLineName(cert.subject),
    issuer: oneLineName(cert.issuer),
    role,
    serialNumber: cert.serialNumber,
    fingerprint256: cert.fingerprint256,
    protocol,
  }
}

/** The identity of the peer of a secured socket. Throws ModbusError when its role extension is malformed. */
export function tlsPeerOf(socket: TLSSocket): TlsPeer {
  return peerOfCertificate(socket.getPeerX509Certificate(), socket.getProtocol() ?? '')
}
