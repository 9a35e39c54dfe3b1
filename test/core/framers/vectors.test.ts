import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createFramer, FrameError } from '../../../core/index.ts'
import { chunkBytes, hexBytes, loadFrameVectors, type FrameVector } from '../../../vectors/loader.ts'
import { feed, splitEverywhere } from '../../helpers/framing.ts'
import { normHex } from '../../helpers/hex.ts'

const make = (v: FrameVector) => () => createFramer(v.framer, { expect: v.expect ?? 'request' })
const expected = (v: FrameVector) => v.frames.map((f) => ({ unit: f.unit, tid: f.tid ?? 0, pdu: normHex(f.pdu).replace(/ /g, '') }))
const got = (frames: { unit: number; tid: number; pdu: string }[]) => frames.map(({ unit, tid, pdu }) => ({ unit, tid, pdu }))

for (const framer of ['tcp', 'rtu', 'ascii', 'binary'] as const) {
  const vectors = loadFrameVectors(framer)
  const test = suite(`${framer} framer vectors`)
  for (const v of vectors) {
    test(`${v.id} (${v.spec})`, () => {
      const out = feed(make(v), chunkBytes(v), v.end)
      assert.equal(got(out.frames), expected(v), 'frames delivered')
      for (const e of out.errors) assert.instance(e, FrameError)
      if (v.errors) assert.equal(out.errors.map((e) => e.code), v.errors, 'errors reported')
      if (v.stats) for (const [k, n] of Object.entries(v.stats)) assert.is((out.framer.stats as any)[k], n, `stats.${k}`)
      if (v.buffered !== undefined) assert.is(out.buffered, v.buffered, 'bytes still buffered')
      if (v.encodes) {
        assert.is(v.frames.length, 1, 'an encodes case has one frame')
        const f = v.frames[0]
        const adu = out.framer.encode(f.unit, hexBytes(f.pdu), f.tid ?? 0)
        assert.is(adu.toString('hex'), Buffer.concat(chunkBytes(v)).toString('hex'), 'encode gives the input back')
      }
    })
    if (v.chunks.length === 1 && v.frames.length > 0) {
      test(`${v.id}: same frames under every split`, () => {
        for (const [label, chunks] of splitEverywhere(chunkBytes(v)[0])) {
          const out = feed(make(v), chunks, v.end)
          assert.equal(got(out.frames), expected(v), label)
        }
      })
    }
  }
  test.run()
}
