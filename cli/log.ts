/**
 * Structured logs for the long-running commands (`proxy`, `serve`): pino, as JSON lines for a log
 * shipper or pretty lines for a person (`--log-format`), at `--log-level`. One logger per process.
 */
import { pino, type Logger } from 'pino'
import pretty from 'pino-pretty'
import type { Argv } from 'yargs'

/** Log levels, most verbose first. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const
/** A log level. */
export type LogLevel = (typeof LOG_LEVELS)[number]

/** How log lines look. */
export type LogFormat = 'pretty' | 'json'

/** Logger options as the command line gives them. */
export interface LogArgs {
  logLevel: LogLevel
  logFormat: LogFormat
}

/** Adds --log-level and --log-format to a command. */
export function logOptions<T>(y: Argv<T>) {
  return y
    .option('log-level', { choices: LOG_LEVELS, default: 'info' as LogLevel, describe: 'least severe level logged' })
    .option('log-format', { choices: ['pretty', 'json'] as const, default: 'pretty' as LogFormat, describe: 'pretty lines for people, JSON lines for log shippers' })
}

/** A logger writing to stdout. Pretty lines are written synchronously, so none is lost at exit. */
export function createLogger(options: { level?: LogLevel; format?: LogFormat } = {}): Logger {
  const level = options.level ?? 'info'
  if (options.format === 'json') return pino({ level, base: { pid: process.pid } })
  return pino({ level }, pretty({ sync: true, colorize: process.stdout.isTTY === true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' }))
}

export type { Logger }
