/**
 * Closed-loop Modbus TCP clients for bench:proxy: each connection keeps `inFlight` requests
 * outstanding (read 10 holding registers, units round-robin), counts completions inside the
 * measured window and records their latency.
 */
import { createConnection } from 'node:net'

/** Load settings. */
export interface LoadOptions {
  port: number
  clients: number
  inFlight: number
  units: number[]
  warmupS: number
  seconds: number
}

/** Load results over the measured window. */
export interface LoadResult {
  completed: number
  /** Completions per second between the first and the last completion in the window (no edge quantization). */
  rate: number
  errors: number
  elapsedS: number
  p50Us: number
  p99Us: number
  /** Whatever onMeasureStart returned. */
  startMark: number
}

/** Runs the load; `onMeasureStart` is called when the warm-up ends. */
export async function runClients(o: LoadOptions, hooks: { onMeasureStart?: () => number } = {}): Promise<LoadResult> {
  let measuring = false
  let stopping = false
  let completed = 0
  let errors = 0
  let firstDoneAt = 0
  let lastDoneAt = 0
  const latencies: number[] = []
  const starters: (() => void)[] = []
  const closers: (() => void)[] = []
  for (let c = 0; c < o.clients; c++) {
    const socket = createConnection({ host: '127.0.0.1', port: o.port })
    socket.setNoDelay(true)
    await new Promise<void>((r, j) => socket.once('connect', () => r()).once('error', j))
    const sentAt = new Map<number, number>()
    let tid = 0
    let pending: Buffer = Buffer.alloc(0)
    const send = () => {
      if (stopping) return
      tid = (tid + 1) & 0xffff
      const unit = o.units[(c + tid) % o.units.length]
      sentAt.set(tid, performance.now())
      socket.write(Buffer.from([tid >> 8, tid & 0xff, 0, 0, 0, 6, unit, 0x03, 0, 0, 0, 10]))
    }
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk
      while (pending.length >= 6) {
        const total = 6 + pending.readUInt16BE(4)
        if (pending.length < total) break
        const t = pending.readUInt16BE(0)
        const ok = pending[7] === 0x03 && pending[8] === 20
        const at = sentAt.get(t)
        sentAt.delete(t)
        pending = pending.subarray(total)
        if (measuring) {
          if (ok) {
            completed++
            lastDoneAt = performance.now()
            if (completed === 1) firstDoneAt = lastDoneAt
            if (at !== undefined) latencies.push((performance.now() - at) * 1000)
          } else errors++
        }
        send()
      }
    })
    socket.on('error', () => {})
    starters.push(() => {
      for (let k = 0; k < o.inFlight; k++) send()
    })
    closers.push(() => socket.destroy())
  }
  for (const start of starters) start()
  await sleep(o.warmupS * 1000)
  const startMark = hooks.onMeasureStart?.() ?? 0
  completed = 0
  errors = 0
  latencies.length = 0
  measuring = true
  const t0 = performance.now()
  await sleep(o.seconds * 1000)
  measuring = false
  const elapsedS = (performance.now() - t0) / 1000
  stopping = true
  for (const close of closers) close()
  latencies.sort((a, b) => a - b)
  const at = (q: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] : NaN)
  const rate = completed > 1 ? ((completed - 1) * 1000) / (lastDoneAt - firstDoneAt) : completed / elapsedS
  return { completed, rate, errors, elapsedS, p50Us: at(0.5), p99Us: at(0.99), startMark }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}
