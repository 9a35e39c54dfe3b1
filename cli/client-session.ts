/**
 * Runs a planned client command against a device: once, or (read --interval/--polls) on a
 * schedule with a summary at the end. Shared by the command line, which connects for one command,
 * and the REPL, which keeps one connection for the session.
 */
import { ArgumentError } from '../core/errors.ts'
import type { ModbusClient } from '../core/client/client.ts'
import type { Format } from './options.ts'
import type { Plan } from './client-run.ts'
import { errorText } from './output.ts'
import { poll, summaryLine, type PollStats } from './poll.ts'
import { Renderer } from './render.ts'

/** Output choices of a command. */
export interface OutputArgs {
  format?: Format
  json?: boolean
  timestamp?: boolean
}

/** Polling choices of a command. */
export interface PollArgs {
  interval?: number
  polls?: number
}

/** Where a command writes. */
export interface Sink {
  out(text: string): void
  err(text: string): void
}

/** The format from --format and --json (which must agree). */
export function resolveFormat(args: OutputArgs, fallback: Format = 'table'): Format {
  if (args.json && args.format !== undefined && args.format !== 'json') throw new ArgumentError(`--json and --format ${args.format} disagree; give one`)
  return args.json ? 'json' : (args.format ?? fallback)
}

/**
 * Sends `plan` once and prints the result, or polls it when --interval or --polls is given.
 * Returns the polling statistics (undefined for a single request, whose errors are thrown).
 */
export async function runPlan(
  plan: Plan,
  client: ModbusClient,
  unit: number,
  args: OutputArgs & PollArgs,
  sink: Sink,
  signal?: AbortSignal,
  defaultFormat?: Format,
): Promise<PollStats | undefined> {
  const polling = args.interval !== undefined || args.polls !== undefined
  const renderer = new Renderer(resolveFormat(args, defaultFormat), args.timestamp ?? polling, sink.out)
  if (!polling) {
    renderer.print(await plan.send(client, unit))
    return undefined
  }
  const stats = await poll(
    { interval: args.interval ?? 1000, polls: args.polls, signal: signal ?? new AbortController().signal },
    () => plan.send(client, unit),
    (result) => renderer.print(result),
    (err) => sink.err(`modbridge: ${new Date().toISOString()} ${errorText(err)}\n`),
  )
  sink.err(summaryLine(`${plan.describe} unit ${unit}`, stats) + '\n')
  return stats
}
