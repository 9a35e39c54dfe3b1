/**
 * What a request touches, so a reply can be judged against the profile: the table and address
 * range, whether it writes, and whether the profile says the device has it.
 */
import type { Message } from '../../core/index.ts'
import { covers, readable, writable, type DeviceProfile } from '../profile.ts'

/** What the profile says about a request: served normally, or which exception is right. */
export type Expectation = { kind: 'normal' } | { kind: 'exception'; codes: number[]; why: string }

const TABLE_OF: Record<string, 'coils' | 'discreteInputs' | 'holdingRegisters' | 'inputRegisters'> = {
  readCoils: 'coils',
  readDiscreteInputs: 'discreteInputs',
  readHoldingRegisters: 'holdingRegisters',
  readInputRegisters: 'inputRegisters',
}

/** The right answer to a well-formed request, from the profile. */
export function expectationFor(profile: DeviceProfile, fc: number, m: Message): Expectation {
  if (!profile.functions.includes(fc)) return { kind: 'exception', codes: [0x01], why: `function ${fc} is not claimed by the profile` }
  const r = m as unknown as Record<string, any>
  const outside = (what: string): Expectation => ({ kind: 'exception', codes: [0x02], why: `${what} is outside the profile's map` })
  switch (m.function) {
    case 'readCoils':
    case 'readDiscreteInputs':
    case 'readHoldingRegisters':
    case 'readInputRegisters': {
      const table = TABLE_OF[m.function]
      return readable(profile, table, r.address, r.quantity) ? { kind: 'normal' } : outside(`${table} ${r.address}..${r.address + r.quantity - 1}`)
    }
    case 'writeSingleCoil':
      return writable(profile, 'coils', r.address, 1) ? { kind: 'normal' } : outside(`coil ${r.address}`)
    case 'writeMultipleCoils':
      return writable(profile, 'coils', r.address, r.values.length) ? { kind: 'normal' } : outside(`coils ${r.address}..${r.address + r.values.length - 1}`)
    case 'writeSingleRegister':
    case 'maskWriteRegister':
      return writable(profile, 'holdingRegisters', r.address, 1) ? { kind: 'normal' } : outside(`holding register ${r.address}`)
    case 'writeMultipleRegisters':
      return writable(profile, 'holdingRegisters', r.address, r.values.length) ? { kind: 'normal' } : outside(`holding registers ${r.address}..${r.address + r.values.length - 1}`)
    case 'readWriteMultipleRegisters':
      if (!writable(profile, 'holdingRegisters', r.writeAddress, r.values.length)) return outside(`holding registers ${r.writeAddress}.. (write)`)
      return readable(profile, 'holdingRegisters', r.readAddress, r.readQuantity) ? { kind: 'normal' } : outside(`holding registers ${r.readAddress}.. (read)`)
    case 'readFileRecord':
    case 'writeFileRecord': {
      const files = profile.files ?? []
      for (const sub of r.records) {
        const f = files.find((x) => x.file === sub.file)
        const length = sub.length ?? sub.values.length
        if (!f || !covers([[0, f.records - 1]], sub.record, length)) return outside(`file ${sub.file} records ${sub.record}..${sub.record + length - 1}`)
      }
      return { kind: 'normal' }
    }
    case 'readFifoQueue':
      return (profile.fifos ?? []).includes(r.address) ? { kind: 'normal' } : outside(`FIFO ${r.address}`)
    case 'diagnostics':
      if (profile.diagnostics && !profile.diagnostics.includes(r.subFunction)) {
        return { kind: 'exception', codes: [0x01], why: `diagnostics sub-function ${r.subFunction} is not claimed by the profile` }
      }
      return { kind: 'normal' }
    case 'encapsulatedInterfaceTransport':
      return { kind: 'exception', codes: [0x01], why: `MEI type ${r.meiType} is not claimed (only 0x0E is judged)` }
    case 'readDeviceIdentification':
      if (r.readCode === 4) {
        const ids = Object.keys(profile.identity ?? {}).map(Number)
        return ids.includes(r.objectId) ? { kind: 'normal' } : { kind: 'exception', codes: [0x02], why: `object ${r.objectId} is not in the profile's identity` }
      }
      return { kind: 'normal' }
    default:
      return { kind: 'normal' }
  }
}
