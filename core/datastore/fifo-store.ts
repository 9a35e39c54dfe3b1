/**
 * FifoStore: the FIFO queues of §6.18, keyed by FIFO pointer address. A read returns the queued
 * values oldest first and leaves them queued (the spec says nothing of removal; PyModbus reads
 * without clearing too).
 */
import { MAX_FIFO_COUNT } from '../limits.ts'
import { hex } from '../errors.ts'
import { illegalAddress, illegalValue } from './device-exception.ts'
import { checkRegisterValues, checkU16 } from './value-checks.ts'

/** Queues to start with: FIFO pointer address → values, oldest first. */
export type FifoValues = ReadonlyMap<number, readonly number[]> | Readonly<Record<number, readonly number[]>>

/**
 * FIFO queues by pointer address. A queue may hold any number of values, but reading one that
 * holds more than 31 throws illegalValue (§6.18: "queue count > 31 → exception 03"); reading an
 * address with no queue throws illegalAddress.
 */
export class FifoStore {
  private readonly queues = new Map<number, number[]>()

  /** Copies the given queues (addresses 0..0xFFFF, values 0..0xFFFF). */
  constructor(queues?: FifoValues) {
    if (queues === undefined) return
    const entries = queues instanceof Map ? [...queues.entries()] : Object.entries(queues)
    for (const [address, values] of entries) this.set(Number(address), values)
  }

  /** The queued values at `address`, oldest first, as a new array; the queue is left as it is. */
  read(address: number): number[] {
    const queue = this.queues.get(address)
    if (queue === undefined) throw illegalAddress(`read FIFO queue: no FIFO at pointer address ${hex(address, 4)}`)
    if (queue.length > MAX_FIFO_COUNT) {
      throw illegalValue(`read FIFO queue: the FIFO at ${hex(address, 4)} holds ${queue.length} values, more than ${MAX_FIFO_COUNT} (§6.18)`)
    }
    return queue.slice()
  }

  /** Appends `value` to the queue at `address`, creating the queue if there is none. */
  push(address: number, value: number): void {
    checkU16('pushFifo: address', address)
    checkU16(`pushFifo: value for ${hex(address, 4)}`, value)
    const queue = this.queues.get(address)
    if (queue === undefined) this.queues.set(address, [value])
    else queue.push(value)
  }

  /** Replaces the queue at `address` with a copy of `values` (an empty array empties it). */
  set(address: number, values: readonly number[]): void {
    checkU16('setFifo: address', address)
    checkRegisterValues(`setFifo: ${hex(address, 4)}`, values)
    this.queues.set(address, values.slice())
  }
}
