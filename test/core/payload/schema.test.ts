import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ArgumentError, ModbusError } from '../../../core/errors.ts'
import type { Endian } from '../../../core/payload/byte-order.ts'
import {
  type PayloadField,
  decodePayload,
  encodePayload,
  fieldsByteLength,
  fieldsRegisterCount,
} from '../../../core/payload/schema.ts'
import { assertError, hexRegisters, loadCases, orderOf, parseRegisters, thrown } from '../../helpers/payload-vectors.ts'

interface SequenceCase {
  id: string
  direction?: 'encode' | 'decode'
  byteOrder?: Endian
  wordOrder?: Endian
  fields: PayloadField[]
  values?: Record<string, unknown>
  decoded?: Record<string, unknown>
  registers: string[]
  error?: string
}

/** What decodePayload should return: 64-bit integers as bigints. */
function expectedValues(fields: readonly PayloadField[], values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const f of fields) {
    if (f.type === 'skip') continue
    const v = values[f.name]
    out[f.name] = f.type === 'int64' || f.type === 'uint64' ? BigInt(v as string | number) : v
  }
  return out
}

// ---

const vectors = suite('payload schema: vectors')

for (const c of loadCases<SequenceCase>('sequences.json')) {
  if (c.error !== undefined) {
    vectors(`${c.direction} ${c.id} → ${c.error}`, () => {
      const err =
        c.direction === 'decode'
          ? thrown(() => decodePayload(parseRegisters(c.registers), c.fields, orderOf(c)))
          : thrown(() => encodePayload(c.values as Record<string, unknown>, c.fields, orderOf(c)))
      assertError(err, c.error === 'MB_ERR_INVALID_ARGUMENT' ? ArgumentError : ModbusError, c.error as string)
    })
    continue
  }
  if (c.direction !== 'decode') {
    vectors(`encode ${c.id}`, () => {
      const regs = encodePayload(c.values as Record<string, unknown>, c.fields, orderOf(c))
      assert.equal(hexRegisters(regs), c.registers)
    })
  }
  if (c.direction !== 'encode') {
    vectors(`decode ${c.id}`, () => {
      const got = decodePayload(parseRegisters(c.registers), c.fields, orderOf(c))
      assert.equal(got, c.decoded ?? expectedValues(c.fields, c.values as Record<string, unknown>))
    })
  }
}

vectors.run()

// ---

const api = suite('payload schema: api')

const METER: PayloadField[] = [
  { name: 'id', type: 'uint16' },
  { type: 'skip', bytes: 1 },
  { name: 'mode', type: 'uint8' },
  { name: 'power', type: 'float32' },
  { name: 'tag', type: 'string', length: 3 },
]

api('fieldsByteLength and fieldsRegisterCount size a layout', () => {
  assert.is(fieldsByteLength(METER), 2 + 1 + 1 + 4 + 3)
  assert.is(fieldsRegisterCount(METER), 6)
  assert.is(fieldsByteLength([{ name: 'b', type: 'bits' }, { name: 'c', type: 'bits', bytes: 3 }]), 4)
  assert.is(fieldsByteLength([]), 0)
})

api('encode then decode gives the values back; skip fields produce no key', () => {
  const values = { id: 7, mode: 2, power: -0.75, tag: 'abc' }
  const regs = encodePayload(values, METER, { wordOrder: 'little' })
  assert.is(regs.length, 6)
  assert.equal(decodePayload(regs, METER, { wordOrder: 'little' }), values)
})

api('a short bits value is padded with false to its field', () => {
  const fields: PayloadField[] = [{ name: 'f', type: 'bits', bytes: 2 }]
  const regs = encodePayload({ f: [true, true] }, fields)
  assert.equal(hexRegisters(regs), ['0x0300'])
  assert.is((decodePayload(regs, fields).f as boolean[]).length, 16)
})

api('string options reach the builder and the decoder', () => {
  const fields: PayloadField[] = [{ name: 's', type: 'string', length: 4, pad: 0x20, trim: true, encoding: 'utf8' }]
  const regs = encodePayload({ s: '\u00e9' }, fields)
  assert.equal(hexRegisters(regs), ['0xC3A9', '0x2020'])
  assert.equal(decodePayload(regs, fields), { s: '\u00e9' })
})

api('64-bit values may be bigints, safe integers or decimal strings', () => {
  const fields: PayloadField[] = [{ name: 'n', type: 'int64' }]
  const expected = encodePayload({ n: -42n }, fields)
  assert.equal(encodePayload({ n: -42 }, fields), expected)
  assert.equal(encodePayload({ n: '-42' }, fields), expected)
  assertError(thrown(() => encodePayload({ n: 2 ** 60 }, fields)), ArgumentError, 'MB_ERR_INVALID_ARGUMENT')
})

api('a bad value names the field, and the builder error is the cause', () => {
  const err = thrown(() => encodePayload({ id: 70000, mode: 0, power: 0, tag: '' }, METER))
  assertError(err, ArgumentError, 'MB_ERR_INVALID_ARGUMENT')
  assert.match((err as Error).message, /^encodePayload: field "id" \(uint16\): .*70000.*0\.\.65535/)
  assert.instance((err as Error).cause, ArgumentError)
})

api('a truncated decode names the field that ran out', () => {
  const err = thrown(() => decodePayload([1, 2, 3], METER))
  assertError(err, ModbusError, 'MB_ERR_TRUNCATED')
  assert.match((err as Error).message, /^decodePayload: field "power" \(float32\): float32 needs 4 bytes at offset 4, but only 2 of 6 remain/)
})

api('a bad BCD digit names the field', () => {
  const err = thrown(() => decodePayload([0x1f00], [{ name: 'when', type: 'bcd', bytes: 1 }]))
  assertError(err, ModbusError, 'MB_ERR_VALUE')
  assert.match((err as Error).message, /field "when" \(bcd\)/)
})

api('layout errors are found before any value is read', () => {
  for (const fields of [
    [{ name: 'a', type: 'uint16' }, { name: 'a', type: 'uint8' }],
    [{ name: '', type: 'uint16' }],
    [{ name: 'x', type: 'float16' }],
    [{ name: 'x', type: 'bcd', bytes: 9 }],
    [{ name: 'x', type: 'bits', bytes: -1 }],
    [{ type: 'skip' }],
    [null],
  ]) {
    assertError(thrown(() => decodePayload([], fields as never)), ArgumentError, 'MB_ERR_INVALID_ARGUMENT')
  }
  assertError(thrown(() => fieldsByteLength('uint16' as never)), ArgumentError, 'MB_ERR_INVALID_ARGUMENT')
})

api('encodePayload refuses a non-object', () => {
  assertError(thrown(() => encodePayload(null as never, METER)), ArgumentError, 'MB_ERR_INVALID_ARGUMENT')
})

api.run()
