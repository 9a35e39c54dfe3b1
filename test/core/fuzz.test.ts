import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import {
  createFramer,
  decodeRequest,
  decodeResponse,
  defaultRegistry,
  FrameError,
  PduError,
  type Adu,
  type FrameSink,
  type Framer,
} from '../../core/index.ts'
import { chunkBytes, hexBytes, loadFrameVectors, loadPduVectors } from '../../vectors/loader.ts'
import { prng } from '../helpers/random.ts'

const SEED = Number(process.env.MODBRIDGE_FUZZ_SEED ?? 0x5eed2026)
const BUFFERS = Number(process.env.MODBRIDGE_FUZZ_COUNT ?? 100_000)
const random = prng(SEED)
const int = (n: number) => Math.floor(random() * n)

const pdus = loadPduVectors().map((v) => hexBytes(v.hex)).filter((b) => b.length > 0)
const adus = loadFrameVectors().filter((v) => !v.text).flatMap((v) => chunkBytes(v))
const codes = defaultRegistry.list().map((s) => s.code)

/** Random bytes, biased (as mqtt-packet's fuzzer is) toward a plausible unit and function code first. */
function randomBuffer(): Buffer {
  const buf = Buffer.allocUnsafe(int(300))
  for (let i = 0; i < buf.length; i++) buf[i] = int(256)
  if (buf.length > 1 && random() < 0.7) {
    buf[0] = int(4)
    buf[1] = codes[int(codes.length)] | (random() < 0.1 ? 0x80 : 0)
  }
  return buf
}

/** A valid PDU or ADU with a few bit flips, insertions, deletions, truncations or duplications. */
function mutated(): Buffer {
  const source = random() < 0.5 ? pdus[int(pdus.length)] : adus[int(adus.length)]
  let buf = Buffer.from(source)
  for (let n = 1 + int(3); n > 0; n--) {
    const at = int(buf.length + 1)
    switch (int(5)) {
      case 0:
        if (buf.length) buf[Math.min(at, buf.length - 1)] ^= 1 << int(8)
        break
      case 1:
        buf = Buffer.concat([buf.subarray(0, at), Buffer.from([int(256)]), buf.subarray(at)])
        break
      case 2:
        buf = Buffer.concat([buf.subarray(0, at), buf.subarray(at + 1)])
        break
      case 3:
        buf = buf.subarray(0, at)
        break
      default:
        buf = Buffer.concat([buf, buf.subarray(0, at)])
    }
  }
  return buf
}

const framers: [string, () => Framer][] = [
  ['tcp', () => createFramer('tcp')],
  ['rtu/request', () => createFramer('rtu', { expect: 'request' })],
  ['rtu/response', () => createFramer('rtu', { expect: 'response' })],
  ['rtu/probe', () => createFramer('rtu', { expect: 'response', probe: true })],
  ['ascii', () => createFramer('ascii')],
  ['binary', () => createFramer('binary')],
]

function decodeBoth(pdu: Buffer, where: string): void {
  for (const decode of [decodeRequest, decodeResponse]) {
    try {
      decode(pdu)
    } catch (err) {
      if (!(err instanceof PduError)) assert.unreachable(`${where}: ${decode.name} threw ${String(err)} for ${pdu.toString('hex')}`)
    }
  }
}

const test = suite(`fuzz (seed ${SEED}; replay with MODBRIDGE_FUZZ_SEED=${SEED})`)

test(`${BUFFERS} random and mutated buffers through every framer and both PDU decoders: only typed errors`, () => {
  let frames = 0
  let errors = 0
  for (let i = 0; i < BUFFERS; i++) {
    const buf = random() < 0.5 ? randomBuffer() : mutated()
    const where = `seed ${SEED} buffer #${i}`
    if (buf.length > 0) decodeBoth(buf, where)
    const [name, make] = framers[i % framers.length]
    const framer = make()
    const sink: FrameSink = {
      frame(adu: Adu) {
        frames++
        decodeBoth(adu.pdu, `${where} ${name} frame`)
      },
      error(err) {
        errors++
        assert.instance(err, FrameError, `${where} ${name}: error is a FrameError`)
      },
    }
    try {
      for (let at = 0; at < buf.length; ) {
        const n = 1 + int(buf.length)
        framer.push(buf.subarray(at, at + n), sink)
        at += n
      }
      framer.end(sink)
    } catch (err) {
      if (err instanceof assert.Assertion) throw err
      assert.unreachable(`${where} ${name}: push threw ${String(err)} on ${buf.toString('hex')}`)
    }
  }
  assert.ok(frames > 1000, `frames were found (${frames})`)
  assert.ok(errors > 1000, `errors were reported (${errors})`)
})
test.run()
