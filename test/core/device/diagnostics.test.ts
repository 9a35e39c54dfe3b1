import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ArgumentError, ModbusExceptionError } from '../../../core/errors.ts'
import { DIAGNOSTIC_SUB_FUNCTIONS } from '../../../core/pdu/serial-line.ts'
import { decodeResponse, encodeResponse } from '../../../core/pdu/codec.ts'
import type { Diagnostics } from '../../../core/pdu/types.ts'
import { SerialDiagnostics } from '../../../core/device/diagnostics.ts'

const diag = (subFunction: number, ...data: number[]): Diagnostics => ({ function: 'diagnostics', subFunction, data })

interface Traffic {
  functionCode?: number
  broadcast?: boolean
  exception?: number
  /** Runs the handler; returns false when it sent nothing. */
  handle?: (d: SerialDiagnostics) => boolean
}

/** What a server does for one good request frame, calling only the hooks. */
function serve(d: SerialDiagnostics, t: Traffic = {}): void {
  d.frameSeen()
  d.requestReceived(t.broadcast ?? false)
  let responded = !(t.broadcast ?? false) && !d.listenOnly
  if (responded && t.handle) responded = t.handle(d)
  d.requestCompleted({ functionCode: t.functionCode ?? 0x03, exception: t.exception, responded })
}

/** A Diagnostics request through the hooks; returns the response (null: none sent). */
function serveDiag(d: SerialDiagnostics, request: Diagnostics): Diagnostics | null {
  d.frameSeen()
  d.requestReceived(false)
  const response = d.diagnostics(request)
  d.requestCompleted({ functionCode: 0x08, responded: response !== null })
  return response
}

function exceptionOf(fn: () => unknown): number {
  try {
    fn()
  } catch (err) {
    assert.instance(err, ModbusExceptionError)
    return (err as ModbusExceptionError).exceptionCode
  }
  return assert.unreachable('expected an exception') as never
}

function thrownBy(fn: () => unknown): unknown {
  try {
    fn()
  } catch (err) {
    return err
  }
  return assert.unreachable('expected a throw')
}

// ---

const subs = suite('diagnostics: sub-functions (§6.8.1)')

subs('00 Return Query Data echoes every data word', () => {
  const d = new SerialDiagnostics()
  assert.equal(d.diagnostics(diag(0x00, 0x1234, 0xabcd, 0)), diag(0x00, 0x1234, 0xabcd, 0))
})

subs('01 Restart with 0000 clears counters, keeps the log, logs a restart event and echoes', () => {
  const d = new SerialDiagnostics()
  serve(d)
  d.setDiagnosticRegister(0x0100)
  const response = serveDiag(d, diag(0x01, 0x0000))
  assert.equal(response, diag(0x01, 0x0000))
  assert.equal(d.counters(), {
    event: 0, busMessage: 0, busCommunicationError: 0, busExceptionError: 0, serverMessage: 0,
    serverNoResponse: 0, serverNak: 0, serverBusy: 0, busCharacterOverrun: 0,
  })
  assert.is(d.diagnosticRegister, 0)
  assert.equal(d.events(), [0x00, 0x80, 0x40, 0x80])
})

subs('01 Restart with FF00 also clears the event log, leaving only the restart event', () => {
  const d = new SerialDiagnostics()
  serve(d)
  serve(d, { exception: 2 })
  assert.equal(serveDiag(d, diag(0x01, 0xff00)), diag(0x01, 0xff00))
  assert.equal(d.events(), [0x00])
})

subs('02 returns the diagnostic register', () => {
  const d = new SerialDiagnostics()
  d.setDiagnosticRegister(0xa5f0)
  assert.equal(d.diagnostics(diag(0x02, 0)), diag(0x02, 0xa5f0))
  assert.instance(thrownBy(() => d.setDiagnosticRegister(0x10000)), ArgumentError)
})

subs('03 sets the ASCII delimiter to the high byte of the data and echoes', () => {
  const d = new SerialDiagnostics()
  assert.is(d.asciiDelimiter, 0x0a)
  assert.equal(d.diagnostics(diag(0x03, 0x3a00)), diag(0x03, 0x3a00))
  assert.is(d.asciiDelimiter, 0x3a)
})

subs('04 enters listen-only mode, logs event 04, and sends no response', () => {
  const d = new SerialDiagnostics()
  assert.is(d.diagnostics(diag(0x04, 0)), null)
  assert.is(d.listenOnly, true)
  assert.equal(d.events(), [0x04])
})

subs('0A clears counters, event counter and diagnostic register, keeps the log, and echoes', () => {
  const d = new SerialDiagnostics()
  serve(d)
  serve(d, { exception: 7 })
  d.setDiagnosticRegister(0xffff)
  assert.equal(d.diagnostics(diag(0x0a, 0)), diag(0x0a, 0))
  assert.equal(Object.values(d.counters()), [0, 0, 0, 0, 0, 0, 0, 0, 0])
  assert.is(d.diagnosticRegister, 0)
  assert.equal(d.events(), [0x48, 0x80, 0x40, 0x80])
})

subs('0B-12 return their own counters', () => {
  const d = new SerialDiagnostics()
  // bus messages 7 (six requests + one for another unit), comm errors 2, exceptions 3 (one NAK,
  // two busy), server messages 7 (six + a broadcast), no response 1, overruns 4
  d.frameSeen()
  d.checksumError()
  d.checksumError()
  for (let i = 0; i < 4; i++) d.characterOverrun()
  serve(d)
  serve(d)
  serve(d)
  serve(d, { exception: 7 })
  serve(d, { exception: 6 })
  serve(d, { exception: 6 })
  d.requestReceived(true)
  d.requestCompleted({ functionCode: 0x06, responded: false })
  const expected = [7, 2, 3, 7, 1, 1, 2, 4]
  for (let i = 0; i < expected.length; i++) {
    assert.equal(d.diagnostics(diag(0x0b + i, 0)), diag(0x0b + i, expected[i]), `sub-function 0x${(0x0b + i).toString(16)}`)
  }
})

subs('13 (IOP overrun, as PyModbus serves it) returns the character overrun count', () => {
  const d = new SerialDiagnostics()
  d.characterOverrun()
  d.characterOverrun()
  assert.equal(d.diagnostics(diag(0x13, 0)), diag(0x13, 2))
})

subs('14 clears the overrun counter and the overrun flag, and echoes', () => {
  const d = new SerialDiagnostics()
  d.characterOverrun()
  assert.is(d.overrunFlag, true)
  assert.equal(d.diagnostics(diag(0x14, 0)), diag(0x14, 0))
  assert.is(d.overrunFlag, false)
  assert.equal(d.diagnostics(diag(0x12, 0)), diag(0x12, 0))
})

subs('15 get returns the operation then 54 statistic words; clear zeroes them and echoes', () => {
  const d = new SerialDiagnostics()
  d.setModbusPlusStatistic(0, 0x1111)
  d.setModbusPlusStatistic(53, 0x2222)
  const got = d.diagnostics(diag(0x15, 0x0003))
  assert.ok(got)
  assert.is(got.data.length, 55)
  assert.equal([got.data[0], got.data[1], got.data[2], got.data[54]], [0x0003, 0x1111, 0, 0x2222])
  assert.equal(decodeResponse(encodeResponse(got)), got, 'the codec takes the reply')
  assert.equal(d.diagnostics(diag(0x15, 0x0004)), diag(0x15, 0x0004))
  assert.ok(d.diagnostics(diag(0x15, 0x0003))?.data.slice(1).every((w) => w === 0))
  assert.is(exceptionOf(() => d.diagnostics(diag(0x15, 0x0005))), 0x03)
  assert.instance(thrownBy(() => d.setModbusPlusStatistic(54, 1)), ArgumentError)
})

subs('sub-functions the guide does not define are exception 01', () => {
  const d = new SerialDiagnostics()
  for (const code of [0x05, 0x09, 0x16, 0x1234, 0xffff]) assert.is(exceptionOf(() => d.diagnostics(diag(code, 0))), 0x01)
})

subs('every sub-function in the codec table is served', () => {
  const d = new SerialDiagnostics()
  for (const sub of DIAGNOSTIC_SUB_FUNCTIONS) {
    if (sub.code === 0x01 || sub.code === 0x04) continue
    const response = d.diagnostics(diag(sub.code, sub.defaultData))
    assert.is(response?.subFunction, sub.code, sub.name)
    assert.equal(decodeResponse(encodeResponse(response as Diagnostics)), response, sub.name)
  }
})

subs.run()

// ---

const events = suite('diagnostics: event log for a sequence of traffic (§6.10)')

events('normal, exception, broadcast, listen-only entry, a request while listening, restart', () => {
  const d = new SerialDiagnostics()
  serve(d) // 80 then 40
  serve(d, { exception: 0x02 }) // 80 then 41
  serve(d, { functionCode: 0x06, broadcast: true }) // C0 then 40, no response
  assert.is(serveDiag(d, diag(0x04, 0)), null) // 80, 04, then 60 (now listening)
  serve(d) // A0 then 60: monitored, not acted on
  assert.equal(d.counters(), {
    event: 3, busMessage: 5, busCommunicationError: 0, busExceptionError: 1, serverMessage: 5,
    serverNoResponse: 3, serverNak: 0, serverBusy: 0, busCharacterOverrun: 0,
  })
  assert.is(serveDiag(d, diag(0x01, 0x0000)), null, 'no response to a restart in listen-only mode') // A0, 00
  assert.equal(d.events(), [0x00, 0xa0, 0x60, 0xa0, 0x60, 0x04, 0x80, 0x40, 0xc0, 0x41, 0x80, 0x40, 0x80])
  assert.equal(d.commEventLog(), {
    function: 'getCommEventLog',
    status: 0,
    eventCount: 0,
    messageCount: 0,
    events: [0x00, 0xa0, 0x60, 0xa0, 0x60, 0x04, 0x80, 0x40, 0xc0, 0x41, 0x80, 0x40, 0x80],
  })
  assert.is(d.listenOnly, false)
})

events('checksum errors and overruns log receive events, with bit 5 while listening', () => {
  const d = new SerialDiagnostics()
  d.checksumError()
  d.characterOverrun()
  d.diagnostics(diag(0x04, 0))
  d.checksumError()
  d.requestReceived(true)
  assert.equal(d.events(), [0xe0, 0xa2, 0x04, 0x90, 0x82])
})

events('send events carry the exception class, the write timeout and listen-only bits', () => {
  const d = new SerialDiagnostics()
  for (const exception of [4, 5, 6, 7]) d.requestCompleted({ functionCode: 3, exception, responded: true })
  d.requestCompleted({ functionCode: 0x10, responded: true, writeTimeout: true })
  assert.equal(d.events(), [0x50, 0x48, 0x44, 0x44, 0x42])
  assert.equal([d.counters().serverNak, d.counters().serverBusy, d.counters().busExceptionError], [1, 1, 4], '05 Acknowledge is not busy')
})

events('an exception for a broadcast is not sent: it counts as no response, not as an exception', () => {
  const d = new SerialDiagnostics()
  serve(d, { functionCode: 0x06, broadcast: true, exception: 0x02 })
  assert.equal(d.events(), [0x40, 0xc0])
  assert.equal([d.counters().busExceptionError, d.counters().serverNoResponse, d.counters().event], [0, 1, 0])
})

events('the log keeps the newest 64 events', () => {
  const d = new SerialDiagnostics()
  for (let i = 0; i < 40; i++) serve(d)
  const log = d.commEventLog()
  assert.is(log.events.length, 64)
  assert.is(log.messageCount, 40)
  assert.equal(decodeResponse(encodeResponse(log)), log)
})

events.run()

// ---

const counter = suite('diagnostics: comm event counter (§6.9)')

counter('counts successful completions, not exceptions and not Get Comm Event Counter (0B)', () => {
  const d = new SerialDiagnostics()
  serve(d)
  serve(d, { exception: 0x03 })
  serve(d, { functionCode: 0x0b, handle: () => true })
  assert.equal(d.commEventCounter(), { function: 'getCommEventCounter', status: 0, eventCount: 1 })
})

counter('counts Get Comm Event Log (0C): the spec exempts only the event counter fetch', () => {
  const d = new SerialDiagnostics()
  serve(d, { functionCode: 0x0c })
  assert.is(d.commEventCounter().eventCount, 1)
})

counter('does not count requests that arrive in listen-only mode', () => {
  const d = new SerialDiagnostics()
  d.diagnostics(diag(0x04, 0))
  serve(d)
  serve(d, { functionCode: 0x06, broadcast: true })
  assert.is(d.commEventCounter().eventCount, 0)
  assert.is(d.counters().serverMessage, 2)
})

counter('status is 0xFFFF only while busy', () => {
  const d = new SerialDiagnostics()
  d.busy = true
  assert.is(d.commEventCounter().status, 0xffff)
  assert.is(d.commEventLog().status, 0xffff)
  d.busy = false
  assert.is(d.commEventLog().status, 0x0000)
})

counter.run()

// ---

const listen = suite('diagnostics: listen-only mode (§6.8.1 sub-function 04)')

listen('only Restart Communications Option is acted on; everything else is ignored without response', () => {
  const d = new SerialDiagnostics()
  serve(d)
  d.diagnostics(diag(0x04, 0))
  assert.is(d.diagnostics(diag(0x00, 0x1234)), null)
  assert.is(d.diagnostics(diag(0x0a, 0)), null)
  assert.is(d.counters().busMessage, 1, '0A was not acted on')
  assert.is(d.diagnostics(diag(0x03, 0x3a00)), null)
  assert.is(d.asciiDelimiter, 0x0a, '03 was not acted on')
  assert.is(d.diagnostics(diag(0x04, 0)), null)
  assert.is(d.listenOnly, true)
})

listen('a restart leaves listen-only mode, sends no response, and the device answers again', () => {
  const d = new SerialDiagnostics()
  d.diagnostics(diag(0x04, 0))
  assert.is(serveDiag(d, diag(0x01, 0xff00)), null)
  assert.is(d.listenOnly, false)
  assert.equal(d.events(), [0x00])
  assert.equal(serveDiag(d, diag(0x00, 0x0042)), diag(0x00, 0x0042))
  assert.equal(d.events(), [0x40, 0x80, 0x00])
  assert.is(d.counters().event, 1)
})

listen('requests keep being counted and logged while listening', () => {
  const d = new SerialDiagnostics()
  d.diagnostics(diag(0x04, 0))
  serve(d)
  serve(d)
  assert.equal([d.counters().serverMessage, d.counters().serverNoResponse, d.counters().busMessage], [2, 2, 2])
  assert.equal(d.events(), [0x60, 0xa0, 0x60, 0xa0, 0x04])
})

listen.run()

// ---

const wrap = suite('diagnostics: 16-bit counters')

wrap('every counter wraps from 0xFFFF to 0', () => {
  const d = new SerialDiagnostics()
  for (let i = 0; i < 0x10001; i++) {
    d.frameSeen()
    d.checksumError()
    d.characterOverrun()
    d.requestReceived(false)
    d.requestCompleted({ functionCode: 3, responded: true })
  }
  const c = d.counters()
  assert.equal([c.busMessage, c.busCommunicationError, c.busCharacterOverrun, c.serverMessage, c.event], [1, 1, 1, 1, 1])
})

wrap('the exception, NAK, busy and no-response counters wrap too', () => {
  const d = new SerialDiagnostics()
  for (let i = 0; i < 0x10000; i++) {
    d.requestCompleted({ functionCode: 3, exception: 7, responded: true })
    d.requestCompleted({ functionCode: 3, exception: 6, responded: true })
    d.requestCompleted({ functionCode: 3, responded: false })
  }
  d.requestCompleted({ functionCode: 3, exception: 7, responded: true })
  const c = d.counters()
  assert.equal([c.busExceptionError, c.serverNak, c.serverBusy, c.serverNoResponse], [1, 1, 0, 0])
})

wrap.run()

// ---

const reset = suite('diagnostics: reset (power-up)')

reset('reset() returns every setting to power-up and empties the log', () => {
  const d = new SerialDiagnostics()
  serve(d)
  d.characterOverrun()
  d.setDiagnosticRegister(1)
  d.setModbusPlusStatistic(3, 9)
  d.diagnostics(diag(0x03, 0x3a00))
  d.diagnostics(diag(0x04, 0))
  d.busy = true
  d.reset()
  assert.equal(Object.values(d.counters()), [0, 0, 0, 0, 0, 0, 0, 0, 0])
  assert.equal(
    [d.listenOnly, d.asciiDelimiter, d.diagnosticRegister, d.overrunFlag, d.busy, d.events().length],
    [false, 0x0a, 0, false, false, 0],
  )
  assert.is(d.diagnostics(diag(0x15, 3))?.data[4], 0)
})

reset('reset(false) keeps the event log', () => {
  const d = new SerialDiagnostics()
  serve(d)
  d.reset(false)
  assert.equal(d.events(), [0x40, 0x80])
  assert.is(d.counters().busMessage, 0)
})

reset.run()
