/**
 * The datastore: what a server serves — blocks, a unit's tables, async sources, and devices by
 * unit id. Kept apart from the codec.
 */
export type { Awaitable, BitTable, DataBlock, RegisterTable, TableName, UnitData, WriteEvent } from './types.ts'
export { deviceFailure, illegalAddress, illegalFunction, illegalValue } from './device-exception.ts'
export { SequentialBlock, bits, registers } from './sequential-block.ts'
export type { BlockKind } from './sequential-block.ts'
export { SparseBlock, sparseBits, sparseRegisters } from './sparse-block.ts'
export type { SparseValues } from './sparse-block.ts'
export { FileStore } from './file-store.ts'
export type { FileValues } from './file-store.ts'
export { FifoStore } from './fifo-store.ts'
export type { FifoValues } from './fifo-store.ts'
export { MemoryUnit } from './memory-unit.ts'
export type { MemoryUnitOptions, WriteListener } from './memory-unit.ts'
export { asyncUnit } from './async-unit.ts'
export type { AsyncSource } from './async-unit.ts'
export { isPromiseLike, mapAwaitable } from './awaitable.ts'
export { MAX_SERIAL_UNIT, ServerContext, UNKNOWN_UNIT_EXCEPTIONS } from './server-context.ts'
export type { ServerContextOptions, SingleContextOptions, UnknownUnitPolicy } from './server-context.ts'
