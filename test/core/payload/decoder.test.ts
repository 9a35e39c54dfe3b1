import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ArgumentError, ModbusError } from '../../../core/errors.ts'
import { PayloadDecoder } from '../../../core/payload/decoder.ts'
import {
  assertError,
  assertSame,
  decodeCase,
  payloadCases,
  orderOf,
  parseRegisters,
  parseValue,
  thrown,
} from '../../helpers/payload-vectors.ts'

const { values: valueCases, coils: coilCases } = payloadCases()

function parseCoils(text: string): boolean[] {
  return [...text.replace(/ /g, '')].map((ch) => ch === '1')
}

// ---

const vectors = suite('payload decoder: vectors')

for (const c of valueCases) {
  if (c.direction === 'build') continue
  if (c.error !== undefined) {
    vectors(`decode ${c.id} → ${c.error}`, () => {
      const regs = parseRegisters(c.registers as string[])
      const err = thrown(() => decodeCase(PayloadDecoder.fromRegisters(regs, orderOf(c)), c))
      assertError(err, c.error === 'MB_ERR_INVALID_ARGUMENT' ? ArgumentError : ModbusError, c.error as string)
    })
    continue
  }
  vectors(`decode ${c.id}`, () => {
    const d = PayloadDecoder.fromRegisters(parseRegisters(c.registers as string[]), orderOf(c))
    const got = decodeCase(d, c)
    if (c.type === 'skip') assert.is(got, c.bytes, 'offset after skip')
    else assertSame(got, parseValue(c.type, c.decoded ?? c.value))
  })
}

for (const c of coilCases) {
  if (c.direction === 'decode') {
    vectors(`fromCoils ${c.id}`, () => {
      const d = PayloadDecoder.fromCoils(parseCoils(c.coils))
      const expected = Buffer.from((c.hex as string).replace(/ /g, ''), 'hex')
      assert.is(d.byteLength, expected.length)
      const bytes: number[] = []
      while (d.remaining > 0) bytes.push(d.uint8())
      assert.equal(bytes, [...expected])
    })
    continue
  }
  vectors(`fromCoils ${c.id}`, () => {
    const d = PayloadDecoder.fromCoils(parseCoils(c.coils))
    const regs: number[] = []
    while (d.remaining > 0) regs.push(d.uint16())
    assert.equal(regs, parseRegisters(c.registers as string[]))
  })
}

vectors.run()

// ---

const reading = suite('payload decoder: reading')

reading('reads values in sequence and tracks offset and remaining', () => {
  const d = PayloadDecoder.fromRegisters([0x0001, 0x3f80, 0x0000, 0x4142])
  assert.is(d.byteLength, 8)
  assert.is(d.uint16(), 1)
  assert.is(d.offset, 2)
  assert.is(d.float32(), 1)
  assert.is(d.remaining, 2)
  assert.is(d.string(2), 'AB')
  assert.is(d.remaining, 0)
})

reading('reset goes back to the first byte', () => {
  const d = PayloadDecoder.fromRegisters([0x1234])
  assert.is(d.uint16(), 0x1234)
  assert.is(d.reset().uint8(), 0x12)
  assert.is(d.uint8(), 0x34)
})

reading('fromBuffer reads a Uint8Array view without copying it', () => {
  const backing = new Uint8Array([0xff, 0x12, 0x34, 0xff])
  const d = PayloadDecoder.fromBuffer(backing.subarray(1, 3))
  backing[2] = 0x56
  assert.is(d.byteLength, 2)
  assert.is(d.uint16(), 0x1256)
})

reading('fromBuffer honours the order options', () => {
  const d = PayloadDecoder.fromBuffer(Buffer.from('56781234', 'hex'), { wordOrder: 'little' })
  assert.is(d.uint32(), 0x12345678)
})

reading('bits() reads one byte as eight booleans, LSB first', () => {
  const d = PayloadDecoder.fromRegisters([0x0180])
  assert.equal(d.bits(), [true, false, false, false, false, false, false, false])
  assert.equal(d.bits(), [false, false, false, false, false, false, false, true])
})

reading('numeric(type) matches the named method', () => {
  const regs = [0xfffe, 0x1234, 0x5678, 0x9abc]
  const a = PayloadDecoder.fromRegisters(regs, { byteOrder: 'little' })
  const b = PayloadDecoder.fromRegisters(regs, { byteOrder: 'little' })
  assert.is(a.numeric('int16'), b.int16())
  assert.is(a.numeric('uint16'), b.uint16())
  assert.is(a.numeric('int32'), b.int32())
})

reading('exposes its settled order', () => {
  assert.equal(PayloadDecoder.fromRegisters([], { byteOrder: 'little' }).order, { byteOrder: 'little', wordOrder: 'big' })
})

reading.run()

// ---

const errors = suite('payload decoder: errors')

errors('reading past the end names the read, the need and what remains', () => {
  const d = PayloadDecoder.fromRegisters([0x0001, 0x0002, 0x0003])
  d.uint16()
  const err = thrown(() => d.float64())
  assertError(err, ModbusError, 'MB_ERR_TRUNCATED')
  assert.is((err as Error).message, 'float64 needs 8 bytes at offset 2, but only 4 of 6 remain')
})

errors('a failed read does not move the position', () => {
  const d = PayloadDecoder.fromRegisters([0x1234])
  thrown(() => d.uint32())
  assert.is(d.offset, 0)
  assert.is(d.uint16(), 0x1234)
})

errors('string, bits, bcd and skip report truncation with their names', () => {
  for (const [name, read] of [
    ['string', (d: PayloadDecoder) => d.string(3)],
    ['bits', (d: PayloadDecoder) => d.bits(3)],
    ['bcd', (d: PayloadDecoder) => d.bcd(3)],
    ['skip', (d: PayloadDecoder) => d.skip(3)],
  ] as const) {
    const err = thrown(() => read(PayloadDecoder.fromRegisters([0x1234])))
    assertError(err, ModbusError, 'MB_ERR_TRUNCATED')
    assert.ok((err as Error).message.startsWith(`${name} needs 3 bytes at offset 0`), (err as Error).message)
  }
})

errors('bcd with a non-decimal nibble names the byte and its offset', () => {
  const d = PayloadDecoder.fromRegisters([0x0012, 0x3b00])
  d.uint8()
  const err = thrown(() => d.bcd(2))
  assertError(err, ModbusError, 'MB_ERR_VALUE')
  assert.match((err as Error).message, /byte 0x3B at offset 2/)
  assert.is(d.offset, 1, 'position unchanged after a bad BCD value')
})

errors('fromRegisters refuses a value that is not a register', () => {
  for (const bad of [-1, 0x10000, 1.5, Number.NaN, '1']) {
    const err = thrown(() => PayloadDecoder.fromRegisters([0, bad as number]))
    assertError(err, ArgumentError, 'MB_ERR_INVALID_ARGUMENT')
    assert.match((err as Error).message, /register 1 is/)
  }
})

errors('fromCoils refuses a non-boolean coil', () => {
  const err = thrown(() => PayloadDecoder.fromCoils([true, 0 as unknown as boolean]))
  assertError(err, ArgumentError, 'MB_ERR_INVALID_ARGUMENT')
  assert.match((err as Error).message, /coil 1 is number 0/)
})

errors('fromBuffer refuses a non-byte array', () => {
  assertError(thrown(() => PayloadDecoder.fromBuffer([1, 2] as unknown as Uint8Array)), ArgumentError, 'MB_ERR_INVALID_ARGUMENT')
})

errors('bad arguments to reads are ArgumentErrors, not truncation', () => {
  const d = PayloadDecoder.fromRegisters([0, 0, 0, 0, 0])
  for (const read of [() => d.string(-1), () => d.bits(0.5), () => d.bcd(8), () => d.bcd(0), () => d.skip(-2)]) {
    assertError(thrown(read), ArgumentError, 'MB_ERR_INVALID_ARGUMENT')
  }
  assertError(thrown(() => d.string(2, { encoding: 'hex' as 'utf8' })), ArgumentError, 'MB_ERR_INVALID_ARGUMENT')
  assertError(thrown(() => d.string(2, { trim: 1 as unknown as boolean })), ArgumentError, 'MB_ERR_INVALID_ARGUMENT')
  assert.is(d.offset, 0)
})

errors('numeric refuses an unknown type', () => {
  const err = thrown(() => PayloadDecoder.fromRegisters([0]).numeric('uint12' as 'uint16'))
  assertError(err, ArgumentError, 'MB_ERR_INVALID_ARGUMENT')
})

errors.run()
