/**
 * WriteListeners: the onWrite registrations of a unit (MemoryUnit and the store units) — listeners
 * run in order, all of them even when one throws, and the first error is rethrown afterwards
 * (the request then answers 0x04, the write having been stored).
 */
import type { WriteListener } from './memory-unit.ts'
import type { WriteEvent } from './types.ts'

/** A list of write listeners. */
export class WriteListeners {
  private list: readonly WriteListener[] = []

  /** Number of listeners registered. */
  get size(): number {
    return this.list.length
  }

  /** Registers `listener`; returns a function that removes this registration. */
  add(listener: WriteListener): () => void {
    this.list = [...this.list, listener]
    let subscribed = true
    return () => {
      if (!subscribed) return
      subscribed = false
      const i = this.list.indexOf(listener)
      if (i >= 0) this.list = [...this.list.slice(0, i), ...this.list.slice(i + 1)]
    }
  }

  /** Calls every listener with `event`; rethrows the first error once all have run. */
  emit(event: WriteEvent): void {
    let failed = false
    let first: unknown
    for (const listener of this.list) {
      try {
        listener(event)
      } catch (err) {
        if (!failed) first = err
        failed = true
      }
    }
    if (failed) throw first
  }
}
