/**
 * FileStore: the extended register files of §6.14/§6.15. A file is an array of 16-bit registers
 * addressed by record number (one register per record); file numbers run 1..0xFFFF and record
 * numbers 0..0x270F, so a file holds at most 10000 records.
 */
import { MAX_FILE_RECORD_NUMBER, MIN_FILE_NUMBER } from '../limits.ts'
import { ArgumentError, hex } from '../errors.ts'
import { illegalAddress } from './device-exception.ts'
import { checkRegisterValues } from './value-checks.ts'

/** Files to start with: file number → registers. */
export type FileValues = ReadonlyMap<number, readonly number[]> | Readonly<Record<number, readonly number[]>>

/** §6.14: record numbers 0..0x270F, so 10000 records. */
const MAX_FILE_RECORDS = MAX_FILE_RECORD_NUMBER + 1

/**
 * Register files by file number. Reads and writes must stay inside the file: a missing file, a
 * record number past 0x270F or a range running past the file's end throws illegalAddress (0x02).
 * Files have a fixed size; only `set` (the device's own change) creates, resizes or replaces one.
 */
export class FileStore {
  private readonly files = new Map<number, Uint16Array>()

  /** Copies the given files (see `set` for the checks). */
  constructor(files?: FileValues) {
    if (files === undefined) return
    const entries = files instanceof Map ? [...files.entries()] : Object.entries(files)
    for (const [file, registers] of entries) this.set(Number(file), registers)
  }

  /** Creates or replaces file `file` (1..0xFFFF) with a copy of `registers` (at most 10000, each 0..0xFFFF). */
  set(file: number, registers: readonly number[]): void {
    if (!(Number.isInteger(file) && file >= MIN_FILE_NUMBER && file <= 0xffff)) {
      throw new ArgumentError(`file store: file number ${String(file)} is outside 1..0xFFFF (§6.14)`)
    }
    if (registers.length > MAX_FILE_RECORDS) {
      throw new ArgumentError(`file store: file ${file} has ${registers.length} records, at most ${MAX_FILE_RECORDS} fit (records 0..0x270F, §6.14)`)
    }
    checkRegisterValues(`file store: file ${file}`, registers)
    this.files.set(file, Uint16Array.from(registers))
  }

  /** The file numbers held, ascending. */
  fileNumbers(): number[] {
    return [...this.files.keys()].sort((a, b) => a - b)
  }

  /** `length` registers of file `file` from record `record`. */
  read(file: number, record: number, length: number): number[] {
    const data = this.locate('read', file, record, length)
    return Array.from(data.subarray(record, record + length))
  }

  /** Overwrites registers of file `file` from record `record` on (nothing is written when the range does not fit). */
  write(file: number, record: number, values: readonly number[]): void {
    const data = this.locate('write', file, record, values.length)
    for (let i = 0; i < values.length; i++) data[record + i] = values[i]
  }

  private locate(op: 'read' | 'write', file: number, record: number, length: number): Uint16Array {
    const data = this.files.get(file)
    if (data === undefined) {
      const held = this.fileNumbers()
      throw illegalAddress(`file record ${op}: file ${hex(file, 4)} does not exist (files: ${held.length === 0 ? 'none' : held.map((f) => hex(f, 4)).join(', ')})`)
    }
    if (record > MAX_FILE_RECORD_NUMBER) {
      throw illegalAddress(`file record ${op}: record ${hex(record, 4)} of file ${hex(file, 4)} is past the last record number 0x270F (§6.14)`)
    }
    if (record + length > data.length) {
      throw illegalAddress(
        `file record ${op}: ${length} records from ${hex(record, 4)} of file ${hex(file, 4)} run past its end (it holds ${data.length} records, 0x0000..${hex(data.length - 1, 4)})`,
      )
    }
    return data
  }
}
