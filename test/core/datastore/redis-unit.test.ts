/**
 * The Redis store against a real redis-server on loopback: the documented key layout, seeding
 * with HSETNX, Modbus writes visible in Redis and Redis writes visible to Modbus, values other
 * programs left invalid, atomic mask write and read/write multiple (with a non-atomic control to
 * show the race test can fail), Redis absent at start, and Redis going away and coming back.
 */
import { createClient } from 'redis'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ArgumentError, TransportError } from '../../../core/errors.ts'
import { asyncUnit, openRedisStore, parseRedisUrl, redisKey, StoredUnit, type RedisStore, type StoreBackend } from '../../../core/datastore/index.ts'
import { buildDevices, createDevice, encodeRequest, type DeviceFile, type ModbusClient } from '../../../core/index.ts'
import { RequestHandler } from '../../../core/server/handler.ts'
import { startRedis, type RedisServer } from '../../helpers/redis-server.ts'
import { clients, closeAll, maskWriteRace, readWriteRace, serveStore } from '../../helpers/store-server.ts'
import { waitFor } from '../../helpers/wait.ts'
import { exceptionReply, failure } from '../../helpers/throws.ts'
import { unusedPort } from '../../helpers/ports.ts'

const FILE: DeviceFile = {
  units: {
    '1': {
      coils: { start: 0, length: 16, values: [true, false, true] },
      discreteInputs: { start: 0, length: 8, values: [false, true] },
      holdingRegisters: { start: 0, length: 40, values: [100, 101, 102, 103] },
      inputRegisters: { start: 0, length: 4, values: [7, 8, 9, 10] },
    },
    '2': { holdingRegisters: { sparse: { '100': 7, '200': 9 } } },
  },
}

function templates(file: DeviceFile = FILE) {
  return new Map([...buildDevices(file).units].map(([id, u]) => [id, u.data]))
}

type Peer = ReturnType<typeof createClient>
let redis: RedisServer | undefined
let peer: Peer | undefined
const stores: RedisStore[] = []
let prefixes = 0

/** A store on the shared redis-server under a key prefix of its own. */
async function open(options: Parameters<typeof openRedisStore>[2] = {}, prefix = `t${++prefixes}`): Promise<RedisStore> {
  const store = await openRedisStore(`${redis!.url}?prefix=${prefix}`, templates(), options)
  stores.push(store)
  return store
}

// ---

const urls = suite('redis store URL')

urls('redis://host:port/db with defaults: db 0, prefix modbridge; credentials stay out of the label', () => {
  assert.equal(parseRedisUrl('redis://127.0.0.1:6379/0'), { url: 'redis://127.0.0.1:6379/0', prefix: 'modbridge', label: 'redis://127.0.0.1:6379/0' })
  assert.equal(parseRedisUrl('redis://127.0.0.1'), { url: 'redis://127.0.0.1/0', prefix: 'modbridge', label: 'redis://127.0.0.1/0' })
  assert.equal(parseRedisUrl('redis://u:secret@127.0.0.1:7000/3?prefix=plant.a'), { url: 'redis://u:secret@127.0.0.1:7000/3', prefix: 'plant.a', label: 'redis://127.0.0.1:7000/3' })
  assert.equal(parseRedisUrl('redis://127.0.0.1:6379/0?timeout=250').timeoutMs, 250)
  assert.is(redisKey('modbridge', 1, 'holdingRegisters'), 'modbridge:1:hr')
  assert.is(redisKey('p', 247, 'discreteInputs'), 'p:247:di')
})

urls('refuses other schemes, a database that is not a number, bad prefixes and unknown parameters', () => {
  for (const [text, why] of [
    ['http://127.0.0.1/0', /does not start with redis:\/\//],
    ['redis://127.0.0.1/x', /database "x" .* is not a number/],
    ['redis://127.0.0.1/0?prefix=a b', /prefix "a b" must be/],
    ['redis://127.0.0.1/0?db=2', /unknown URL parameter "db"/],
    ['redis://127.0.0.1/0?timeout=0', /timeout "0" must be a number of milliseconds/],
    ['redis://127.0.0.1/0?timeout=soon', /timeout "soon" must be/],
    ['not a url', /is not a URL/],
  ] as const) {
    try {
      parseRedisUrl(text)
      assert.unreachable(text)
    } catch (err) {
      assert.instance(err, ArgumentError)
      assert.match((err as Error).message, why)
    }
  }
})

// ---

const test = suite('redis store')

test.before(async () => {
  redis = await startRedis()
  peer = createClient({ url: redis.url })
  peer.on('error', () => {})
  await peer.connect()
})

test.after(async () => {
  for (const s of stores) await s.close()
  peer?.destroy()
  await redis?.stop()
})

test('the first open sets every field of the documented layout: one hash per unit and table, field = address', async () => {
  const store = await open({}, 'layout')
  assert.is(store.seeded, 16 + 8 + 40 + 4 + 2)
  const hr = await peer!.hGetAll('layout:1:hr')
  assert.is(Object.keys(hr).length, 40)
  assert.equal([hr['0'], hr['3'], hr['39']], ['100', '103', '0'])
  assert.equal(await peer!.hmGet('layout:1:co', ['0', '1', '2']), ['1', '0', '1'])
  assert.equal(await peer!.hmGet('layout:1:di', ['0', '1']), ['0', '1'])
  assert.equal(await peer!.hGetAll('layout:1:ir'), { '0': '7', '1': '8', '2': '9', '3': '10' })
  assert.equal(await peer!.hGetAll('layout:2:hr'), { '100': '7', '200': '9' })
})

test('a later open keeps what Redis holds (HSETNX) and sets only fields that are missing', async () => {
  const first = await open({}, 'keep')
  await first.close()
  await peer!.hSet('keep:1:hr', '5', '555')
  await peer!.hDel('keep:1:hr', '6')
  const again = await open({}, 'keep')
  assert.is(again.seeded, 1)
  assert.equal(await asyncUnit(again.unit(1)!).readRegisters('holdingRegisters', 4, 3), [0, 555, 0])
})

test('a value another Redis client sets is what the next Modbus read returns; a Modbus write is in Redis when it is answered', async () => {
  const server = await serveStore(FILE, (t) => openRedisStore(`${redis!.url}?prefix=both`, t))
  const [c] = await clients(server.address, 1)
  try {
    await peer!.hSet('both:1:hr', { '10': '4242', '11': '65535' })
    await peer!.hSet('both:1:co', '9', '1')
    assert.equal(await c.readHoldingRegisters(1, 10, 2), [4242, 65535])
    assert.equal(await c.readCoils(1, 8, 2), [false, true])
    await c.writeRegisters(1, 20, [1, 2, 3])
    assert.equal(await peer!.hmGet('both:1:hr', ['20', '21', '22']), ['1', '2', '3'])
    await c.writeCoil(1, 3, true)
    assert.is(await peer!.hGet('both:1:co', '3'), '1')
    await c.maskWriteRegister(1, 20, 0xfff0, 0x0005)
    assert.is(await peer!.hGet('both:1:hr', '20'), '5')
    assert.equal(await c.readWriteRegisters(1, 21, 2, 30, [9]), [2, 3])
    assert.is(await peer!.hGet('both:1:hr', '30'), '9')
    assert.equal(await c.readInputRegisters(1, 0, 4), [7, 8, 9, 10])
    assert.equal(await c.readDiscreteInputs(1, 0, 2), [false, true])
  } finally {
    await c.close()
    await server.close()
  }
})

test('hostile values: text, out of range, negative, fractions, padding and missing fields answer 0x04 with the key and field reported', async () => {
  const reasons: string[] = []
  const store = await open({ onError: (m) => reasons.push(m) }, 'bad')
  const unit = asyncUnit(store.unit(1)!)
  const cases: [string, string | null, RegExp][] = [
    ['1', 'abc', /bad:1:hr field 1 holds "abc", not an integer 0\.\.65535/],
    ['2', '70000', /field 2 holds "70000"/],
    ['3', '-1', /field 3 holds "-1"/],
    ['4', '1.5', /field 4 holds "1\.5"/],
    ['5', ' 5', /field 5 holds " 5"/],
    ['6', null, /field 6 has no value/],
  ]
  for (const [field, value, why] of cases) {
    if (value === null) await peer!.hDel('bad:1:hr', field)
    else await peer!.hSet('bad:1:hr', field, value)
    const err = await exceptionReply(() => unit.readRegisters('holdingRegisters', 0, 8))
    assert.is(err.exceptionCode, 4)
    assert.match(err.message, why)
    await peer!.hSet('bad:1:hr', field, '0')
  }
  await peer!.hSet('bad:1:co', '2', 'true')
  assert.match((await exceptionReply(() => unit.readBits('coils', 0, 4))).message, /bad:1:co field 2 holds "true", not 0 or 1/)
  assert.is(reasons.length, cases.length + 1)
  assert.match(reasons[0], /^redis redis:\/\/127\.0\.0\.1:\d+\/0 unit 1: read failed: bad:1:hr field 1 holds "abc"/)
  assert.equal(await unit.readRegisters('holdingRegisters', 0, 8), [100, 0, 0, 0, 0, 0, 0, 0])
})

test('hostile values: a mask write on a register Redis holds as "abc" (or not at all) answers 0x04 and leaves it as it is', async () => {
  const store = await open({}, 'badmask')
  const unit = asyncUnit(store.unit(1)!)
  await peer!.hSet('badmask:1:hr', '7', 'abc')
  assert.is((await exceptionReply(() => unit.maskWriteRegister!(7, 0, 1))).exceptionCode, 4)
  assert.is(await peer!.hGet('badmask:1:hr', '7'), 'abc')
  await peer!.hDel('badmask:1:hr', '8')
  assert.match((await exceptionReply(() => unit.maskWriteRegister!(8, 0, 1))).message, /field 8 has no value/)
  assert.is(await peer!.hGet('badmask:1:hr', '8'), null)
  await peer!.hSet('badmask:1:hr', '9', '61440')
  assert.is(await unit.maskWriteRegister!(9, 0x0f0f, 0x00f5), ((61440 & 0x0f0f) | (0x00f5 & ~0x0f0f)) & 0xffff)
})

test('addresses outside the map answer 0x02 without a round trip to Redis', async () => {
  const store = await open({}, 'map')
  await peer!.hSet('map:2:hr', '150', '1')
  const two = asyncUnit(store.unit(2)!)
  assert.is((await exceptionReply(() => two.readRegisters('holdingRegisters', 150, 1))).exceptionCode, 2)
  assert.is((await exceptionReply(() => asyncUnit(store.unit(1)!).writeRegisters(39, [1, 2]))).exceptionCode, 2)
})

test('the race test can fail: a store that reads, then writes, loses mask writes made in the same tick; this store does not', async () => {
  const store = await open({}, 'race')
  const atomic = store.unit(1)!
  const key = 'race:1:hr'
  // The control: mask write as two round trips (HGET, then HSET) — what a naive store does.
  const naive: StoreBackend = {
    readBits: async () => [],
    readRegisters: async (_t, address, quantity) => (await peer!.hmGet(key, Array.from({ length: quantity }, (_, i) => String(address + i)))).map(Number),
    writeBits: async () => {},
    writeRegisters: async (_table, address, values) => void (await peer!.hSet(key, Object.fromEntries(values.map((v, i) => [String(address + i), String(v)])))),
    maskWriteRegister: async (address, andMask, orMask) => {
      const current = Number(await peer!.hGet(key, String(address)))
      const result = ((current & andMask) | (orMask & ~andMask)) & 0xffff
      await peer!.hSet(key, String(address), String(result))
      return result
    },
    readWriteRegisters: async () => [],
  }
  const handler = new RequestHandler()
  const race = async (data: StoredUnit) => {
    await peer!.hSet(key, '0', '0')
    const device = createDevice({ data: asyncUnit(data) })
    const replies = await Promise.all(
      Array.from({ length: 16 }, (_, i) => handler.handle(device, encodeRequest({ function: 'maskWriteRegister', address: 0, andMask: ~(1 << i) & 0xffff, orMask: 1 << i }))),
    )
    for (const writer of replies) {
      const pdu = Buffer.alloc(writer!.size)
      writer!.write(pdu, 0)
      assert.is(pdu[0], 0x16, `a normal mask write reply, not ${pdu.toString('hex')}`)
    }
    return Number(await peer!.hGet(key, '0'))
  }
  const lost = await race(new StoredUnit(templates().get(1)!, naive, { label: 'naive' }))
  assert.is.not(lost, 0xffff, 'the naive store should lose updates')
  assert.is(await race(atomic), 0xffff)
})

test('16 clients over TCP mask-writing their own bit of one register end with every bit set; 8 clients of read/write multiple each read their own write', async () => {
  const server = await serveStore(FILE, (t) => openRedisStore(`${redis!.url}?prefix=crowd`, t))
  let crowd: ModbusClient[] = []
  try {
    crowd = await clients(server.address, 16)
    await crowd[0].writeRegister(1, 12, 0)
    await maskWriteRace(crowd, 1, 12, 6)
    assert.equal(await crowd[0].readHoldingRegisters(1, 12, 1), [0xffff])
    assert.is(await peer!.hGet('crowd:1:hr', '12'), '65535')
    assert.equal(await readWriteRace(crowd.slice(0, 8), 1, 13, 20), [])
  } finally {
    await closeAll(crowd)
    await server.close()
  }
})

test('write events name the client and fire once Redis has the value', async () => {
  const server = await serveStore(FILE, (t) => openRedisStore(`${redis!.url}?prefix=events`, t))
  const [c] = await clients(server.address, 1)
  const seen: { event: unknown; inRedis: string | null }[] = []
  const pending: Promise<void>[] = []
  ;(server.store as RedisStore).unit(1)!.onWrite((event) => {
    pending.push(peer!.hGet('events:1:hr', '2').then((inRedis) => void seen.push({ event, inRedis })))
  })
  try {
    await c.writeRegister(1, 2, 77)
    await waitFor(() => pending.length === 1, 'the write event')
    await Promise.all(pending)
    const { event, inRedis } = seen[0]
    assert.is(inRedis, '77')
    assert.match(String((event as { client: string }).client), /^127\.0\.0\.1:\d+$/)
    assert.equal({ ...(event as object), client: 'x' }, { table: 'holdingRegisters', address: 2, values: [77], client: 'x' })
  } finally {
    await c.close()
    await server.close()
  }
})

test('hostile Redis: a key of the layout that is not a hash fails the open with the reason', async () => {
  await peer!.set('wrongtype:1:hr', 'a string')
  const err = await failure(() => openRedisStore(`${redis!.url}?prefix=wrongtype`, templates()))
  assert.instance(err, TransportError)
  assert.match(err.message, /cannot set the initial values \(WRONGTYPE/)
})

test('Redis not running at start: TransportError at once, naming the address', async () => {
  const port = await unusedPort()
  const err = await failure(() => openRedisStore(`redis://127.0.0.1:${port}/0`, templates()))
  assert.instance(err, TransportError)
  assert.is(err.message, `redis store redis://127.0.0.1:${port}/0: cannot connect (connect ECONNREFUSED 127.0.0.1:${port}); is redis-server running there?`)
})

test('the redis package missing: ArgumentError with the install command', async () => {
  const err = await failure(() => openRedisStore('redis://127.0.0.1:1/0', templates(), { loadLibrary: () => Promise.reject(new Error("Cannot find package 'redis'")) }))
  assert.instance(err, ArgumentError)
  assert.match(err.message, /the redis package is not available \(Cannot find package 'redis'\); install it with: npm install redis/)
})

// ---

const outage = suite('redis store: Redis going away and coming back')
let own: RedisServer | undefined

outage.after(async () => {
  await own?.stop()
})

outage('requests answer 0x04 while Redis is down (reported once, not per request), and are served again when it returns', async () => {
  own = await startRedis()
  const status: string[] = []
  const errors: string[] = []
  const server = await serveStore(FILE, (t) => openRedisStore(own!.url, t, { onStatus: (level, m) => status.push(`${level}: ${m}`), onError: (m) => errors.push(m) }))
  const [c] = await clients(server.address, 1)
  try {
    await c.writeRegister(1, 1, 1111)
    assert.equal(await c.readHoldingRegisters(1, 0, 2), [100, 1111])
    await own.stop()
    await waitFor(() => status.length > 0, 'the connection loss to be reported')
    for (let i = 0; i < 3; i++) {
      const err = await exceptionReply(() => c.readHoldingRegisters(1, 0, 2))
      assert.is(err.exceptionCode, 4)
    }
    assert.is((await exceptionReply(() => c.writeRegister(1, 1, 2))).exceptionCode, 4)
    assert.equal(errors, [], 'failures while Redis is known to be down are not reported one by one')
    assert.is(status.length, 1)
    assert.match(status[0], /^warn: redis redis:\/\/127\.0\.0\.1:\d+\/0: connection lost .*requests answer exception 04 until it is back$/)
    await own.start()
    await waitFor(() => status.length === 2, 'the return to be reported', 15_000)
    assert.match(status[1], /^info: redis .*: connected again; 70 missing fields set from the device file$/)
    // This redis-server keeps nothing on disk: it came back empty, and serves the device file's values again.
    assert.equal(await c.readHoldingRegisters(1, 0, 2), [100, 101])
    await c.writeRegister(1, 1, 2222)
    assert.equal(await c.readHoldingRegisters(1, 0, 2), [100, 2222])
  } finally {
    await c.close()
    await server.close()
  }
})

outage('a Redis that stays connected but answers nothing: requests answer 0x04 within the command timeout, and are served again once it wakes', async () => {
  const frozen = await startRedis()
  const errors: string[] = []
  const server = await serveStore(FILE, (t) => openRedisStore(`${frozen.url}?timeout=300`, t, { onError: (m) => errors.push(m) }))
  const [c] = await clients(server.address, 1)
  try {
    assert.equal(await c.readHoldingRegisters(1, 0, 2), [100, 101])
    frozen.freeze()
    // The client waits far longer than the store's 300 ms: the 0x04 comes from the store's deadline.
    assert.is((await exceptionReply(() => c.readHoldingRegisters(1, 0, 2))).exceptionCode, 4)
    assert.is((await exceptionReply(() => c.writeRegister(1, 1, 5))).exceptionCode, 4)
    assert.ok(errors.some((m) => /did not answer HMGET .* within 300 ms/.test(m)), errors.join('\n'))
    frozen.thaw()
    await waitFor(async () => (await c.readHoldingRegisters(1, 0, 2).catch(() => null)) !== null, 'reads to be served again')
  } finally {
    frozen.thaw()
    await c.close()
    await server.close()
    await frozen.stop()
  }
})

urls.run()
test.run()
outage.run()
