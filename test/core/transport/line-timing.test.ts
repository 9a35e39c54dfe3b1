import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { bitsPerCharacter, characterTimeUs, t15Us, t35Us, wireTimeUs } from '../../../core/transport/line-timing.ts'

const test = suite('line timing (SL §2.5.1.1)')

test('a character is 11 bits in 8E1 and 8N2, 10 in 8N1', () => {
  assert.is(bitsPerCharacter({ dataBits: 8, parity: 'even', stopBits: 1 }), 11)
  assert.is(bitsPerCharacter({ dataBits: 8, parity: 'none', stopBits: 2 }), 11)
  assert.is(bitsPerCharacter({ dataBits: 8, parity: 'none', stopBits: 1 }), 10)
})
test('t3.5 and t1.5 scale with baud up to 19200 and are fixed above it', () => {
  assert.ok(Math.abs(t35Us(9600) - 4010.4) < 0.1)
  assert.ok(Math.abs(t15Us(9600) - 1718.75) < 0.01)
  assert.is(t35Us(38400), 1750)
  assert.is(t15Us(115200), 750)
})
test('wire time of an 8-byte frame at 9600 baud is 8 × 11 / 9600 s', () => {
  assert.ok(Math.abs(wireTimeUs(8, 9600) - 9166.67) < 0.01)
  assert.ok(Math.abs(characterTimeUs(19200) - 572.92) < 0.01)
})
test.run()
