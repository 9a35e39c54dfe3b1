/**
 * One entry to build any framer by name, for addresses and the CLI.
 */
import type { Registry } from '../pdu/registry.ts'
import { createAsciiFramer } from './ascii.ts'
import { createBinaryFramer } from './binary.ts'
import { createRtuFramer } from './rtu.ts'
import { createTcpFramer } from './tcp.ts'
import type { Framer, FramerKind } from './types.ts'

/** Options for createFramer. */
export interface CreateFramerOptions {
  /** RTU: which side to decode (default request). */
  expect?: 'request' | 'response'
  registry?: Registry
  /** RTU: end unknown-length frames when the CRC checks. */
  probe?: boolean
}

/** Framer names in the order the CLI lists them. */
export const FRAMER_KINDS: readonly FramerKind[] = ['tcp', 'rtu', 'ascii', 'binary']

/** Builds a framer of `kind`. */
export function createFramer(kind: FramerKind, options: CreateFramerOptions = {}): Framer {
  switch (kind) {
    case 'tcp':
      return createTcpFramer()
    case 'rtu':
      return createRtuFramer({ expect: options.expect ?? 'request', registry: options.registry, probe: options.probe })
    case 'ascii':
      return createAsciiFramer()
    case 'binary':
      return createBinaryFramer()
  }
}
