/**
 * Timing and allocation helpers for the benchmarks.
 *
 * Timing: a cell is calibrated (which also warms it up) to a batch of frames that takes about
 * `seconds`, then timed with process.hrtime.bigint() over several runs; the figure is the median
 * of the runs. A run is the fastest of a few batches: wall time on a shared machine includes
 * whatever slices the OS gave other processes, and the fastest batch carries the least of that.
 * The runs of the implementations in one row are interleaved, so a drift in machine speed
 * touches all of them alike, and each timed batch starts after a full collection (not timed), so
 * no implementation pays for the garbage another left behind; each still pays for the
 * collections its own batch needs (a batch of tens of milliseconds sees many scavenges).
 *
 * Allocation: Node 20's v8.getHeapStatistics() has no running total of allocated bytes, so the
 * JS-heap figure is used_heap_size after a batch minus before it, plus what every collection in
 * between freed (v8.GCProfiler, Node >= 18.15, reports used_heap_size before and after each one).
 * That total carries a fixed error of a few hundred KB (new-space pages are counted as they are
 * opened), so the figure is the slope between a batch of N and one of 5N frames. Buffer.allocUnsafe
 * takes small buffers from an 8 KB pool outside the JS heap; that part is the growth of
 * process.memoryUsage().arrayBuffers over a batch short enough to run with no collection (one
 * would free pool slabs), after a full collection and a pause for the array-buffer sweeper.
 * Full collections come from --expose-gc, switched on at run time (no node flag is needed).
 */
import { cpus } from 'node:os'
import v8 from 'node:v8'
import { runInNewContext } from 'node:vm'

/** Something that does `n` frames of work; `settle` is awaited inside the timed region. */
export interface Timed {
  run(n: number): void
  settle?(): Promise<void>
}

/** Seconds taken by one batch of `n` frames. */
export async function timeBatch(t: Timed, n: number): Promise<number> {
  const start = process.hrtime.bigint()
  t.run(n)
  if (t.settle) await t.settle()
  return Number(process.hrtime.bigint() - start) / 1e9
}

/** The batch size that takes about `seconds`; doubling from 1 warms the code up on the way. */
export async function calibrate(t: Timed, seconds: number): Promise<number> {
  let n = 1
  for (;;) {
    const s = await timeBatch(t, n)
    if (s >= seconds / 4) return Math.max(1, Math.round((n * seconds) / s))
    n *= s < seconds / 64 ? 8 : 2
  }
}

/** Median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >>> 1
  return s.length & 1 ? s[m] : (s[m - 1] + s[m]) / 2
}

/**
 * Frames per second of each subject: calibrate and warm each, then `runs` interleaved runs (the
 * order rotates each run), a run being the fastest of `tries` batches; returns the median run of
 * each subject, in input order.
 */
export async function rates(subjects: readonly Timed[], seconds: number, runs: number, tries: number): Promise<number[]> {
  const sizes: number[] = []
  for (const t of subjects) {
    const n = await calibrate(t, seconds)
    await timeBatch(t, n)
    sizes.push(n)
  }
  const samples: number[][] = subjects.map(() => [])
  for (let r = 0; r < runs; r++) {
    for (let k = 0; k < subjects.length; k++) {
      const i = (k + r) % subjects.length
      let best = 0
      for (let j = 0; j < tries; j++) {
        fullGc()
        best = Math.max(best, sizes[i] / (await timeBatch(subjects[i], sizes[i])))
      }
      samples[i].push(best)
    }
  }
  return samples.map(median)
}

let collect: (() => void) | undefined

/** A full garbage collection (global.gc, exposed at run time if node was started without it). */
export function fullGc(): void {
  if (!collect) {
    const g = (globalThis as { gc?: () => void }).gc
    if (g) collect = g
    else {
      v8.setFlagsFromString('--expose-gc')
      collect = runInNewContext('gc') as () => void
    }
  }
  collect()
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Bytes a batch of `n` frames allocates on the JS heap, and the number of collections during it. */
function heapBytes(t: Timed, n: number): { bytes: number; gcs: number } {
  const profiler = new v8.GCProfiler()
  profiler.start()
  const before = v8.getHeapStatistics().used_heap_size
  t.run(n)
  const after = v8.getHeapStatistics().used_heap_size
  const { statistics } = profiler.stop()
  let freed = 0
  for (const gc of statistics) freed += gc.beforeGC.heapStatistics.usedHeapSize - gc.afterGC.heapStatistics.usedHeapSize
  return { bytes: after - before + freed, gcs: statistics.length }
}

/** Bytes allocated per frame: on the JS heap, and off it (Buffer pool and other array buffers). */
export interface Allocation {
  heap: number
  /** NaN when every attempt saw a collection. */
  offHeap: number
}

/** Allocation per frame of a synchronous subject (see the file comment for the method). */
export async function allocationPerFrame(t: Timed, n = 10_000): Promise<Allocation> {
  t.run(n)
  fullGc()
  const small = heapBytes(t, n)
  const large = heapBytes(t, 5 * n)
  const heap = (large.bytes - small.bytes) / (4 * n)
  let offHeap = NaN
  for (let m = 2000; m >= 250 && Number.isNaN(offHeap); m >>>= 1) {
    fullGc()
    await pause(20)
    fullGc()
    await pause(20)
    const profiler = new v8.GCProfiler()
    const start = process.memoryUsage().arrayBuffers
    profiler.start()
    t.run(m)
    const gcs = profiler.stop().statistics.length
    const end = process.memoryUsage().arrayBuffers
    if (gcs === 0) offHeap = (end - start) / m
  }
  return { heap, offHeap }
}

/** One line naming the runtime and the machine. */
export function environment(): string {
  const cpu = cpus()
  return `Node ${process.version} (V8 ${process.versions.v8}), ${cpu[0]?.model ?? 'unknown CPU'} × ${cpu.length}, ${process.platform}/${process.arch}`
}
