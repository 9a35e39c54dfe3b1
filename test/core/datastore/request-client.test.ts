/**
 * currentClient(): who sent the request being dispatched, visible to data calls made while the
 * dispatch runs, and to nothing after it.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { currentClient, enterClient, leaveClient, MemoryUnit, registers, type WriteEvent } from '../../../core/datastore/index.ts'

const test = suite('request client')

test('enter sets the client and leave restores the one before, so scopes nest', () => {
  assert.is(currentClient(), undefined)
  const outer = enterClient('127.0.0.1:1000')
  assert.is(currentClient(), '127.0.0.1:1000')
  const inner = enterClient('/dev/ttyUSB0')
  assert.is(currentClient(), '/dev/ttyUSB0')
  leaveClient(inner)
  assert.is(currentClient(), '127.0.0.1:1000')
  leaveClient(outer)
  assert.is(currentClient(), undefined)
})

test('a MemoryUnit write event carries the client of the dispatch it happens in, and no client key outside one', () => {
  const unit = new MemoryUnit({ holdingRegisters: registers(0, 4) })
  const events: WriteEvent[] = []
  unit.onWrite((e) => events.push(e))
  unit.writeRegisters(0, [1])
  const previous = enterClient('127.0.0.1:5555')
  try {
    unit.writeRegisters(1, [2])
  } finally {
    leaveClient(previous)
  }
  assert.equal(events, [
    { table: 'holdingRegisters', address: 0, values: [1] },
    { table: 'holdingRegisters', address: 1, values: [2], client: '127.0.0.1:5555' },
  ])
  assert.not.ok('client' in events[0])
})

test('after an await the client is gone (undefined), never another request\'s', async () => {
  const previous = enterClient('a:1')
  const later = (async () => {
    await null
    return currentClient()
  })()
  leaveClient(previous)
  const other = enterClient('b:2')
  leaveClient(other)
  assert.is(await later, undefined)
})

test.run()
