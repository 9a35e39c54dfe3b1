/**
 * Label values of the gateway's Prometheus metrics, kept to a bounded set. Every distinct label
 * value is a time series Prometheus stores for good, and the values here come from the wire: a
 * client scanning units or function codes, or a device replying with made-up exception codes,
 * must not be able to create series without limit. So:
 * - `unit`: the unit id in decimal. A unit takes a value of its own the first time one of its
 *   requests is forwarded to a bus (or broadcast), up to a cap per gateway; any other unit —
 *   beyond the cap, or only ever refused by the router — is `other`.
 * - `function`: the function code in decimal (`3` is Read Holding Registers) when the registry
 *   knows it, else `other`.
 * - `exception`: the exception code in decimal (`2`, `11`) when the spec defines it, else `other`.
 * - `outcome`: one of {@link OUTCOME_LABELS}.
 */
import { EXCEPTION_CODES, type Registry } from '../core/index.ts'
import type { TransactionEvent } from './gateway.ts'

/** The value standing for everything beyond the bounded set. */
export const OTHER_LABEL = 'other'

/**
 * Default cap on distinct `unit` label values per gateway: the devices of two full RS-485
 * segments (32 unit loads each). Raise it for a gateway in front of more devices.
 */
export const DEFAULT_MAX_UNIT_LABELS = 64

/** The `outcome` label by outcome kind: snake_case, as Prometheus label values usually are. */
export const OUTCOME_LABELS: Record<TransactionEvent['outcome'], string> = {
  reply: 'reply',
  exception: 'exception',
  timeout: 'timeout',
  unavailable: 'unavailable',
  transportError: 'transport_error',
  silent: 'silent',
  refused: 'refused',
  dropped: 'dropped',
}

const KNOWN_EXCEPTIONS = new Set<number>(Object.values(EXCEPTION_CODES))

/** The `exception` label of an exception code. */
export function exceptionLabel(code: number): string {
  return KNOWN_EXCEPTIONS.has(code) ? String(code) : OTHER_LABEL
}

/** Unit label values, first come first served up to a cap. */
export class UnitLabels {
  private readonly labels: (string | undefined)[] = new Array(256)
  private taken = 0

  constructor(private readonly max: number) {}

  /** The label of `unit`; `admit` says whether a unit with no label yet may take one. */
  of(unit: number, admit: boolean): string {
    const known = this.labels[unit]
    if (known !== undefined) return known
    if (!admit || this.taken >= this.max || unit < 0 || unit > 255) return OTHER_LABEL
    this.taken++
    return (this.labels[unit] = String(unit))
  }
}

/** Function labels: decimal for codes the registry knows, decided once per code. */
export class FunctionLabels {
  private readonly labels: (string | undefined)[] = new Array(256)

  constructor(private readonly registry: Registry) {}

  /** The label of function code `code`. */
  of(code: number): string {
    const known = this.labels[code]
    if (known !== undefined) return known
    // Codes with the top bit set are exception replies, never requests.
    const label = code > 0 && code < 0x80 && this.registry.get(code) !== undefined ? String(code) : OTHER_LABEL
    if (code >= 0 && code <= 255) this.labels[code] = label
    return label
  }
}
