/**
 * Function codes no function uses: a device must answer each with exception 01 (§7). Which codes
 * those are follows from §5.1 and the registry, not from a list kept here: of the public codes
 * 1..127, every one the registry does not define, less the user-defined ranges and the reserved
 * codes, which a device may legitimately implement.
 */
import { defaultRegistry, EXCEPTION_CODES, hex, type Registry } from '../../core/index.ts'
import type { Range } from '../profile.ts'
import { expectException, send, type CaseDefinition } from './case.ts'

/** §5.1: the highest function code; 128..255 mark exception responses. */
const LAST_FUNCTION_CODE = 127

/** §5.1: the two ranges of user-defined function codes. */
const USER_DEFINED: readonly Range[] = [
  [65, 72],
  [100, 110],
]

/** §5.1 and Annex A: reserved codes, used by some companies for legacy products. */
const RESERVED: readonly number[] = [9, 10, 13, 14, 41, 42, 90, 91, 125, 126, 127]

/** Every public function code that is unassigned: neither defined by `registry`, user-defined nor reserved. */
export function unassignedFunctionCodes(registry: Registry = defaultRegistry): number[] {
  const codes: number[] = []
  for (let code = 1; code <= LAST_FUNCTION_CODE; code++) {
    if (registry.get(code) || RESERVED.includes(code) || USER_DEFINED.some(([first, last]) => code >= first && code <= last)) continue
    codes.push(code)
  }
  return codes
}

/**
 * The codes the runner sends: the first and the last of every run of consecutive unassigned codes.
 * A device's dispatch table is wrong, if anywhere, at the edges of what it defines; a dozen codes
 * find that, where all 78 would cost a device that stays silent 78 reply timeouts.
 */
export function unassignedProbes(codes: readonly number[]): number[] {
  return codes.filter((code, i) => codes[i - 1] !== code - 1 || codes[i + 1] !== code + 1)
}

/** The unassigned codes of the default registry that the runner sends. */
export const UNASSIGNED_FUNCTION_CODES: readonly number[] = unassignedProbes(unassignedFunctionCodes())

/** Unassigned function codes → 01. */
export function unassignedCases(registry: Registry = defaultRegistry): CaseDefinition[] {
  return unassignedProbes(unassignedFunctionCodes(registry)).map((fc) => ({
    id: `function.unassigned-${fc.toString(16).padStart(2, '0')}`,
    title: `unassigned function code ${fc} (${hex(fc)}) is answered with exception 01`,
    spec: '§7 (01), §5.1',
    severity: 'must' as const,
    level: 'interop' as const,
    category: 'exception' as const,
    functionCode: fc,
    async run(ctx) {
      // A body shaped like a read (address 0, quantity 1), so that the device cannot refuse it for its length.
      const { adu, exchange } = await send(ctx, Buffer.from([fc, 0, 0, 0, 1]))
      return expectException(ctx, adu, exchange, fc, [EXCEPTION_CODES.illegalFunction], 'no such function')
    },
  }))
}
