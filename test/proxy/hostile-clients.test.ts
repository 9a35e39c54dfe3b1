import { createConnection } from 'node:net'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createRtuFramer } from '../../core/index.ts'
import { validateConfig } from '../../proxy/config.ts'
import { Gateway } from '../../proxy/gateway.ts'
import { hostileDevice, rightReply, type HostileDevice } from '../helpers/hostile-device.ts'
import { ptyPair, type PtyPair } from '../helpers/pty.ts'
import { rawClient, type RawClient } from '../helpers/raw-tcp.ts'
import { waitFor } from '../helpers/wait.ts'

const port = (gw: Gateway) => Number(gw.listening[0].split(':').pop())
const read = (address: number, quantity = 1) => Buffer.from([0x03, address >> 8, address & 0xff, 0x00, quantity])
const h16 = (n: number) => n.toString(16).padStart(4, '0')
/** The whole reply ADU (hex) a client gets for `pdu` answered with `reply`. */
const adu = (tid: number, unit: number, reply: Buffer) => `${h16(tid)}0000${h16(reply.length + 1)}${unit.toString(16).padStart(2, '0')}${reply.toString('hex')}`

let pty: PtyPair
let device: HostileDevice
const clients: RawClient[] = []
async function client(gw: Gateway): Promise<RawClient> {
  const c = await rawClient(port(gw))
  clients.push(c)
  return c
}
async function closeClients(): Promise<void> {
  for (const c of clients.splice(0)) await c.close()
}

// ---
const greedy = suite('gateway: a greedy client and a polite one on a slow RTU bus (socat PTY)')
const SHARE = 16
let gw: Gateway

greedy.before(async () => {
  pty = await ptyPair()
  // A slow device: every answer 5 ms after the request.
  device = await hostileDevice(pty.b, { behave: () => 'correct', delayMs: 5 })
  gw = new Gateway(
    validateConfig({
      listen: ['tcp://127.0.0.1:0'],
      buses: { line: { address: `rtu://${pty.a}?baud=19200`, timeout: 1000, retries: 0, queueLimit: SHARE, queueTimeout: 60_000 } },
      routes: [{ units: '1-2', bus: 'line' }],
    }),
  )
  await gw.start()
})
greedy.after(async () => {
  await closeClients()
  await gw.close()
  await device.close()
  await pty.close()
})

greedy(`300 requests kept in flight by one client: the polite client's 20 sequential reads all succeed; the greedy one gets 0x0A beyond its share of ${SHARE}`, async () => {
  const hog = await client(gw)
  const polite = await client(gw)
  const IN_FLIGHT = 300
  // Transaction ids are reused once answered, so the greedy client can go on for as long as it takes.
  const free = Array.from({ length: 0x10000 }, (_, i) => 0xffff - i)
  const addressOf = new Map<number, number>()
  let sent = 0
  let answered = 0
  let refused = 0
  let seen = 0
  let keepUp = true
  const wrong: string[] = []
  const sendOne = () => {
    const tid = free.pop()!
    const address = sent++ % 1000
    addressOf.set(tid, address)
    hog.send(tid, 1, read(address))
  }
  // Each reply is checked, its id freed and, while the polite client works, replaced by another request.
  hog.socket.on('data', () => {
    for (; seen < hog.order.length; seen++) {
      const tid = hog.order[seen]
      const got = hog.replies.get(tid)!
      hog.replies.delete(tid)
      if (got === adu(tid, 1, Buffer.from('830a', 'hex'))) refused++
      else if (got === adu(tid, 1, rightReply(1, read(addressOf.get(tid)!)))) answered++
      else wrong.push(`tid ${tid}: ${got}`)
      addressOf.delete(tid)
      free.push(tid)
    }
    while (keepUp && addressOf.size < IN_FLIGHT) sendOne()
  })
  for (let i = 0; i < IN_FLIGHT; i++) sendOne()
  await waitFor(() => device.log.length > 0, 'the greedy requests to reach the line')

  for (let i = 0; i < 20; i++) {
    const tid = 0x1000 + i
    polite.send(tid, 2, read(500 + i, 2))
    assert.is(await polite.reply(tid, 10_000), adu(tid, 2, rightReply(2, read(500 + i, 2))), `polite read ${i}: its data, not 0x0A or 0x0B`)
  }
  assert.is(addressOf.size, IN_FLIGHT, 'the greedy client still had 300 requests in flight when the polite one finished')
  keepUp = false
  await waitFor(() => addressOf.size === 0, 'the greedy client\'s last replies', 30_000)

  assert.equal(wrong, [], 'every greedy reply is its own data or 0x0A')
  assert.is(answered + refused, sent)
  const s = gw.buses.get('line')!.stats()
  assert.ok(refused > 0, 'the greedy client was refused beyond its share')
  assert.is(s.rejectedQueueFull, refused, 'every 0x0A was a full share, and all of them the greedy client\'s')
  assert.is(s.timeouts, 0)
  console.log(`    greedy: ${sent} requests, ${answered} answered, ${refused} refused 0x0A; polite: 20 of 20 answered`)
})
greedy.run()

// ---
const coalescing = suite('gateway: coalesced reads whose leader disconnects (socat PTY)')
let gw2: Gateway
const X = read(0x10, 2)
const BLOCKER = read(0x20, 1)

coalescing.before(async () => {
  pty = await ptyPair()
  device = await hostileDevice(pty.b, { behave: () => 'correct' })
  gw2 = new Gateway(
    validateConfig({
      listen: ['tcp://127.0.0.1:0'],
      buses: { line: { address: `rtu://${pty.a}?baud=19200`, timeout: 5000, retries: 0 } },
      routes: [{ units: '1-2', bus: 'line' }],
      policies: { coalesceReads: true },
    }),
  )
  await gw2.start()
})
coalescing.after(async () => {
  await closeClients()
  await gw2.close()
  await device.close()
  await pty.close()
})

coalescing('the leader\'s read is on the line when it disconnects: the follower gets the reply', async () => {
  const bus = gw2.buses.get('line')!
  const from = device.log.length
  device.behave = () => 'hold'
  const leader = await client(gw2)
  const follower = await client(gw2)
  leader.send(1, 1, X)
  await waitFor(() => device.log.length === from + 1, 'the read on the line')
  follower.send(2, 1, X)
  await waitFor(() => bus.stats().coalesced === 1, 'the second read to join the first')
  const gone = new Promise((r) => gw2.once('client', (what: string) => what === 'disconnect' && r(null)))
  await leader.close()
  await gone
  assert.is(await device.release(), 1)
  assert.is(await follower.reply(2), adu(2, 1, rightReply(1, X)))
  assert.is(device.log.length, from + 1, 'one transaction on the line')
})

coalescing('the leader\'s read is still queued when it disconnects: it is handed to the follower, which gets the reply', async () => {
  const bus = gw2.buses.get('line')!
  const from = device.log.length
  const before = bus.stats()
  device.behave = (r) => (r.pdu.equals(BLOCKER) ? 'hold' : 'correct')
  const blocker = await client(gw2)
  const leader = await client(gw2)
  const follower = await client(gw2)
  blocker.send(1, 1, BLOCKER)
  await waitFor(() => device.log.length === from + 1, 'the blocking read on the line')
  leader.send(1, 1, X)
  await waitFor(() => bus.stats().queued === 1, 'the leader\'s read to be queued')
  follower.send(7, 1, X)
  await waitFor(() => bus.stats().coalesced === before.coalesced + 1, 'the follower\'s read to join the queued one')
  const gone = new Promise((r) => gw2.once('client', (what: string) => what === 'disconnect' && r(null)))
  await leader.close()
  await gone
  assert.is(bus.stats().queued, 1, 'the read stays queued, now the follower\'s')
  assert.is(await device.release(), 1)
  assert.is(await blocker.reply(1), adu(1, 1, rightReply(1, BLOCKER)))
  assert.is(await follower.reply(7), adu(7, 1, rightReply(1, X)))
  assert.equal(device.log.slice(from).map((e) => e.pdu), [BLOCKER.toString('hex'), X.toString('hex')], 'the blocker, then the read once')
})
coalescing.run()

// ---
const readOnly = suite('gateway: a read-only route is an allow-list of reads, end to end over TCP (socat PTY)')
let gw3: Gateway

readOnly.before(async () => {
  pty = await ptyPair()
  // A device in listen-only mode does not answer; this one is never told to be, so it stays silent to 08/0004 anyway.
  device = await hostileDevice(pty.b, { behave: (r) => (r.pdu.toString('hex').startsWith('080004') ? 'silent' : 'correct') })
  gw3 = new Gateway(
    validateConfig({
      listen: ['tcp://127.0.0.1:0'],
      buses: { line: { address: `rtu://${pty.a}?baud=19200`, timeout: 500, retries: 0, broadcastDelay: 10 } },
      routes: [
        { units: 5, bus: 'line', readOnly: true },
        { units: 6, bus: 'line' },
      ],
    }),
  )
  await gw3.start()
})
readOnly.after(async () => {
  await closeClients()
  await gw3.close()
  await device.close()
  await pty.close()
})

readOnly('08/0004 (force listen only) gets 01 from the gateway and never reaches the line; 08/0000 and 03 pass', async () => {
  const c = await client(gw3)
  c.send(0x0804, 5, Buffer.from('080004' + '0000', 'hex'))
  assert.is(await c.reply(0x0804), '0804' + '0000' + '0003' + '05' + '8801')
  c.send(0x0806, 5, Buffer.from('0600010001', 'hex'))
  assert.is(await c.reply(0x0806), '0806' + '0000' + '0003' + '05' + '8601')
  c.send(0x0800, 5, Buffer.from('080000a537', 'hex'))
  assert.is(await c.reply(0x0800), '0800' + '0000' + '0006' + '05' + '080000a537', '08/0000 echoed by the device through the read-only route')
  c.send(0x0003, 5, read(7))
  assert.is(await c.reply(0x0003), adu(0x0003, 5, rightReply(5, read(7))))
  assert.equal(
    device.log.map((e) => `${e.unit} ${e.pdu}`),
    ['5 080000a537', `5 ${read(7).toString('hex')}`],
    'only the reads reached the line',
  )
})

readOnly('the same 08/0004 through a route that is not read-only reaches the line (and draws no reply)', async () => {
  const c = await client(gw3)
  c.send(0x0804, 6, Buffer.from('0800040000', 'hex'))
  await waitFor(() => device.log.some((e) => e.unit === 6 && e.pdu === '0800040000'), '08/0004 for unit 6 on the line')
  // The next request on the same connection is answered, and 08/0004 is not.
  c.send(1, 6, read(1))
  assert.is(await c.reply(1), adu(1, 6, rightReply(6, read(1))))
  assert.is(c.replies.has(0x0804), false)
})
readOnly.run()

// ---
const givingUp = suite('gateway: an RTU over TCP master that gives up — its queued requests are withdrawn, not run (socat PTY, silent device)')
let silentLine: PtyPair
let gwRtu: Gateway

givingUp.before(async () => {
  silentLine = await ptyPair()
  gwRtu = new Gateway(
    validateConfig({
      listen: ['rtu+tcp://127.0.0.1:0'],
      // Long enough that A is surely still on the bus when B and C come (the test waits 30 ms between them).
      // queueTimeout far off, so only the withdrawal can keep B off the bus.
      buses: { line: { address: `rtu://${silentLine.a}?baud=115200`, timeout: 2000, retries: 0, queueTimeout: 60_000 } },
      routes: [{ units: 1, bus: 'line' }],
    }),
  )
  await gwRtu.start()
})
givingUp.after(async () => {
  await gwRtu.close()
  await silentLine.close()
})

givingUp('A on the bus, B queued, C after a pause: B is dropped from the queue, A and C run, and only C is answered (0x0B)', async () => {
  const rtu = createRtuFramer({ expect: 'request' })
  const socket = createConnection({ host: '127.0.0.1', port: port(gwRtu) })
  await new Promise<void>((resolve, reject) => socket.once('connect', () => resolve()).once('error', reject))
  let received = Buffer.alloc(0)
  socket.on('data', (c: Buffer) => (received = Buffer.concat([received, c])))
  const bus = gwRtu.buses.get('line')!
  const pause = () => new Promise((resolve) => setTimeout(resolve, 30))
  try {
    socket.write(rtu.encode(1, read(1)))
    await waitFor(() => bus.stats().inFlight === 1, 'A on the bus')
    await pause()
    socket.write(rtu.encode(1, read(2)))
    await waitFor(() => bus.stats().queued === 1, 'B queued behind A')
    await pause()
    socket.write(rtu.encode(1, read(3)))
    await waitFor(() => received.length >= 5, "C's answer", 15_000)
    const s = bus.stats()
    assert.is(s.transactions, 2, 'A and C ran; B was withdrawn before it took the bus')
    assert.is(s.timeouts, 2)
    assert.is(s.expiredInQueue, 0)
    const answer = createRtuFramer({ expect: 'response' }).encode(1, Buffer.from('830b', 'hex'))
    assert.is(received.toString('hex'), answer.toString('hex'), "one reply: C's 0x0B (A's was superseded, B's never made)")
  } finally {
    socket.destroy()
  }
})
givingUp.run()
