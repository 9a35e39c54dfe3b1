import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as payload from '../../../core/payload/index.ts'

// ---

const index = suite('payload index')

index('exports the public names and nothing by default', () => {
  for (const name of [
    'ENDIAN', 'DEFAULT_ORDER', 'resolveOrder', 'NUMERIC_SIZES', 'INTEGER_RANGES', 'BIGINT_RANGES', 'FLOAT32_MAX',
    'MAX_BCD_BYTES', 'STRING_ENCODINGS', 'PayloadBuilder', 'PayloadDecoder', 'decodePayload', 'encodePayload',
    'fieldsByteLength', 'fieldsRegisterCount',
  ]) {
    assert.ok(name in payload, `missing export ${name}`)
  }
  assert.not.ok('default' in payload)
})

index('the exported builder and decoder work together', () => {
  const regs = new payload.PayloadBuilder({ byteOrder: 'little' }).addUint32(0x12345678).toRegisters()
  assert.equal(regs, [0x3412, 0x7856])
  assert.is(payload.PayloadDecoder.fromRegisters(regs, { byteOrder: 'little' }).uint32(), 0x12345678)
})

index.run()
