/**
 * CPU time of another process, from Linux's /proc/<pid>/stat: utime + stime (fields 14 and 15,
 * every thread of the process, in clock ticks). The ticks are exact sums scaled to the tick unit,
 * so over a window of seconds the resolution is 1/CLK_TCK s (10 ms at the usual 100 Hz).
 */
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'

/** Clock ticks per second (`getconf CLK_TCK`; 100 when getconf is missing). */
export function clockTicks(): number {
  try {
    const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim())
    return Number.isInteger(n) && n > 0 ? n : 100
  } catch {
    return 100
  }
}

/**
 * utime + stime of `pid`, in ticks. The command name (field 2) may hold spaces and parentheses,
 * so fields are counted from the last ')'.
 */
export function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // fields[0] is field 3 (state): utime is field 14, stime field 15.
  return Number(fields[11]) + Number(fields[12])
}

/**
 * Busy time of the whole machine, all CPUs, in ticks: the first line of /proc/stat, everything
 * but idle and iowait. Over a window, minus the server's and the generator's own time, it shows
 * how much else ran meanwhile.
 */
export function machineBusyTicks(): number {
  const line = readFileSync('/proc/stat', 'latin1').split('\n', 1)[0]
  const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number)
  return user + nice + system + irq + softirq + steal
}

/**
 * utime + stime of `pid` and of every process below it, in ticks: the children are read from
 * /proc/<pid>/task/<tid>/children (each thread's own list). A child that exits between two
 * readings drops out of the sum, so the figure is meant for trees that live through a window, as
 * socat's per-connection forks do while their connections are open.
 */
export function treeCpuTicks(pid: number): number {
  let ticks = 0
  const stack = [pid]
  while (stack.length > 0) {
    const p = stack.pop() as number
    try {
      ticks += cpuTicks(p)
      for (const tid of readdirSync(`/proc/${p}/task`)) {
        for (const child of readFileSync(`/proc/${p}/task/${tid}/children`, 'latin1').split(' ')) if (child) stack.push(Number(child))
      }
    } catch {
      // Gone between listing and reading.
    }
  }
  return ticks
}
