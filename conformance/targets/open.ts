/**
 * Opens the target an address names.
 */
import { defaultRegistry, isSerial, parseAddress, type Registry } from '../../core/index.ts'
import { type ByteLink } from '../../core/transport/link.ts'
import type { TargetCapture } from './capture.ts'
import { openNetworkTarget } from './network.ts'
import { openSerialTarget } from './serial.ts'
import type { RawTarget } from './target.ts'

/** How a target is opened. */
export interface OpenOptions {
  /** Serial: an open link instead of the port (virtual lines, tests). */
  link?: ByteLink
  /** Frames replies and attributes them by reply rule (user function codes included). */
  registry?: Registry
  /** Network: how long re-opening a dropped connection may take, back-off included, ms. */
  reconnectMs?: number
  /** Records what the target sends and receives. */
  capture?: TargetCapture
}

/** A raw target for any address of the grammar. */
export function openTarget(address: string, options: OpenOptions = {}): Promise<RawTarget> {
  const a = parseAddress(address)
  const registry = options.registry ?? defaultRegistry
  const tap = options.capture?.forTarget(a)
  return isSerial(a) ? openSerialTarget(a, registry, options.link, tap) : openNetworkTarget(a, { registry, reconnectMs: options.reconnectMs, tap })
}
