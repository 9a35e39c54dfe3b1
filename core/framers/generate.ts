/**
 * The message generator of the reference: one ADU per function code (and per diagnostics
 * sub-function) built from the registry's examples, which use the generator defaults —
 * address 0x12, quantity 8, value 1, values eight 1s.
 */
import { prepare } from '../pdu/codec.ts'
import { defaultRegistry } from '../pdu/default-registry.ts'
import type { Registry } from '../pdu/registry.ts'
import { createFramer } from './create.ts'
import type { FramerKind } from './types.ts'

/** One generated line. */
export interface GeneratedFrame {
  name: string
  functionCode: number
  adu: Buffer
}

/** Options for generateFrames. */
export interface GenerateOptions {
  direction: 'request' | 'response'
  /** Default 0xFF. */
  unit?: number
  /** Default 1. */
  tid?: number
  registry?: Registry
}

/** ADUs for every registered function code's examples. */
export function generateFrames(kind: FramerKind, options: GenerateOptions): GeneratedFrame[] {
  const registry = options.registry ?? defaultRegistry
  const framer = createFramer(kind)
  const out: GeneratedFrame[] = []
  for (const spec of registry.list()) {
    for (const example of spec.examples?.() ?? []) {
      const msg = options.direction === 'request' ? example.request : example.response
      if (msg === undefined) continue
      const writer = prepare(msg, options.direction, registry)
      out.push({
        name: example.label && example.label !== spec.name ? `${spec.name}/${example.label}` : spec.name,
        functionCode: spec.code,
        adu: framer.encodeWith(options.unit ?? 0xff, writer, options.tid ?? 1),
      })
    }
  }
  return out
}
