/**
 * A pcapng file written in the background: packets are encoded into a slab at once and reach the
 * disk in batched asynchronous writes, so recording never waits on the disk. Memory is bounded:
 * when the disk falls behind by `maxQueuedBytes`, further packets are dropped and counted. A write
 * that fails stops the capture for good — reported once through `onError` — and never throws into
 * the caller.
 *
 * Rotation by size (`maxBytes`): when the next packet would take the file past the limit, the file
 * is closed and shifted to `<stem>.1.pcapng` (`.1` → `.2` …, the oldest beyond `keep` files
 * deleted) and a new file begins with its own Section Header and every Interface Description, so
 * each file opens on its own.
 */
import { open, rename, unlink, type FileHandle } from 'node:fs/promises'
import { ArgumentError, TransportError } from '../errors.ts'
import { interfaceBlock, packetBlockSize, sectionHeaderBlock, writePacketBlock, type InterfaceSpec, type PacketSpec } from './pcapng.ts'

/** Options of a capture file. */
export interface CaptureFileOptions {
  /** Rotate before a packet would take the file past this many bytes (at least 1024); undefined: never. */
  maxBytes?: number
  /** With maxBytes: files kept, the one being written included (default 5). */
  keep?: number
  /** Bytes waiting for the disk beyond which packets are dropped (default 8 MiB). */
  maxQueuedBytes?: number
  /** The application named in each Section Header. */
  application?: string
  /** Called once when a write fails; the capture has stopped, the caller goes on. */
  onError?: (err: TransportError) => void
}

/** What a capture file has done so far. */
export interface CaptureStats {
  /** Packets recorded (handed to the disk or waiting for it). */
  packets: number
  /** Packets dropped: the disk was too slow, or the capture had stopped. */
  dropped: number
  /** Bytes written to disk, headers included. */
  bytesWritten: number
  /** Files begun (1 + rotations). */
  files: number
  /** Why the capture stopped early, if it did. */
  error?: string
}

/** Smallest rotation size accepted: a header and a few packets. */
export const MIN_ROTATION_BYTES = 1024
const SLAB_BYTES = 64 * 1024
const ROTATE = Symbol('rotate')

/** The rotated name of `path` for generation n ≥ 1: capture.pcapng → capture.1.pcapng. */
export function rotatedPath(path: string, n: number): string {
  const m = /^(.*?)(\.pcapng)?$/i.exec(path)!
  return `${m[1]}.${n}${m[2] ?? ''}`
}

/** A pcapng file being written. */
export class CaptureFile {
  private readonly interfaces: InterfaceSpec[] = []
  private readonly headerBlocks: Buffer[] = []
  private readonly queue: (Buffer | typeof ROTATE)[] = []
  private slab = Buffer.allocUnsafe(SLAB_BYTES)
  private slabUsed = 0
  private slabQueued = 0
  private queuedBytes = 0
  private fileBytes = 0
  private filePackets = 0
  private pumping: Promise<void> | undefined
  private scheduled = false
  private closed = false
  private failure: TransportError | undefined
  private readonly counters = { packets: 0, dropped: 0, bytesWritten: 0, files: 1 }
  private readonly maxQueued: number

  private constructor(
    readonly path: string,
    private handle: FileHandle | undefined,
    private readonly options: CaptureFileOptions,
  ) {
    this.maxQueued = options.maxQueuedBytes ?? 8 * 1024 * 1024
    const shb = sectionHeaderBlock(options.application ?? 'modbridge')
    this.headerBlocks.push(shb)
    this.append(shb)
  }

  /**
   * Creates (or truncates) `path` and, with rotation, removes the rotated files an earlier capture
   * left under the same name. Throws ArgumentError at once when the file cannot be created (a
   * missing or unwritable folder, a folder of that name) or the options are out of range.
   */
  static async create(path: string, options: CaptureFileOptions = {}): Promise<CaptureFile> {
    if (options.maxBytes !== undefined && (!Number.isInteger(options.maxBytes) || options.maxBytes < MIN_ROTATION_BYTES)) {
      throw new ArgumentError(`capture: the rotation size must be an integer of at least ${MIN_ROTATION_BYTES} bytes, got ${options.maxBytes}`)
    }
    if (options.keep !== undefined && (!Number.isInteger(options.keep) || options.keep < 1 || options.keep > 1000)) {
      throw new ArgumentError(`capture: the number of files kept must be an integer in 1..1000, got ${options.keep}`)
    }
    let handle: FileHandle
    try {
      handle = await open(path, 'w')
    } catch (err) {
      const e = err as NodeJS.ErrnoException
      const why =
        e.code === 'ENOENT' ? 'its folder does not exist'
        : e.code === 'EACCES' || e.code === 'EPERM' ? 'permission denied'
        : e.code === 'EISDIR' ? 'it is a folder'
        : e.code === 'ENOTDIR' ? 'a part of its path is not a folder'
        : e.message
      throw new ArgumentError(`cannot write the capture to ${path}: ${why}`, { cause: err })
    }
    if (options.maxBytes !== undefined) {
      for (let n = 1; n < (options.keep ?? 5); n++) await unlink(rotatedPath(path, n)).catch(() => {})
    }
    return new CaptureFile(path, handle, options)
  }

  /** Describes an interface (written now, and at the start of every later file); returns its id. */
  addInterface(spec: InterfaceSpec): number {
    const block = interfaceBlock(spec)
    this.interfaces.push(spec)
    this.headerBlocks.push(block)
    if (!this.failure && !this.closed) this.append(block)
    this.schedule()
    return this.interfaces.length - 1
  }

  /** The interfaces described so far, by id. */
  get interfaceList(): readonly InterfaceSpec[] {
    return this.interfaces
  }

  /** Records a packet; false when it was dropped (disk behind, capture stopped or closed). */
  record(p: PacketSpec): boolean {
    if (this.failure || this.closed) {
      this.counters.dropped++
      return false
    }
    const size = packetBlockSize(p)
    if (this.queuedBytes + size > this.maxQueued) {
      this.counters.dropped++
      return false
    }
    if (this.options.maxBytes !== undefined && this.filePackets > 0 && this.fileBytes + size > this.options.maxBytes) this.startNextFile()
    const at = this.reserve(size)
    writePacketBlock(this.slab, at, p, size)
    this.fileBytes += size
    this.filePackets++
    this.counters.packets++
    this.schedule()
    return true
  }

  /** Counters so far. */
  get stats(): CaptureStats {
    return { ...this.counters, ...(this.failure ? { error: this.failure.message } : {}) }
  }

  /** The files of this capture on disk now, newest first. */
  get paths(): string[] {
    const n = this.options.maxBytes === undefined ? 1 : Math.min(this.counters.files, this.options.keep ?? 5)
    return [this.path, ...Array.from({ length: n - 1 }, (_, i) => rotatedPath(this.path, i + 1))]
  }

  /** Writes what is queued and closes the file; resolves with the final counters (never rejects). */
  async close(): Promise<CaptureStats> {
    if (!this.closed) {
      this.closed = true
      await this.drain()
      const h = this.handle
      this.handle = undefined
      await h?.close().catch(() => {})
    }
    return this.stats
  }

  private async drain(): Promise<void> {
    for (;;) {
      if (this.pumping) {
        await this.pumping
        continue
      }
      this.cutSlab()
      if (this.failure || !this.handle || this.queue.length === 0) return
      await this.pump()
    }
  }

  private startNextFile(): void {
    this.cutSlab()
    this.queue.push(ROTATE)
    this.counters.files++
    this.fileBytes = 0
    this.filePackets = 0
    for (const b of this.headerBlocks) this.append(b)
  }

  /** Copies header bytes into the slab (never dropped: a file must start with them). */
  private append(bytes: Buffer): void {
    const at = this.reserve(bytes.length)
    bytes.copy(this.slab, at)
    this.fileBytes += bytes.length
  }

  /** Room for `size` bytes in the slab; returns where they go. */
  private reserve(size: number): number {
    if (this.slabUsed + size > this.slab.length) {
      this.cutSlab()
      this.slab = Buffer.allocUnsafe(Math.max(SLAB_BYTES, size))
      this.slabUsed = 0
      this.slabQueued = 0
    }
    const at = this.slabUsed
    this.slabUsed += size
    this.queuedBytes += size
    return at
  }

  /** Moves the slab's unqueued bytes to the write queue (as a view: the slab is only ever appended to). */
  private cutSlab(): void {
    if (this.slabUsed > this.slabQueued) this.queue.push(this.slab.subarray(this.slabQueued, this.slabUsed))
    this.slabQueued = this.slabUsed
  }

  private schedule(): void {
    if (this.scheduled || this.pumping || this.failure) return
    this.scheduled = true
    setImmediate(() => {
      this.scheduled = false
      if (!this.pumping) void this.pump()
    })
  }

  private pump(): Promise<void> {
    this.pumping = (async () => {
      try {
        for (;;) {
          this.cutSlab()
          if (this.queue.length === 0 || this.failure || !this.handle) return
          if (this.queue[0] === ROTATE) {
            this.queue.shift()
            await this.rotate()
            continue
          }
          let n = 0
          while (n < this.queue.length && this.queue[n] !== ROTATE) n++
          const parts = this.queue.splice(0, n) as Buffer[]
          const bytes = parts.reduce((s, b) => s + b.length, 0)
          await this.handle.writev(parts)
          this.queuedBytes -= bytes
          this.counters.bytesWritten += bytes
        }
      } catch (err) {
        this.fail(err as Error)
      } finally {
        this.pumping = undefined
      }
    })()
    return this.pumping
  }

  private async rotate(): Promise<void> {
    await this.handle?.close()
    this.handle = undefined
    const keep = this.options.keep ?? 5
    const renameOver = (from: string, to: string) =>
      rename(from, to).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err
      })
    for (let n = keep - 1; n >= 2; n--) await renameOver(rotatedPath(this.path, n - 1), rotatedPath(this.path, n))
    if (keep >= 2) await renameOver(this.path, rotatedPath(this.path, 1))
    this.handle = await open(this.path, 'w')
  }

  private fail(err: Error): void {
    if (this.failure) return
    this.failure = new TransportError(`capture to ${this.path} stopped: ${err.message}`, { cause: err })
    this.queue.length = 0
    this.queuedBytes = 0
    this.slabQueued = this.slabUsed
    const h = this.handle
    this.handle = undefined
    void h?.close().catch(() => {})
    this.options.onError?.(this.failure)
  }
}
