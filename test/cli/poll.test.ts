import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { TimeoutError } from '../../core/index.ts'
import { poll, summaryLine } from '../../cli/poll.ts'

const test = suite('polling: count, errors, abort, summary')

test('--polls 3 sends three requests and counts each reply', async () => {
  let n = 0
  const replies: number[] = []
  const stats = await poll({ interval: 1, polls: 3, signal: new AbortController().signal }, async () => ++n, (v) => replies.push(v), () => assert.unreachable('no error'))
  assert.equal(replies, [1, 2, 3])
  assert.is(stats.sent, 3)
  assert.is(stats.ok, 3)
  assert.is(stats.errors, 0)
  assert.ok(stats.minMs <= stats.maxMs)
})

test('a failed poll is reported and polling goes on', async () => {
  let n = 0
  const errors: unknown[] = []
  const stats = await poll(
    { interval: 1, polls: 4, signal: new AbortController().signal },
    async () => {
      if (++n % 2 === 0) throw new TimeoutError(`poll ${n}`)
      return n
    },
    () => {},
    (err) => errors.push(err),
  )
  assert.is(stats.sent, 4)
  assert.is(stats.ok, 2)
  assert.is(stats.errors, 2)
  assert.equal(errors.map((e) => (e as Error).message), ['poll 2', 'poll 4'])
})

test('abort (Ctrl-C) ends an endless poll without waiting for the request in flight', async () => {
  const stop = new AbortController()
  let n = 0
  const stats = await poll(
    { interval: 1, signal: stop.signal },
    () => {
      if (++n === 3) {
        stop.abort()
        return new Promise<number>(() => {})
      }
      return Promise.resolve(n)
    },
    () => {},
    () => {},
  )
  assert.is(stats.sent, 2, 'the third, in flight at the abort, is not counted')
  assert.is(stats.ok, 2)
})

test('the summary line reads like ping', () => {
  const line = summaryLine('read holding unit 1', { sent: 4, ok: 3, errors: 1, minMs: 1, maxMs: 3, totalMs: 6 })
  assert.is(line, '--- read holding unit 1: 4 sent, 3 ok, 1 errors (25% failed); round trip min/avg/max 1.000/2.000/3.000 ms')
  assert.is(summaryLine('x', { sent: 0, ok: 0, errors: 0, minMs: Infinity, maxMs: 0, totalMs: 0 }), '--- x: 0 sent, 0 ok, 0 errors (0% failed)')
})
test.run()
