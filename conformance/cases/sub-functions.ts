/**
 * The diagnostics (08) sub-functions the runner names, looked up in core's table so that their
 * codes live in one place.
 */
import { ArgumentError, DIAGNOSTIC_SUB_FUNCTIONS } from '../../core/index.ts'

function codeOf(name: string): number {
  const sub = DIAGNOSTIC_SUB_FUNCTIONS.find((s) => s.name === name)
  if (!sub) throw new ArgumentError(`diagnostics sub-function ${name} is not in core's table`)
  return sub.code
}

/** Codes of the sub-functions the cases and the probe send or skip, by their Serial Line guide names. */
export const SUB_FUNCTIONS = {
  returnQueryData: codeOf('returnQueryData'),
  restartCommunicationsOption: codeOf('restartCommunicationsOption'),
  changeAsciiInputDelimiter: codeOf('changeAsciiInputDelimiter'),
  forceListenOnlyMode: codeOf('forceListenOnlyMode'),
} as const
