/**
 * Exponential back-off between connection attempts: 100 ms doubling to 10 s, reset on success.
 */
import { TransportError } from '../errors.ts'

/** Back-off settings. */
export interface BackoffOptions {
  minMs?: number
  maxMs?: number
}

/** Tracks when the next connection attempt may be made. */
export class Backoff {
  private delay: number
  private nextAt = 0
  private readonly min: number
  private readonly max: number

  constructor(options: BackoffOptions = {}) {
    this.min = options.minMs ?? 100
    this.max = options.maxMs ?? 10_000
    this.delay = this.min
  }

  /** Records a failed attempt. */
  failed(): void {
    this.nextAt = Date.now() + this.delay
    this.delay = Math.min(this.max, this.delay * 2)
  }

  /** Records a success. */
  succeeded(): void {
    this.delay = this.min
    this.nextAt = 0
  }

  /** Waits until an attempt is allowed, or rejects when that is past `deadline` (ms since epoch). */
  async wait(deadline: number, label: string, lastError?: Error): Promise<void> {
    const wait = this.nextAt - Date.now()
    if (wait <= 0) return
    if (Date.now() + wait > deadline) {
      throw new TransportError(`${label} is unreachable (${lastError?.message ?? 'connection failed'}); next attempt in ${wait} ms`, { cause: lastError })
    }
    await new Promise((r) => setTimeout(r, wait))
  }
}
