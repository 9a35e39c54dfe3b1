/**
 * The gateway: upstream listeners (Modbus TCP, RTU over TCP, UDP) → router → buses → replies.
 * Frames are forwarded, not re-encoded: the request PDU goes to the bus unchanged and the reply
 * PDU comes back unchanged, with the client's own unit id and transaction id.
 */
import { EventEmitter } from 'node:events'
import { createSocket, type Socket as UdpSocket } from 'node:dgram'
import { createServer, isIPv6, type Server, type Socket } from 'node:net'
import { createFramer, formatAddress, type Adu, type ByteLink, type Framer, type FrameSink, type NetworkAddress } from '../core/index.ts'
import { Bus, type Outcome } from './bus.ts'
import type { GatewayConfig } from './config.ts'
import { policyException, Router } from './router.ts'

/** One finished request, for the monitor. */
export interface TransactionEvent {
  time: number
  client: number
  unit: number
  bus: string | undefined
  request: Buffer
  reply: Buffer | undefined
  exception: number | undefined
  reason: string | undefined
  latencyMs: number
  /** Time waiting for the bus and on the bus; the rest of latencyMs is the gateway's own. */
  queuedMs: number
  busMs: number
}

/** Options beyond the configuration. */
export interface GatewayOptions {
  /** Link openers by bus name (virtual lines). */
  links?: Record<string, () => Promise<ByteLink>>
}

type Reply = (pdu: Buffer | null) => void

/** Broadcast writes whose normal reply is the request itself, or its first five bytes. */
const ECHO_WHOLE = new Set([0x05, 0x06, 0x15, 0x16])
const ECHO_FIVE = new Set([0x0f, 0x10])

/** A running gateway. Events: 'transaction' (TransactionEvent), 'listening' (address). */
export class Gateway extends EventEmitter {
  readonly buses = new Map<string, Bus>()
  readonly router: Router
  private readonly servers: Server[] = []
  private readonly udps: UdpSocket[] = []
  private readonly sockets = new Set<Socket>()
  private nextClient = 1
  private readonly udpClients = new Map<string, number>()
  readonly listening: string[] = []
  readonly startedAt = Date.now()

  constructor(
    readonly config: GatewayConfig,
    options: GatewayOptions = {},
  ) {
    super()
    this.router = new Router(config)
    for (const b of config.buses) {
      this.buses.set(b.name, new Bus(b, { open: options.links?.[b.name], coalesceReads: config.policies.coalesceReads }))
    }
  }

  /** Opens the buses and starts every listener; resolves with the addresses served. */
  async start(): Promise<string[]> {
    await Promise.all([...this.buses.values()].map((b) => b.start()))
    for (const a of this.config.listen) this.listening.push(await this.listen(a))
    return this.listening
  }

  private listen(a: NetworkAddress): Promise<string> {
    if (a.kind === 'udp') {
      const udp = createSocket(isIPv6(a.host) ? 'udp6' : 'udp4')
      const framer = createFramer('tcp')
      udp.on('message', (msg, rinfo) => {
        const key = `${rinfo.address}:${rinfo.port}`
        let client = this.udpClients.get(key)
        if (client === undefined) this.udpClients.set(key, (client = this.nextClient++))
        const sink = this.sink(framer, client, (adu) => udp.send(adu, rinfo.port, rinfo.address))
        framer.push(msg, sink)
        framer.end(sink)
      })
      this.udps.push(udp)
      return new Promise((resolve, reject) => {
        udp.once('error', reject)
        udp.bind(a.port, a.host, () => resolve(formatAddress({ ...a, port: udp.address().port })))
      })
    }
    const server = createServer((socket) => this.accept(socket, a.kind === 'rtu+tcp' ? 'rtu' : 'tcp'))
    this.servers.push(server)
    return new Promise((resolve, reject) => {
      server.once('error', reject)
      server.listen(a.port, a.host, () => resolve(formatAddress({ ...a, port: (server.address() as { port: number }).port })))
    })
  }

  private accept(socket: Socket, framing: 'tcp' | 'rtu'): void {
    const client = this.nextClient++
    this.sockets.add(socket)
    socket.setNoDelay(true)
    const framer = createFramer(framing, { expect: 'request', probe: true })
    const sink = this.sink(framer, client, (adu) => !socket.destroyed && socket.write(adu), () => socket.destroy())
    socket.on('data', (chunk: Buffer) => framer.push(chunk, sink))
    socket.on('error', () => socket.destroy())
    socket.on('close', () => {
      this.sockets.delete(socket)
      for (const bus of this.buses.values()) bus.withdraw(client)
    })
  }

  private sink(framer: Framer, client: number, send: (adu: Buffer) => void, poisoned?: () => void): FrameSink {
    return {
      frame: (adu: Adu) => {
        const { unit, tid } = adu
        this.handle(client, unit, Buffer.from(adu.pdu), (pdu) => {
          if (pdu) send(framer.encode(unit, pdu, tid))
        })
      },
      error: () => {
        if (framer.kind === 'tcp') poisoned?.()
      },
    }
  }

  /** Routes one request and answers it through `reply` (null: no answer). */
  handle(client: number, unit: number, pdu: Buffer, reply: Reply): void {
    const started = performance.now()
    const fc = pdu[0]
    const done = (bus: string | undefined, outcome: Outcome) => {
      let out: Buffer | null = null
      let exception: number | undefined
      if (outcome.kind === 'reply') {
        out = outcome.pdu
        if (out[0] & 0x80 && out.length >= 2) exception = out[1]
      } else if (outcome.kind === 'exception') {
        exception = outcome.exception === 0x0b ? policyException(this.config.policies.noResponse) : outcome.exception
        if (exception !== undefined) out = Buffer.from([fc | 0x80, exception])
      }
      reply(out)
      this.emit('transaction', {
        time: Date.now(),
        client,
        unit,
        bus,
        request: pdu,
        reply: out ?? undefined,
        exception,
        reason: outcome.kind === 'reply' ? undefined : outcome.reason,
        latencyMs: performance.now() - started,
        queuedMs: outcome.timing?.queuedMs ?? 0,
        busMs: outcome.timing?.busMs ?? 0,
      } satisfies TransactionEvent)
    }
    const d = this.router.decide(unit, fc)
    if (d.kind === 'refuse') return done(undefined, { kind: 'exception', exception: d.exception, reason: d.reason })
    if (d.kind === 'drop') return done(undefined, { kind: 'none', reason: d.reason })
    if (d.kind === 'forward') {
      const bus = this.buses.get(d.bus)!
      void bus.submit(client, d.unit, pdu, d.timeout).then((o) => done(d.bus, o))
      return
    }
    void Promise.all(d.buses.map((name) => this.buses.get(name)!.submit(client, 0, pdu))).then(() => {
      if (!d.reply) return done(undefined, { kind: 'none', reason: 'broadcast' })
      const echo = ECHO_WHOLE.has(fc) ? pdu : ECHO_FIVE.has(fc) ? pdu.subarray(0, 5) : undefined
      done(undefined, echo ? { kind: 'reply', pdu: echo } : { kind: 'none', reason: 'broadcast' })
    })
  }

  /** Stops listening, closes every client connection and every bus. */
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy()
    await Promise.all(this.servers.map((s) => new Promise<void>((r) => s.close(() => r()))))
    await Promise.all(this.udps.map((u) => new Promise<void>((r) => u.close(() => r()))))
    await Promise.all([...this.buses.values()].map((b) => b.close()))
  }
}
