/**
 * The orchestrator and the load generator talk in JSON lines: commands on the generator's stdin,
 * one report per command on its stdout.
 */
import type { Cell } from './workload.ts'

/** Check a server: one request, then 8 pipelined ones, each reply byte-exact. */
export interface VerifyCommand {
  type: 'verify'
  port: number
}

/** Load a server with one cell, and measure a window unless `seconds` is 0. */
export interface RunCommand {
  type: 'run'
  port: number
  /** The server process, whose CPU time is read at both ends of the window. */
  serverPid: number
  /** Clock ticks per second, for /proc/<pid>/stat. */
  clockTicks: number
  cell: Cell
  /** Seconds of load before the window, not measured. */
  warmup: number
  /** Seconds of the measured window; 0 only loads the server for `warmup` seconds. */
  seconds: number
  /** A relay in front of the server whose CPU time is read too; `children`: with its child processes. */
  relay?: { pid: number; children: boolean }
}

/** Anything the orchestrator sends. */
export type LoadCommand = VerifyCommand | RunCommand

/** The outcome of a VerifyCommand. */
export interface VerifyReport {
  type: 'verify'
  ok: boolean
  /** Why the check failed. */
  error?: string
  /** Order of the 8 pipelined replies by transaction id: 'in order', 'reversed' or the list. */
  order?: string
}

/** The outcome of a RunCommand: one measured window. */
export interface CellReport {
  type: 'cell'
  cell: Cell
  /** Replies received inside the window. */
  requests: number
  /** Window length as measured, seconds. */
  elapsed: number
  /** Latency percentiles over the window's replies, microseconds (send to reply, as the generator sees it). */
  p50: number
  p99: number
  /** Server CPU time (utime + stime) over the window, seconds. */
  serverCpu: number
  /** The generator's own CPU time over the window, seconds (process.cpuUsage). */
  loadCpu: number
  /** CPU time of the whole machine over the window, seconds (/proc/stat, all CPUs). */
  machineBusy: number
  /** Replies that were not the expected bytes or matched no outstanding request, and socket errors. */
  errors: number
  /** Exception replies by code ("0x0A": n); also counted in `errors`. */
  exceptions: Record<string, number>
  /** Replies matching no outstanding request's transaction id, or with other bytes than expected; also in `errors`. */
  wrong: number
  /** The relay's CPU time (utime + stime) over the window, seconds, when the command named one. */
  relayCpu?: number
  /** First error seen, if any. */
  firstError?: string
}

/** A command that failed outright (for instance, no connection). */
export interface FailReport {
  type: 'fail'
  error: string
}

/** Any line the generator prints. */
export type LoadReport = VerifyReport | CellReport | FailReport
