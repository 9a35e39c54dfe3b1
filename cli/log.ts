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

/**
 * A logger writing to stdout, or to stderr with `destination: 2` (when stdout carries data, as
 * with `serve --on-write ndjson`). Pretty lines are written synchronously, so none is lost at exit,
 * and show the message alone (each message says what a person needs); JSON lines carry the fields.
 */
export function createLogger(options: { level?: LogLevel; format?: LogFormat; destination?: 1 | 2 } = {}): Logger {
  const level = options.level ?? 'info'
  const fd = options.destination ?? 1
  if (options.format === 'json') return fd === 1 ? pino({ level, base: { pid: process.pid } }) : pino({ level, base: { pid: process.pid } }, pino.destination(fd))
  const tty = (fd === 1 ? process.stdout : process.stderr).isTTY === true
  return pino({ level }, pretty({ sync: true, destination: fd, colorize: tty, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', hideObject: true }))
}

export type { Logger }
