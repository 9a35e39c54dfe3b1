/**
 * How the CLI prints results and errors: JSON on stdout, and each error as one line on stderr —
 * never a stack trace (MODBRIDGE_DEBUG=1 adds it, for a bug report).
 */
import { ModbusError } from '../core/errors.ts'

/** Prints one JSON value per line. */
export function printJson(value: unknown, pretty = false): void {
  process.stdout.write(JSON.stringify(value, null, pretty ? 2 : undefined) + '\n')
}

/** The one-line form of an error: `CODE: message` for a ModbusError, else the message. */
export function errorText(err: unknown): string {
  const text = err instanceof ModbusError ? `${err.code}: ${err.message}` : err instanceof Error ? err.message : String(err)
  return text.replace(/\s*\n\s*/g, ' ').trim()
}

/** Prints an error as `modbridge: CODE: message` and sets a failing exit code. */
export function reportCliError(err: unknown): void {
  process.stderr.write(`modbridge: ${errorText(err)}\n`)
  if (process.env.MODBRIDGE_DEBUG && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n')
  process.exitCode = 2
}
