import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { CommEventLog, LOG_EVENT, RECEIVE_EVENT, SEND_EVENT, sendEventBit } from '../../../core/device/comm-events.ts'

// ---

const encodings = suite('comm events: §6.10 encodings')

encodings('receive events have bit 7 set; send events bit 6 with bit 7 clear', () => {
  assert.is(RECEIVE_EVENT.marker, 0x80)
  assert.is(RECEIVE_EVENT.marker | RECEIVE_EVENT.broadcast | RECEIVE_EVENT.listenOnly, 0xe0)
  assert.is(RECEIVE_EVENT.marker | RECEIVE_EVENT.communicationError | RECEIVE_EVENT.characterOverrun, 0x92)
  assert.is(SEND_EVENT.marker, 0x40)
  assert.is(SEND_EVENT.marker | SEND_EVENT.writeTimeout | SEND_EVENT.listenOnly, 0x70)
  assert.is(LOG_EVENT.enteredListenOnly, 0x04)
  assert.is(LOG_EVENT.communicationRestart, 0x00)
})

encodings('exception codes map to the send event bits: 1-3 read, 4 abort, 5-6 busy, 7 NAK', () => {
  assert.equal([1, 2, 3, 4, 5, 6, 7, 8, 0x0a, 0x0b].map(sendEventBit), [0x01, 0x01, 0x01, 0x02, 0x04, 0x04, 0x08, 0, 0, 0])
})

encodings.run()

// ---

const log = suite('comm event log')

log('keeps events newest first', () => {
  const events = new CommEventLog()
  events.add(0x80)
  events.add(0x40)
  events.add(0x04)
  assert.equal(events.events(), [0x04, 0x40, 0x80])
  assert.is(events.length, 3)
})

log('holds at most 64 events: each new byte pushes out the oldest', () => {
  const events = new CommEventLog()
  for (let i = 0; i < 70; i++) events.add(i)
  const held = events.events()
  assert.is(held.length, 64)
  assert.is(held[0], 69)
  assert.is(held[63], 6)
})

log('clear empties the log, and adding afterwards starts a fresh list', () => {
  const events = new CommEventLog()
  for (let i = 0; i < 10; i++) events.add(i)
  events.clear()
  assert.equal(events.events(), [])
  events.add(0x00)
  assert.equal(events.events(), [0x00])
})

log.run()
