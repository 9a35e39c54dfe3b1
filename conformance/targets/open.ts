/**
 * Opens the target an address names.
 */
import { isSerial, parseAddress } from '../../core/index.ts'
import { type ByteLink } from '../../core/transport/link.ts'
import { openNetworkTarget } from './network.ts'
import { openSerialTarget } from './serial.ts'
import type { RawTarget } from './target.ts'

/** A raw target for any address of the grammar. */
export function openTarget(address: string, link?: ByteLink): Promise<RawTarget> {
  const a = parseAddress(address)
  return isSerial(a) ? openSerialTarget(a, link) : openNetworkTarget(a)
}
