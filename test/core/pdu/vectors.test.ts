import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { PduError, decodeRequest, decodeResponse, defaultRegistry, diagnosticSubFunction, DIAGNOSTIC_SUB_FUNCTIONS, encodeRequest, encodeResponse } from '../../../core/index.ts'
import { hexBytes, loadPduVectors, type PduVector } from '../../../vectors/loader.ts'
import { hex, normHex } from '../../helpers/hex.ts'

const vectors = loadPduVectors()

function decode(v: PduVector) {
  const buf = hexBytes(v.hex)
  return v.direction === 'request' ? decodeRequest(buf) : decodeResponse(buf)
}
function encode(v: PduVector, msg: any) {
  return v.direction === 'request' ? encodeRequest(msg) : encodeResponse(msg)
}

// ---
const positive = suite('pdu vectors: decode gives the fields, encode gives the hex')
for (const v of vectors.filter((c) => c.fields)) {
  positive(`${v.id} (${v.spec})`, () => {
    assert.equal(decode(v), v.fields)
    assert.is(hex(encode(v, v.fields)), normHex(v.hex))
    assert.is(hex(encode(v, decode(v))), normHex(v.hex))
  })
}
positive.run()

// ---
const negative = suite('pdu vectors: decoding fails with a typed error naming the field')
for (const v of vectors.filter((c) => c.error)) {
  negative(`${v.id} → ${v.error} (${v.spec})`, () => {
    try {
      decode(v)
      assert.unreachable(`decoded without error: ${JSON.stringify(decode(v))}`)
    } catch (err) {
      if (err instanceof assert.Assertion) throw err
      assert.instance(err, PduError)
      assert.is((err as PduError).code, v.error)
      assert.is((err as PduError).functionCode, hexBytes(v.hex)[0] & 0x7f)
      if (v.field) assert.is((err as PduError).field, v.field)
    }
  })
}
negative.run()

// ---
const exceptions = suite('pdu vectors: exception responses')
for (const v of vectors.filter((c) => c.exception !== undefined)) {
  exceptions(`${v.id} (${v.spec})`, () => {
    const msg = decodeResponse(hexBytes(v.hex)) as any
    assert.is(msg.exception, v.exception)
    assert.is(hex(encodeResponse(msg)), normHex(v.hex))
  })
}
exceptions.run()

// ---
const coverage = suite('registry coverage: every function code has positive and negative vectors both ways')
for (const spec of defaultRegistry.list()) {
  for (const direction of ['request', 'response'] as const) {
    coverage(`${spec.name} (0x${spec.code.toString(16).padStart(2, '0')}) ${direction}`, () => {
      const mine = vectors.filter((v) => hexBytes(v.hex)[0] === spec.code && v.direction === direction)
      assert.ok(mine.some((v) => v.fields), 'a positive vector')
      assert.ok(mine.some((v) => v.error), 'a negative vector')
    })
  }
}
coverage('every function code has an exception-response vector', () => {
  for (const spec of defaultRegistry.list()) {
    assert.ok(
      vectors.some((v) => v.exception !== undefined && hexBytes(v.hex)[0] === (spec.code | 0x80)),
      `exception vector for ${spec.name}`,
    )
  }
})
coverage('every diagnostics sub-function has positive vectors both ways', () => {
  for (const sub of DIAGNOSTIC_SUB_FUNCTIONS) {
    const mine = vectors.filter((v) => v.fields && (v.fields as any).function === 'diagnostics' && (v.fields as any).subFunction === sub.code)
    assert.ok(mine.some((v) => v.direction === 'request'), `request vector for ${sub.name}`)
    if (sub.responseWords !== 'none') assert.ok(mine.some((v) => v.direction === 'response'), `response vector for ${sub.name}`)
  }
  assert.is(diagnosticSubFunction(0x99), undefined)
})
coverage.run()
