/**
 * How the CLI prints results and errors: JSON on stdout, clear one-line errors on stderr.
 */
import { ModbusError } from '../core/index.ts'

/** Prints one JSON value per line. */
export function printJson(value: unknown, pretty = false): void {
  process.stdout.write(JSON.stringify(value, null, pretty ? 2 : undefined) + '\n')
}

/** Prints an error as `modbridge: CODE: message` and sets a failing exit code. */
export function reportCliError(err: unknown): void {
  if (err instanceof ModbusError) process.stderr.write(`modbridge: ${err.code}: ${err.message}\n`)
  else process.stderr.write(`modbridge: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exitCode = 2
}
