/**
 * Input buffering shared by the framers, in the manner of pg-protocol: when nothing is pending
 * a chunk is scanned where it lies (frames are views into it); only a leftover partial tail is
 * copied, into one owned buffer allocated once and grown only for unusually long input.
 * It also accumulates a run of dropped bytes so a resync is reported as one FrameError.
 */
import { FrameError, type ErrorCode } from '../errors.ts'
import type { FrameSink, FramerStats } from './types.ts'

const EMPTY = Buffer.alloc(0)
/** A FrameError keeps at most this many of the bytes it reports dropped. */
const MAX_KEPT_DROPPED = 512

/** A byte window [start, end) over either an adopted chunk or the owned buffer. */
export class StreamBuffer {
  buf: Buffer = EMPTY
  start = 0
  end = 0
  /** Stream offset of buf[start]: bytes consumed since creation or reset. */
  position = 0
  private owned: Buffer
  private dropped: Buffer | undefined
  private droppedCount = 0
  private dropPosition = 0
  private dropCode: ErrorCode = 'MB_ERR_GARBAGE'
  private dropReason = ''

  /** `capacity` is the initial owned size; dropped bytes are counted into `stats` as they go. */
  constructor(
    capacity: number,
    private readonly stats: FramerStats,
  ) {
    this.owned = Buffer.allocUnsafe(capacity)
  }

  /** Bytes available to scan. */
  get length(): number {
    return this.end - this.start
  }

  /** Adds a chunk to the window. */
  append(chunk: Buffer): void {
    const pending = this.end - this.start
    if (pending === 0) {
      this.buf = chunk
      this.start = 0
      this.end = chunk.length
      return
    }
    if (this.buf !== this.owned || this.end + chunk.length > this.owned.length) {
      const need = pending + chunk.length
      const target = need <= this.owned.length ? this.owned : Buffer.allocUnsafe(Math.max(need, this.owned.length * 2))
      this.buf.copy(target, 0, this.start, this.end)
      this.owned = target
      this.buf = target
      this.start = 0
      this.end = pending
    }
    chunk.copy(this.buf, this.end)
    this.end += chunk.length
  }

  /** Marks `n` bytes at start as consumed by a frame. */
  consume(n: number): void {
    this.start += n
    this.position += n
  }

  /**
   * Drops `n` bytes at start into the current drop run. The run stays open across pushes until
   * flushDrops(), so a resync that spans chunks is still one error with one reason.
   */
  drop(n: number, code: ErrorCode, reason: string): void {
    if (this.dropped === undefined) {
      this.dropped = Buffer.allocUnsafe(MAX_KEPT_DROPPED)
      this.droppedCount = 0
      this.dropPosition = this.position
      this.dropCode = code
      this.dropReason = reason
    }
    const keep = Math.min(n, MAX_KEPT_DROPPED - this.droppedCount)
    if (keep > 0) this.buf.copy(this.dropped, this.droppedCount, this.start, this.start + keep)
    this.droppedCount += n
    this.stats.droppedBytes += n
    this.start += n
    this.position += n
  }

  /** True while a drop run is open. */
  get dropping(): boolean {
    return this.dropped !== undefined
  }

  /** Reports the open drop run (if any) as one FrameError; returns the number of bytes dropped. */
  flushDrops(sink: FrameSink): number {
    if (this.dropped === undefined) return 0
    const count = this.droppedCount
    const bytes = Buffer.from(this.dropped.subarray(0, Math.min(count, MAX_KEPT_DROPPED)))
    const err = new FrameError(
      this.dropCode,
      `${this.dropReason}; dropped ${count} byte${count === 1 ? '' : 's'} at offset ${this.dropPosition} to resynchronise`,
      this.dropPosition,
      bytes,
    )
    this.dropped = undefined
    sink.error(err)
    return count
  }

  /** After a scan: releases an emptied window, or moves an adopted chunk's tail into owned memory. */
  settle(): number {
    const pending = this.end - this.start
    if (pending === 0) {
      this.buf = EMPTY
      this.start = this.end = 0
    } else if (this.buf !== this.owned) {
      if (pending > this.owned.length) this.owned = Buffer.allocUnsafe(pending * 2)
      this.buf.copy(this.owned, 0, this.start, this.end)
      this.buf = this.owned
      this.start = 0
      this.end = pending
    }
    return pending
  }

  /** Forgets everything buffered. */
  clear(): void {
    this.buf = EMPTY
    this.start = this.end = 0
    this.dropped = undefined
  }
}
