/**
 * The names of the --type values, apart from their codecs (value-types.ts) so that option
 * definitions, help and completion do not load core/payload.
 */

/** Every --type: how registers are shown on read and built on write. */
export const VALUE_TYPES = ['int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'float32', 'float64', 'string', 'bcd', 'hex', 'bits'] as const

/** One of VALUE_TYPES. */
export type ValueType = (typeof VALUE_TYPES)[number]
