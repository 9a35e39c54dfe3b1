import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { timestampUs } from '../../../core/capture/clock.ts'

// ---
const clock = suite('capture clock: microseconds since 1970 from performance.now()')

clock('agrees with the wall clock (within a minute: the two clocks may drift, never by that much)', () => {
  assert.ok(Math.abs(timestampUs() - Date.now() * 1000) < 60_000_000)
})

clock('a performance.now() reading maps one to one, a millisecond later is 1000 µs later', () => {
  const at = performance.now()
  assert.is(Math.round(timestampUs(at + 1) - timestampUs(at)), 1000)
  assert.is(Math.round(timestampUs(0)), Math.round(performance.timeOrigin * 1000))
})

clock.run()
