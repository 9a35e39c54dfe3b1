/**
 * Finding where a table is readable anywhere in 0..65535 in bounded time: a coarse scan reads one
 * element every `step` addresses; every change between readable and not is then narrowed by
 * bisection. A run of readable addresses shorter than `step` that falls between two probed
 * addresses can be missed, and so can a hole shorter than `step` inside a readable run; the probe
 * says so in its notes.
 */
import type { Range } from './profile.ts'

/** The last address of the Modbus data model (§4.3: 0..65535). */
const LAST_ADDRESS = 0xffff

/** Readable ranges: `readsAt(address)` says whether one element at `address` reads. */
export async function findRanges(readsAt: (address: number) => Promise<boolean>, step: number): Promise<Range[]> {
  const probes: number[] = []
  for (let a = 0; a <= LAST_ADDRESS; a += step) probes.push(a)
  if (probes[probes.length - 1] !== LAST_ADDRESS) probes.push(LAST_ADDRESS)
  // Address 1 too: many maps start there (one-based numbering taken literally).
  if (step > 1) probes.splice(1, 0, 1)
  const seen: boolean[] = []
  for (const a of probes) seen.push(await readsAt(a))
  const ranges: Range[] = []
  let start: number | undefined
  for (let i = 0; i < probes.length; i++) {
    const here = seen[i]
    const before = i > 0 ? seen[i - 1] : false
    if (here && !before) start = i === 0 ? 0 : await edge(readsAt, probes[i - 1], probes[i], true)
    if (!here && before && start !== undefined) {
      ranges.push([start, (await edge(readsAt, probes[i - 1], probes[i], false)) - 1])
      start = undefined
    }
  }
  if (start !== undefined) ranges.push([start, LAST_ADDRESS])
  return ranges
}

/**
 * Where a change lies between `lo` and `hi`: the first address that reads (rising) or that does
 * not (falling), given that `lo` is on the other side of the change and `hi` on this one.
 */
async function edge(readsAt: (address: number) => Promise<boolean>, lo: number, hi: number, rising: boolean): Promise<number> {
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1
    if ((await readsAt(mid)) === rising) hi = mid
    else lo = mid
  }
  return hi
}
