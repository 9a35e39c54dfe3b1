import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { buildDevices, createServer, defaultDeviceFile, parseAddress, type ModbusServer, type SerialAddress } from '../../core/index.ts'
import type { ByteLink } from '../../core/transport/link.ts'
import { openSerialLink } from '../../core/transport/serial.ts'
import { validateConfig } from '../../proxy/config.ts'
import { Gateway } from '../../proxy/gateway.ts'
import { ANSWERING, hostileDevice, rightReply, seededBehaviors, type Behavior, type HostileDevice } from '../helpers/hostile-device.ts'
import { ptyPair, type PtyPair } from '../helpers/pty.ts'
import { prng } from '../helpers/random.ts'
import { rawClient, type RawClient } from '../helpers/raw-tcp.ts'
import { waitFor } from '../helpers/wait.ts'

const BUS_TIMEOUT = 150
/** A late reply lands this long after the gateway gave up: inside the quiet time kept after a timeout (gap + 20 ms guard). */
const LATE_AFTER_TIMEOUT = 3
const SENTINEL_UNIT = 31
const port = (gw: Gateway) => Number(gw.listening[0].split(':').pop())

/** One read a client sends. */
interface Read {
  tid: number
  unit: number
  pdu: Buffer
}

/** `count` distinct reads (no two alike, so the device's log tells each one's attempts). */
function reads(seed: number, count: number, units: number[], codes: number[], quantities: number[]): Read[] {
  const next = prng(seed)
  const pick = <T>(xs: T[]) => xs[Math.floor(next() * xs.length)]
  const seen = new Set<string>()
  const out: Read[] = []
  while (out.length < count) {
    const quantity = pick(quantities)
    const pdu = Buffer.alloc(5)
    pdu[0] = pick(codes)
    pdu.writeUInt16BE(Math.floor(next() * (1024 - quantity)), 1)
    pdu.writeUInt16BE(quantity, 3)
    const unit = pick(units)
    const key = `${unit}:${pdu.toString('hex')}`
    if (seen.has(key)) continue
    seen.add(key)
    out.push({ tid: 0, unit, pdu })
  }
  return out
}

/** Sends `list` keeping at most `window` unanswered, driven by the replies as they come. */
async function drive(raw: RawClient, list: Read[], window: number): Promise<void> {
  let sent = 0
  const pump = () => {
    while (sent < list.length && sent - raw.replies.size < window) {
      const r = list[sent++]
      raw.send(r.tid, r.unit, r.pdu)
    }
  }
  raw.socket.on('data', pump)
  pump()
  await waitFor(() => raw.replies.size >= list.length, `${list.length} replies (have ${raw.replies.size})`, 60_000)
  raw.socket.off('data', pump)
}

/** The PDU of a reply ADU in hex (MBAP header: 7 bytes). */
const pduOf = (adu: string) => adu.slice(14)

/**
 * The gateway's end of the PTY, watched: when each request ADU was handed to the port, and when
 * each chunk came back. With the device's own log this gives every attempt's time through socat
 * and the event loop, so a machine that stalls is told apart from a gateway that errs.
 */
interface WatchedLink {
  open(): Promise<ByteLink>
  writes: Map<string, number[]>
  arrivals: number[]
}

function watchedLink(path: string): WatchedLink {
  const watched: WatchedLink = {
    writes: new Map(),
    arrivals: [],
    async open() {
      const link = await openSerialLink(parseAddress(`rtu://${path}?baud=19200`) as SerialAddress)
      link.onData(() => watched.arrivals.push(performance.now()))
      return {
        get isOpen() {
          return link.isOpen
        },
        label: link.label,
        onData: (l) => link.onData(l),
        onClose: (l) => link.onClose(l),
        close: () => link.close(),
        write(data) {
          const key = data.subarray(0, -2).toString('hex')
          const list = watched.writes.get(key) ?? []
          list.push(performance.now())
          watched.writes.set(key, list)
          return link.write(data)
        },
      }
    },
  }
  return watched
}

/** An attempt whose bytes took longer than this through socat and the event loop was stalled by the machine. */
const STALL_MS = 50

// ---
for (const setup of [
  { retries: 0, seed: 0x5eed0, count: 150 },
  { retries: 1, seed: 0x5eed1, count: 150 },
]) {
  const test = suite(`gateway: a hostile RTU device, bus timeout ${BUS_TIMEOUT} ms, retries ${setup.retries} (socat PTY)`)
  const weights: Partial<Record<Behavior, number>> = {
    correct: 40,
    twice: 7,
    garbageBefore: 7,
    garbageAfter: 7,
    foreignThenCorrect: 7,
    late: 6,
    foreign: 4,
    wrongCount: 4,
    lyingCount: 4,
    silent: 4,
  }
  let pty: PtyPair
  let device: HostileDevice
  let gw: Gateway
  let watch: WatchedLink
  const clients: RawClient[] = []

  test.before(async () => {
    pty = await ptyPair()
    const random = seededBehaviors(setup.seed, weights)
    device = await hostileDevice(pty.b, { behave: (r, i) => (r.unit === SENTINEL_UNIT ? 'correct' : random(r, i)), lateMs: BUS_TIMEOUT + LATE_AFTER_TIMEOUT, seed: setup.seed })
    watch = watchedLink(pty.a)
    gw = new Gateway(
      validateConfig({
        listen: ['tcp://127.0.0.1:0'],
        buses: { line: { address: `rtu://${pty.a}?baud=19200`, timeout: BUS_TIMEOUT, retries: setup.retries, queueTimeout: 60_000 } },
        routes: [{ units: '1-31', bus: 'line' }],
      }),
      { links: { line: watch.open } },
    )
    await gw.start()
  })
  test.after(async () => {
    for (const c of clients) await c.close()
    await gw.close()
    await device.close()
    await pty.close()
  })

  test(`${setup.count} reads from 4 clients: one reply each, the request's own data or 0x0B, never another request's`, async () => {
    const all = reads(setup.seed, setup.count, [1, 2], [0x03, 0x04], [1, 2, 3, 4, 8, 17, 60, 125])
    const perClient = [0, 1, 2, 3].map((k) => all.filter((_, i) => i % 4 === k).map((r, i) => ({ ...r, tid: i + 1 })))
    for (let k = 0; k < 4; k++) clients.push(await rawClient(port(gw)))
    await Promise.all(perClient.map((list, k) => drive(clients[k], list, 4)))
    // A last read on each connection, answered after everything before it: any second reply to an
    // earlier request would have been written by then.
    const last = Buffer.from('0300000001', 'hex')
    for (const c of clients) c.send(0xffff, SENTINEL_UNIT, last)
    for (const c of clients) assert.is(pduOf(await c.reply(0xffff)), rightReply(SENTINEL_UNIT, last).toString('hex'))

    /** The longest time any attempt of a request spent between the two ends of the PTY. */
    const transit = (unit: number, pdu: Buffer) => {
      const key = `${unit.toString(16).padStart(2, '0')}${pdu.toString('hex')}`
      const written = watch.writes.get(key) ?? []
      const attempts = device.log.filter((e) => e.unit === unit && e.pdu === pdu.toString('hex'))
      if (written.length !== attempts.length) return Infinity
      let worst = 0
      for (const [i, e] of attempts.entries()) {
        worst = Math.max(worst, e.receivedAt - written[i])
        if (e.sentAt !== undefined) worst = Math.max(worst, (watch.arrivals.find((t) => t >= e.sentAt!) ?? Infinity) - e.sentAt)
      }
      return worst
    }
    let data = 0
    let failed = 0
    let stalled = 0
    for (const [k, list] of perClient.entries()) {
      const c = clients[k]
      assert.is(c.order.length, list.length + 1, `client ${k}: one reply per request`)
      assert.is(new Set(c.order).size, c.order.length, `client ${k}: no transaction id answered twice`)
      for (const r of list) {
        const what = `client ${k} tid ${r.tid}: unit ${r.unit} ${r.pdu.toString('hex')}`
        const adu = c.replies.get(r.tid)!
        assert.is(adu.slice(0, 14), `${r.tid.toString(16).padStart(4, '0')}0000${(adu.length / 2 - 6).toString(16).padStart(4, '0')}${r.unit.toString(16).padStart(2, '0')}`, `${what}: MBAP header`)
        const reply = pduOf(adu)
        const attempts = device.log.filter((e) => e.unit === r.unit && e.pdu === r.pdu.toString('hex')).map((e) => e.behavior)
        const answered = attempts.findIndex((b) => ANSWERING.has(b))
        // What follows from timing (a right reply beats the timeout; nothing is retried after one)
        // holds only while the machine moves bytes promptly; the rest holds always.
        const prompt = transit(r.unit, r.pdu) <= STALL_MS
        if (!prompt) stalled++
        if (reply === `${(r.pdu[0] | 0x80).toString(16)}0b`) {
          failed++
          if (prompt) assert.is(answered, -1, `${what}: 0x0B although the device answered right (attempts: ${attempts.join(', ')})`)
          if (prompt) assert.is(attempts.length, setup.retries + 1, `${what}: attempts on the line before 0x0B (${attempts.join(', ')})`)
        } else {
          data++
          assert.is(reply, rightReply(r.unit, r.pdu).toString('hex'), `${what}: the reply carries exactly this request's data (attempts: ${attempts.join(', ')})`)
          assert.is(parseInt(reply.slice(2, 4), 16), r.pdu.readUInt16BE(3) * 2, `${what}: byte count agrees with the quantity`)
          // A late reply to a first attempt may still be in time for the retry of the same request.
          const lateForRetry = attempts.slice(0, -1).includes('late')
          assert.ok(answered >= 0 || lateForRetry || !prompt, `${what}: data although no attempt was answered (attempts: ${attempts.join(', ')})`)
          if (answered >= 0 && prompt) assert.is(attempts.length, answered + 1, `${what}: no retry after a right reply (${attempts.join(', ')})`)
        }
      }
    }
    const s = gw.buses.get('line')!.stats()
    const seen = new Set(device.log.map((e) => e.behavior))
    for (const b of Object.keys(weights)) assert.ok(seen.has(b as Behavior), `the device behaved '${b}' at least once`)
    assert.ok(s.discarded > 0, 'stray frames were seen on the bus')
    assert.ok(s.discarded >= device.counts.strayFrames, `every duplicate, foreign and wrong-count frame was discarded (${s.discarded} of ${device.counts.strayFrames} + ${device.counts.lateFrames} late)`)
    assert.ok(failed > 0 && data > 0, `both outcomes occurred (${data} data, ${failed} 0x0B)`)
    console.log(
      `    retries ${setup.retries}: ${device.log.length} requests on the line, ${data} answered with data, ${failed} with 0x0B; ` +
        `${s.discarded} stray frames discarded (device sent ${device.counts.strayFrames} + ${device.counts.lateFrames} late), ${s.framingErrors} framing errors, ` +
        `${s.timeouts} timeouts (${s.invalidReplies} with only wrong replies); ${stalled} requests stalled over ${STALL_MS} ms by the machine`,
    )
  })

  if (setup.retries === 0) {
    test('a reply that comes after the timeout is discarded; the next read of the same shape gets its own data', async () => {
      const raw = await rawClient(port(gw))
      clients.push(raw)
      const script: Behavior[] = ['late', 'correct']
      const from = device.log.length
      device.behave = (_r, i) => script[i - from] ?? 'correct'
      const before = gw.buses.get('line')!.stats().discarded
      // The right reply to read 2 comes after the late reply to read 1 would land in its window.
      device.delayMs = 15
      try {
        raw.send(1, 1, Buffer.from('0300640002', 'hex'))
        raw.send(2, 1, Buffer.from('0300c80002', 'hex'))
        assert.is(await raw.reply(1), '00010000000301830b')
        assert.is(pduOf(await raw.reply(2)), rightReply(1, Buffer.from('0300c80002', 'hex')).toString('hex'), 'read 2 carries addresses 200-201, not the late reply to 100-101')
        await waitFor(() => gw.buses.get('line')!.stats().discarded > before, 'the late reply to be seen and discarded')
        assert.equal(device.log.slice(from).map((e) => e.behavior), ['late', 'correct'])
      } finally {
        device.delayMs = 0
      }
    })
  }
  test.run()
}

// ---
const lying = suite('gateway: a request whose byte count lies, over an rtu+tcp bus')
let server: ModbusServer
let gw2: Gateway

lying.before(async () => {
  const { context } = buildDevices(defaultDeviceFile([1]))
  server = createServer('rtu+tcp://127.0.0.1:0', { context })
  const bound = await server.listen()
  gw2 = new Gateway(
    validateConfig({
      listen: ['tcp://127.0.0.1:0'],
      buses: { far: { address: bound, timeout: BUS_TIMEOUT, retries: 0 } },
      routes: [{ units: 1, bus: 'far' }],
    }),
  )
  await gw2.start()
})
lying.after(async () => {
  await gw2.close()
  await server.close()
})

lying('10 00 00 00 7b f6 01 02 gets 03; the next 30 reads of another client are answered normally', async () => {
  const liar = await rawClient(port(gw2))
  const other = await rawClient(port(gw2))
  try {
    liar.send(0x0bad, 1, Buffer.from('100000007bf60102', 'hex'))
    for (let i = 0; i < 30; i++) other.send(i, 1, Buffer.from([0x04, 0x00, i, 0x00, 0x01]))
    assert.is(await liar.reply(0x0bad), '0bad0000000301' + '9003')
    for (let i = 0; i < 30; i++) {
      const want = `${i.toString(16).padStart(4, '0')}0000000501` + `0402${i.toString(16).padStart(4, '0')}`
      assert.is(await other.reply(i), want, `read ${i}`)
    }
    assert.is(gw2.buses.get('far')!.stats().timeouts, 0)
  } finally {
    await liar.close()
    await other.close()
  }
})
lying.run()
