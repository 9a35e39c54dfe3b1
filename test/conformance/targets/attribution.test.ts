import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { defaultRegistry } from '../../../core/index.ts'
import { Attribution } from '../../../conformance/targets/attribution.ts'
import type { ReplyFrame } from '../../../conformance/targets/target.ts'
import { findRanges } from '../../../conformance/probe-tables.ts'

const READ = Buffer.from([0x03, 0x00, 0x00, 0x00, 0x01])
const frame = (pdu: number[], o: Partial<ReplyFrame> = {}): ReplyFrame => ({ unit: 1, tid: 0, protocolId: 0, pdu: Buffer.from(pdu), raw: Buffer.from(pdu), at: 10, ...o })

const tcp = suite('attribution by transaction id (Modbus/TCP)')
tcp('a frame with the open request\'s id is its reply; a second one is a duplicate of that case', () => {
  const a = new Attribution(defaultRegistry, true)
  a.caseIndex = 4
  const sent = a.open({ unit: 1, pdu: READ, tid: 7 }, 0)
  assert.is(a.frame(frame([0x03, 0x02, 0, 1], { tid: 7 })).kind, 'reply')
  sent.open = false
  const dup = a.frame(frame([0x03, 0x02, 0, 1], { tid: 7 }))
  assert.is(dup.kind === 'event' && dup.event.kind, 'duplicate')
  assert.is(dup.kind === 'event' && dup.event.caseIndex, 4)
})
tcp('a reply that comes after its window is that case\'s late reply, not the next case\'s', () => {
  const a = new Attribution(defaultRegistry, true)
  a.caseIndex = 1
  a.open({ unit: 1, pdu: READ, tid: 1 }, 0).open = false
  a.caseIndex = 2
  a.open({ unit: 1, pdu: READ, tid: 2 }, 5)
  const late = a.frame(frame([0x03, 0x02, 0, 1], { tid: 1, at: 20 }))
  assert.equal(late.kind === 'event' && [late.event.kind, late.event.caseIndex, late.event.afterMs], ['late', 1, 20])
  assert.is(late.kind === 'event' && late.event.arrivedDuring, 2, 'and it says where it arrived: while case 2 ran')
})
tcp('a frame with an id no request carried is mismatched when it answers the open request, stray otherwise', () => {
  const a = new Attribution(defaultRegistry, true)
  a.caseIndex = 3
  a.open({ unit: 1, pdu: READ, tid: 0x0100 }, 0)
  assert.is(a.frame(frame([0x03, 0x02, 0, 1], { tid: 0 })).kind, 'mismatched')
  const stray = a.frame(frame([0x83, 0x04], { tid: 0x7777, unit: 9 }))
  assert.is(stray.kind === 'event' && stray.event.kind, 'stray')
  assert.is(a.take().length, 1)
})
tcp.run()

// ---

const serial = suite('attribution by unit, function and reply rule (serial lines)')
serial('a frame for another unit is never the reply', () => {
  const a = new Attribution(defaultRegistry, false)
  a.open({ unit: 1, pdu: READ, tid: undefined }, 0)
  const r = a.frame(frame([0x03, 0x02, 0, 1], { unit: 2 }))
  assert.is(r.kind === 'event' && r.event.kind, 'stray')
})
serial('an earlier unanswered request takes a frame that fits its reply rule and not the current one', () => {
  const a = new Attribution(defaultRegistry, false)
  a.caseIndex = 0
  a.open({ unit: 1, pdu: Buffer.from([0x03, 0x00, 0x00, 0x00, 0x02]), tid: undefined }, 0).open = false
  a.caseIndex = 1
  a.open({ unit: 1, pdu: READ, tid: undefined }, 5)
  const r = a.frame(frame([0x03, 0x04, 0, 1, 0, 2], { at: 6 }))
  assert.is(r.kind === 'event' && r.event.kind, 'late')
  assert.is(r.kind === 'event' && r.event.caseIndex, 0)
  assert.is(a.frame(frame([0x03, 0x02, 0, 1], { at: 7 })).kind, 'reply')
})
serial.run()

// ---

const probe = suite('probe table scan: coarse scan, then bisection of every edge')
probe('finds ranges anywhere in 0..65535, including one that does not start at 0 or 1', async () => {
  const map = [
    [40001, 40123],
    [65000, 65535],
  ]
  let reads = 0
  const ranges = await findRanges(async (a) => (reads++, map.some(([f, l]) => a >= f && a <= l)), 64)
  assert.equal(ranges, map)
  assert.ok(reads < 1100, `${reads} reads`)
})
probe('a table at 1 only is found (one-based maps)', async () => {
  assert.equal(await findRanges(async (a) => a >= 1 && a <= 10, 64), [[1, 10]])
})
probe.run()
