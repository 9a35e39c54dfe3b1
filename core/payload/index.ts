/**
 * Register payloads: typed values laid out over 16-bit registers in any byte and word order.
 * Named exports only; core/index.ts re-exports what the public API needs.
 */
export { ENDIAN, DEFAULT_ORDER, resolveOrder } from './byte-order.ts'
export type { Endian, PayloadOrder, ResolvedOrder } from './byte-order.ts'
export { NUMERIC_SIZES, INTEGER_RANGES, BIGINT_RANGES, FLOAT32_MAX } from './numeric.ts'
export type { NumericType, NumericValue, BigIntType, SmallIntType, FloatType } from './numeric.ts'
export { MAX_BCD_BYTES } from './bcd.ts'
export { STRING_ENCODINGS } from './strings.ts'
export type { StringEncoding, StringBuildOptions, StringDecodeOptions } from './strings.ts'
export { PayloadBuilder } from './builder.ts'
export { PayloadDecoder } from './decoder.ts'
export { decodePayload, encodePayload, fieldsByteLength, fieldsRegisterCount } from './schema.ts'
export type {
  PayloadField,
  PayloadType,
  PayloadValue,
  PayloadValues,
  NumericField,
  StringField,
  BitsField,
  BcdField,
  SkipField,
} from './schema.ts'
