/** Runs the real `modbridge` command (cli/modbridge.js) and collects its output. */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const BIN = fileURLToPath(new URL('../../cli/modbridge.js', import.meta.url))

/** Result of one CLI run. */
export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

/** Runs `modbridge ...args`; resolves with exit code and output (never rejects on a non-zero exit). */
export function runCli(args: string[], timeoutMs = 30_000): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as any).code === 'number' ? (err as any).code : 1) : 0
      resolve({ code, stdout, stderr })
    })
  })
}
