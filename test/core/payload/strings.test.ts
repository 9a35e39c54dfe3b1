import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ArgumentError } from '../../../core/errors.ts'
import {
  STRING_ENCODINGS,
  checkLength,
  prepareString,
  readString,
  resolveStringDecodeOptions,
  writeString,
} from '../../../core/payload/strings.ts'
import { assertError, thrown } from '../../helpers/payload-vectors.ts'

// ---

const build = suite('payload strings: build')

build('measures latin1 and utf8 text in bytes', () => {
  assert.is(prepareString('m', 'caf\u00e9').byteLength, 4)
  assert.is(prepareString('m', 'caf\u00e9', { encoding: 'utf8' }).byteLength, 5)
  assert.is(prepareString('m', '\u{1F600}', { encoding: 'utf8' }).byteLength, 4)
})

build('writes the text then the pad byte up to the length', () => {
  const buf = Buffer.alloc(8, 0xee)
  const p = prepareString('m', 'ab', { length: 5, pad: 0x2e })
  assert.is(writeString(p, buf, 1), 6)
  assert.is(buf.toString('hex'), 'ee61622e2e2eeeee')
})

build('an empty string fills the whole field with pad bytes', () => {
  const buf = Buffer.alloc(3)
  writeString(prepareString('m', '', { length: 3, pad: 0xff }), buf, 0)
  assert.is(buf.toString('hex'), 'ffffff')
})

build('refuses bad input with ArgumentError', () => {
  for (const [text, opts] of [
    [42, {}],
    ['abc', { length: 2 }],
    ['abc', { length: -1 }],
    ['abc', { length: 1.5 }],
    ['\u0100', {}],
    ['a', { pad: -1 }],
    ['a', { encoding: 'ucs2' }],
  ] as const) {
    assertError(thrown(() => prepareString('addString', text, opts as never)), ArgumentError, 'MB_ERR_INVALID_ARGUMENT')
  }
})

build('STRING_ENCODINGS lists latin1 and utf8', () => {
  assert.equal(Object.values(STRING_ENCODINGS), ['latin1', 'utf8'])
})

build.run()

// ---

const decode = suite('payload strings: decode')

decode('keeps the whole field unless asked to trim', () => {
  const buf = Buffer.from('4142000000', 'hex')
  assert.is(readString(buf, 0, 5, resolveStringDecodeOptions('m')), 'AB\u0000\u0000\u0000')
  assert.is(readString(buf, 0, 5, resolveStringDecodeOptions('m', { trim: true })), 'AB')
})

decode('trim drops only trailing pad bytes, of the configured value', () => {
  const buf = Buffer.from('2041202000', 'hex')
  assert.is(readString(buf, 0, 4, resolveStringDecodeOptions('m', { trim: true, pad: 0x20 })), ' A')
  assert.is(readString(buf, 0, 5, resolveStringDecodeOptions('m', { trim: true, pad: 0x20 })), ' A  \u0000')
})

decode('a field of nothing but pad bytes trims to the empty string', () => {
  assert.is(readString(Buffer.alloc(4), 0, 4, resolveStringDecodeOptions('m', { trim: true })), '')
})

decode('reads at an offset and stops at the length', () => {
  assert.is(readString(Buffer.from('xxABCyy'), 2, 3, resolveStringDecodeOptions('m')), 'ABC')
})

decode('decodes utf8 when asked', () => {
  assert.is(readString(Buffer.from('c3a9', 'hex'), 0, 2, resolveStringDecodeOptions('m', { encoding: 'utf8' })), '\u00e9')
  assert.is(readString(Buffer.from('c3a9', 'hex'), 0, 2, resolveStringDecodeOptions('m')), '\u00c3\u00a9')
})

decode('settles defaults: latin1, no trim, pad 0x00', () => {
  assert.equal(resolveStringDecodeOptions('m'), { encoding: 'latin1', trim: false, pad: 0 })
})

decode('checkLength names the method and the count', () => {
  const err = thrown(() => checkLength('string', 'length', -3))
  assertError(err, ArgumentError, 'MB_ERR_INVALID_ARGUMENT')
  assert.is((err as Error).message, 'string: length must be a non-negative integer, got -3')
})

decode.run()
