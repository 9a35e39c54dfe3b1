import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ArgumentError, ModbusExceptionError, PduError } from '../../../core/errors.ts'
import { decodeResponse, encodeResponse } from '../../../core/pdu/codec.ts'
import type { ReadDeviceIdentificationResponse } from '../../../core/pdu/types.ts'
import { CONFORMITY, DeviceIdentity, MAX_OBJECT_LENGTH, reassemble } from '../../../core/device/identity.ts'

const BASIC = { 0: 'modbridge', 1: 'MB-SIM', 2: '0.1' }
const REGULAR = { ...BASIC, 3: 'https://example.org', 4: 'Bridge', 5: 'B-1', 6: 'app' }

function thrown(fn: () => unknown): unknown {
  try {
    fn()
  } catch (err) {
    return err
  }
  return assert.unreachable('expected a throw')
}

function exceptionCode(fn: () => unknown): number {
  const err = thrown(fn)
  assert.instance(err, ModbusExceptionError)
  return (err as ModbusExceptionError).exceptionCode
}

/** Follows moreFollows/nextObjectId the way a client does, returning every PDU. */
function streamAll(identity: DeviceIdentity, readCode: number, maxPduSize?: number): ReadDeviceIdentificationResponse[] {
  const out: ReadDeviceIdentificationResponse[] = []
  let next = 0
  for (let guard = 0; guard < 300; guard++) {
    const res = identity.read(readCode, next, maxPduSize)
    out.push(res)
    if (!res.moreFollows) return out
    next = res.nextObjectId
  }
  return assert.unreachable('stream did not end') as never
}

const ids = (res: { objects: { id: number }[] }) => res.objects.map((o) => o.id)

// ---

const build = suite('device identity: construction')

build('§6.21: conformity follows the objects present, with 0x80 for individual access', () => {
  assert.is(new DeviceIdentity(BASIC).conformity, CONFORMITY.basic)
  assert.is(new DeviceIdentity(BASIC).conformity, 0x81)
  assert.is(new DeviceIdentity({ ...BASIC, 5: 'M' }).conformity, 0x82)
  assert.is(new DeviceIdentity({ ...BASIC, 0x80: 'x' }).conformity, 0x83)
  assert.is(new DeviceIdentity({ ...REGULAR, 0xff: 'x' }).conformity, 0x83)
})

build('refuses reserved ids 0x07-0x7F with ArgumentError', () => {
  for (const id of [0x07, 0x08, 0x40, 0x7f]) {
    const err = thrown(() => new DeviceIdentity({ ...BASIC, [id]: 'x' }))
    assert.instance(err, ArgumentError)
    assert.match((err as Error).message, /reserved/)
  }
})

build('refuses a device without the three basic objects', () => {
  for (const missing of [0, 1, 2]) {
    const objects: Record<number, string> = { ...BASIC }
    delete objects[missing]
    const err = thrown(() => new DeviceIdentity(objects))
    assert.instance(err, ArgumentError)
    assert.match((err as Error).message, /mandatory/)
  }
})

build('refuses a value too long for one PDU (more than 253 - 7 - 2 bytes)', () => {
  assert.is(MAX_OBJECT_LENGTH, 244)
  new DeviceIdentity({ ...BASIC, 0x80: 'a'.repeat(244) })
  assert.instance(thrown(() => new DeviceIdentity({ ...BASIC, 0x80: 'a'.repeat(245) })), ArgumentError)
})

build('refuses characters a latin1 byte cannot carry, and ids outside 0-255', () => {
  assert.instance(thrown(() => new DeviceIdentity({ ...BASIC, 4: 'caf\u20ac' })), ArgumentError)
  assert.instance(thrown(() => new DeviceIdentity({ ...BASIC, 256: 'x' })), ArgumentError)
})

build.run()

// ---

const stream = suite('device identity: stream access')

stream('code 1 (basic) from object 0 returns objects 0-2 in one PDU', () => {
  const res = new DeviceIdentity(REGULAR).read(1, 0)
  assert.equal(res, {
    function: 'readDeviceIdentification',
    readCode: 1,
    conformity: 0x82,
    moreFollows: false,
    nextObjectId: 0,
    objects: [
      { id: 0, value: 'modbridge' },
      { id: 1, value: 'MB-SIM' },
      { id: 2, value: '0.1' },
    ],
  })
})

stream('code 2 (regular) returns the standard objects that exist, from objectId on', () => {
  const identity = new DeviceIdentity({ ...BASIC, 4: 'Bridge', 6: 'app', 0x80: 'private' })
  assert.equal(ids(identity.read(2, 0)), [0, 1, 2, 4, 6])
  assert.equal(ids(identity.read(2, 4)), [4, 6])
})

stream('code 3 (extended) returns every object, private ones last', () => {
  const identity = new DeviceIdentity({ ...BASIC, 3: 'u', 0x80: 'a', 0xfe: 'b' })
  assert.equal(ids(identity.read(3, 0)), [0, 1, 2, 3, 0x80, 0xfe])
  assert.equal(ids(identity.read(3, 0x80)), [0x80, 0xfe])
})

stream('an object id unknown to the category restarts at object 0 (§6.21)', () => {
  const identity = new DeviceIdentity(REGULAR)
  assert.equal(ids(identity.read(1, 5)), [0, 1, 2], 'regular object asked under basic')
  assert.equal(ids(identity.read(2, 0x42)), [0, 1, 2, 3, 4, 5, 6], 'reserved id')
  assert.equal(ids(identity.read(3, 0x80)), [0, 1, 2, 3, 4, 5, 6], 'private id the device lacks')
})

stream('a category above the conformity level is answered at that level, echoing the read code', () => {
  const res = new DeviceIdentity(BASIC).read(3, 0)
  assert.is(res.readCode, 3)
  assert.is(res.conformity, 0x81)
  assert.equal(ids(res), [0, 1, 2])
  assert.equal(ids(new DeviceIdentity(REGULAR).read(3, 0)), [0, 1, 2, 3, 4, 5, 6])
})

stream('a bad read code is exception 03', () => {
  const identity = new DeviceIdentity(BASIC)
  for (const code of [0, 5, 0xff]) assert.is(exceptionCode(() => identity.read(code, 0)), 0x03)
})

stream.run()

// ---

const individual = suite('device identity: individual access')

individual('code 4 returns exactly the object asked for', () => {
  const res = new DeviceIdentity({ ...REGULAR, 0x81: 'secret' }).read(4, 0x81)
  assert.is(res.readCode, 4)
  assert.is(res.moreFollows, false)
  assert.is(res.nextObjectId, 0)
  assert.equal(res.objects, [{ id: 0x81, value: 'secret' }])
})

individual('code 4 for an object the device lacks is exception 02', () => {
  const identity = new DeviceIdentity(BASIC)
  assert.is(exceptionCode(() => identity.read(4, 3)), 0x02)
  assert.is(exceptionCode(() => identity.read(4, 0x80)), 0x02)
  assert.is(exceptionCode(() => identity.read(4, 0x10)), 0x02)
})

individual('get() and objects() list what the device holds', () => {
  const identity = new DeviceIdentity({ ...BASIC, 0x90: 'x' })
  assert.is(identity.get(1), 'MB-SIM')
  assert.is(identity.get(3), undefined)
  assert.equal(identity.objects().map((o) => o.id), [0, 1, 2, 0x90])
})

individual.run()

// ---

const split = suite('device identity: split and reassembly')

const LONG = { ...BASIC, 0x80: 'a'.repeat(200), 0x81: 'b'.repeat(200), 0x82: 'c'.repeat(119), 0x83: 'd'.repeat(119), 0x84: 'e' }

split('objects that do not fit set moreFollows and name the first object not sent', () => {
  const first = new DeviceIdentity(LONG).read(3, 0)
  // 7 header + (2+9) + (2+6) + (2+3) = 31; + 202 = 233; + 202 would be 435 > 253
  assert.equal(ids(first), [0, 1, 2, 0x80])
  assert.is(first.moreFollows, true)
  assert.is(first.nextObjectId, 0x81)
})

split('every PDU of a long stream fits 253 bytes and round-trips through the codec', () => {
  const pdus = streamAll(new DeviceIdentity(LONG), 3)
  assert.equal(pdus.map(ids), [[0, 1, 2, 0x80], [0x81], [0x82, 0x83, 0x84]])
  for (const pdu of pdus) {
    const bytes = encodeResponse(pdu)
    assert.ok(bytes.length <= 253, `PDU of ${bytes.length} bytes`)
    assert.equal(decodeResponse(bytes), pdu)
  }
})

split('a PDU is filled exactly to the limit when the objects fit exactly', () => {
  // 7 + 11 + 8 + 5 = 31; an object of 220 bytes costs 222 → 253 exactly
  const [only] = streamAll(new DeviceIdentity({ ...BASIC, 0x80: 'x'.repeat(220) }), 3)
  assert.is(only.moreFollows, false)
  assert.is(encodeResponse(only).length, 253)
  const pdus = streamAll(new DeviceIdentity({ ...BASIC, 0x80: 'x'.repeat(221) }), 3)
  assert.is(pdus.length, 2)
})

split('a smaller maxPduSize splits into more PDUs, each within it', () => {
  const identity = new DeviceIdentity(REGULAR)
  const pdus = streamAll(identity, 2, 30)
  assert.ok(pdus.length > 1)
  for (const pdu of pdus) assert.ok(encodeResponse(pdu).length <= 30)
  assert.equal(reassemble(pdus), identity.objects())
})

split('reassemble merges a multi-PDU answer back into one object list', () => {
  const identity = new DeviceIdentity(LONG)
  const objects = reassemble(streamAll(identity, 3))
  assert.equal(objects, identity.objects())
  assert.is(objects.find((o) => o.id === 0x81)?.value, 'b'.repeat(200))
})

split('reassemble refuses a broken sequence with PduError', () => {
  const pdus = streamAll(new DeviceIdentity(LONG), 3)
  const gap = thrown(() => reassemble([pdus[0], pdus[2]]))
  assert.instance(gap, PduError)
  assert.match((gap as Error).message, /expected to start at object 0x81, got 0x82/)
  assert.instance(thrown(() => reassemble(pdus.slice(0, 2))), PduError)
  assert.instance(thrown(() => reassemble([pdus[2], pdus[2]])), PduError)
  assert.instance(thrown(() => reassemble([])), ArgumentError)
})

split('a maxPduSize too small for the next object is an ArgumentError, not an endless stream', () => {
  assert.instance(thrown(() => new DeviceIdentity(LONG).read(3, 0x80, 100)), ArgumentError)
  assert.instance(thrown(() => new DeviceIdentity(LONG).read(4, 0x80, 100)), ArgumentError)
})

split.run()
