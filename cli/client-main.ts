/**
 * The command line's client runner: plans the command (every argument checked before anything is
 * sent), connects to --target, sends or polls, and closes. Polling ends at --polls or Ctrl-C with a
 * summary on stderr; the exit status is then 0 when every poll was answered and 1 otherwise.
 */
import { planDiag, planIdentify, planRead, planWrite, type DiagArgs, type IdentifyArgs, type Plan, type ReadArgs, type WriteArgs } from './client-run.ts'
import type { ClientCommand } from './client-commands.ts'
import { resolveFormat, runPlan } from './client-session.ts'
import { openClient } from './connect.ts'

/** Connection options on the command line. */
interface ConnectionArgs {
  target: string
  unit: number
  timeout: number
  retries?: number
}

/** Plans a client command from its arguments (throws ArgumentError before anything is sent). */
export function planCommand(command: ClientCommand, args: object): Plan {
  switch (command) {
    case 'read':
      return planRead(args as ReadArgs)
    case 'write':
      return planWrite(args as WriteArgs)
    case 'diag':
      return planDiag(args as DiagArgs)
    case 'identify':
      return planIdentify(args as IdentifyArgs)
  }
}

/** Runs one client command from the command line. */
export async function runClientCommand(command: ClientCommand, args: object): Promise<void> {
  const plan = planCommand(command, args)
  const a = args as ConnectionArgs & ReadArgs
  resolveFormat(a)
  // retries stays undefined unless given, so connectClient applies its per-transport default.
  const client = await openClient(a.target, { timeout: a.timeout, retries: a.retries })
  const stop = new AbortController()
  const onSigint = () => stop.abort()
  process.once('SIGINT', onSigint)
  try {
    const stats = await runPlan(plan, client, a.unit, a, { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) }, stop.signal)
    if (stats && stats.ok !== stats.sent) process.exitCode = 1
  } finally {
    process.removeListener('SIGINT', onSigint)
    await client.close()
  }
}
