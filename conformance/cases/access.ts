/**
 * What the profile says the answer to a well-formed request is, in the order of the spec's state
 * diagrams (§6.x, figure per function; §7): the function is claimed (else 01), then its
 * sub-function or MEI type (else 01), then every span of data the request touches — which the
 * registry tells — lies in the profile's map (else 02).
 */
import { defaultRegistry, EXCEPTION_CODES, FUNCTION_CODES, hex, MEI_READ_DEVICE_ID, READ_DEVICE_ID_CODES, type Access, type Message, type ReadDeviceIdentificationRequest, type Registry } from '../../core/index.ts'
import { covers, readable, writable, type DeviceProfile } from '../profile.ts'

/** What the profile says about a request: served normally, or which exception is right. */
export type Expectation = { kind: 'normal' } | { kind: 'exception'; codes: number[]; why: string }

const NORMAL: Expectation = { kind: 'normal' }

function refuse(code: number, why: string): Expectation {
  return { kind: 'exception', codes: [code], why }
}

/**
 * The sub-functions (08) or MEI types (2B) the profile claims for a function, or undefined when
 * they are not judged. 2B: only Read Device Identification is judged; the profile cannot claim
 * other MEI types, so they must draw 01.
 */
function claimedSubFunctions(profile: DeviceProfile, code: number): readonly number[] | undefined {
  if (code === FUNCTION_CODES.diagnostics) return profile.diagnostics
  if (code === FUNCTION_CODES.encapsulatedInterfaceTransport) return profile.meiTypes ?? [MEI_READ_DEVICE_ID]
  return undefined
}

function subFunctionRefused(code: number, sub: number): string {
  return code === FUNCTION_CODES.diagnostics ? `diagnostics sub-function ${sub} is not claimed by the profile` : `MEI type ${hex(sub)} is not claimed by the profile`
}

/**
 * The exception 01 a request draws before anything else is looked at (§7 and the state diagram of
 * each function: function code supported, then sub-function or MEI type supported), or null when
 * the profile claims both. Needs only the request's first bytes, so it applies to malformed
 * requests too: a device judges support before data values (03) and addresses (02).
 */
export function unsupported(profile: DeviceProfile, pdu: Buffer, registry: Registry = defaultRegistry): Expectation | null {
  const facts = registry.facts(pdu)
  if (!profile.functions.includes(facts.code)) return refuse(EXCEPTION_CODES.illegalFunction, `function ${facts.code} is not claimed by the profile`)
  const claimed = claimedSubFunctions(profile, facts.code)
  if (claimed && facts.subFunction !== undefined && !claimed.includes(facts.subFunction)) {
    return refuse(EXCEPTION_CODES.illegalFunction, subFunctionRefused(facts.code, facts.subFunction))
  }
  return null
}

const TABLE_NAMES: Record<Access['table'], string> = {
  coils: 'coils',
  discreteInputs: 'discrete inputs',
  holdingRegisters: 'holding registers',
  inputRegisters: 'input registers',
  file: 'file',
  fifo: 'FIFO',
}

/** A span as the report shows it: `holding registers 5..9 (write)`, `file 1 records 0..3`, `FIFO 1246`. */
function describe(a: Access): string {
  const last = a.address + a.quantity - 1
  if (a.table === 'fifo') return `FIFO ${a.address}`
  if (a.table === 'file') return `file ${a.file} records ${a.address}..${last}`
  return `${TABLE_NAMES[a.table]} ${a.address}..${last}${a.write ? ' (write)' : ''}`
}

/** True when the profile says the device has the span, for reading or (a.write) writing. */
function inProfile(profile: DeviceProfile, a: Access): boolean {
  switch (a.table) {
    case 'coils':
    case 'holdingRegisters':
      return a.write ? writable(profile, a.table, a.address, a.quantity) : readable(profile, a.table, a.address, a.quantity)
    case 'discreteInputs':
    case 'inputRegisters':
      return !a.write && readable(profile, a.table, a.address, a.quantity)
    case 'file': {
      const f = profile.files?.find((x) => x.file === a.file)
      return f !== undefined && covers([[0, f.records - 1]], a.address, a.quantity)
    }
    case 'fifo':
      return (profile.fifos ?? []).includes(a.address)
  }
}

function isDeviceIdRequest(m: Message): m is ReadDeviceIdentificationRequest {
  return m.function === 'readDeviceIdentification' && 'readCode' in m && 'objectId' in m
}

/**
 * The right answer to a well-formed request (`pdu`, and `request` as decoded), from the profile.
 * The registry tells the function's sub-function and the data it touches.
 */
export function expectationFor(profile: DeviceProfile, pdu: Buffer, request: Message, registry: Registry = defaultRegistry): Expectation {
  const support = unsupported(profile, pdu, registry)
  if (support) return support
  for (const a of registry.access(request) ?? []) {
    if (!inProfile(profile, a)) return refuse(EXCEPTION_CODES.illegalDataAddress, `${describe(a)} is outside the profile's map`)
  }
  // Individual access (§6.21, read code 04) names one object: the profile's identity lists them.
  if (isDeviceIdRequest(request) && request.readCode === READ_DEVICE_ID_CODES.specific) {
    const ids = Object.keys(profile.identity ?? {}).map(Number)
    if (!ids.includes(request.objectId)) return refuse(EXCEPTION_CODES.illegalDataAddress, `object ${request.objectId} is not in the profile's identity`)
  }
  return NORMAL
}
