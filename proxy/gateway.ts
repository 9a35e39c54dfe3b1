/**
 * The gateway: upstream listeners (Modbus TCP, Modbus/TCP Security over TLS, RTU over TCP, UDP:
 * core's shared listener) → router → buses → replies. Frames are forwarded, not re-encoded: the request PDU goes to the bus
 * unchanged and the reply PDU comes back unchanged, with the client's own unit id and transaction id.
 * Bus outcomes become Modbus exceptions here, once, by name.
 *
 * Each client is admitted with a principal — its address, and on tls:// the certificate's subject
 * and role (or the configured default role); a tls:// client that ends up with no role is refused
 * right after the handshake. The router checks the principal against route access lists and role
 * permissions; a refused request is answered 01 and reported as a 'denied' event.
 */
import { EventEmitter } from 'node:events'
import { defaultRegistry, encodeResponse, EXCEPTION_CODES, formatAddress, type ExceptionName, type Registry } from '../core/index.ts'
import { type ByteLink } from '../core/transport/link.ts'
import { ModbusListener, type ListenerClient } from '../core/server/listener.ts'
import { MODBUS_ROLE_OID } from '../core/transport/tls-role.ts'
import { Bus, type Outcome, type OutcomeKind, type UnavailableCause } from './bus.ts'
import type { GatewayConfig, ListenConfig } from './config.ts'
import { policyException, Router, type Principal } from './router.ts'

/** One finished request, for the monitor. */
export interface TransactionEvent {
  time: number
  client: number
  unit: number
  bus: string | undefined
  request: Buffer
  reply: Buffer | undefined
  /** How the request ended: a bus outcome kind, or 'refused' / 'dropped' by the router. */
  outcome: OutcomeKind | 'refused' | 'dropped'
  exception: number | undefined
  reason: string | undefined
  latencyMs: number
  /** Time waiting for the bus and on the bus; the rest of latencyMs is the gateway's own. */
  queuedMs: number
  busMs: number
}

/** A request refused by an access list or a role: who sent it and why (for the log). */
export interface DeniedEvent {
  client: number
  unit: number
  /** The request's function code. */
  code: number
  who: Principal
  reason: string
}

/** Options beyond the configuration. */
export interface GatewayOptions {
  /** Link openers by bus name (virtual lines). */
  links?: Record<string, () => Promise<ByteLink>>
  /** Function codes beyond the built-in ones (user codes are forwarded by their reply rules). */
  registry?: Registry
}

/** What a bus outcome that is not a reply becomes: a policy (answer or silence) or a fixed exception. */
const WHEN_UNAVAILABLE: Record<UnavailableCause, ExceptionName | 'noResponse'> = {
  down: 'gatewayPathUnavailable',
  queueFull: 'gatewayPathUnavailable',
  closing: 'gatewayPathUnavailable',
  expired: 'noResponse',
}

/**
 * The exception a bus outcome that is not a reply is answered with, or undefined for silence:
 * `noResponse` (the noResponse policy's code, undefined for `ignore`) when the device did not answer,
 * 0x0A when there was no path to it. Shared by the gateway and serve's remote units.
 */
export function outcomeException(o: Outcome, noResponse: number | undefined): number | undefined {
  switch (o.kind) {
    case 'timeout':
      return noResponse
    case 'unavailable': {
      const rule = WHEN_UNAVAILABLE[o.cause]
      return rule === 'noResponse' ? noResponse : EXCEPTION_CODES[rule]
    }
    case 'transportError':
      return EXCEPTION_CODES.gatewayPathUnavailable
    default:
      return undefined
  }
}

/**
 * A running gateway. Events: 'transaction' (TransactionEvent), 'client' ('connect' | 'disconnect',
 * ListenerClient), 'refused' (remote, why), 'bus' (name, 'up' | 'down', reason), 'stray' (bus, StrayRecord),
 * 'timeout' (bus, unit, reason), 'denied' (DeniedEvent), 'request' (client, unit, pdu: as it arrived, the same
 * Buffer the request's 'transaction' event carries; emitted only while someone listens, for captures).
 */
export class Gateway extends EventEmitter {
  readonly buses = new Map<string, Bus>()
  readonly router: Router
  readonly upstream: ModbusListener[] = []
  readonly listening: string[] = []
  readonly startedAt = Date.now()
  private readonly registry: Registry
  /** The principal of every connected client, by client id. */
  private readonly principals = new Map<number, Principal>()

  constructor(
    readonly config: GatewayConfig,
    options: GatewayOptions = {},
  ) {
    super()
    this.registry = options.registry ?? defaultRegistry
    this.router = new Router(config, this.registry)
    for (const b of config.buses) {
      const bus = new Bus(b, { open: options.links?.[b.name], coalesceReads: config.policies.coalesceReads, registry: this.registry })
      bus.on('state', (state: string, reason: string) => this.emit('bus', b.name, state, reason))
      bus.on('stray', (record: unknown) => this.emit('stray', b.name, record))
      bus.on('timeout', (unit: number, reason: string) => this.emit('timeout', b.name, unit, reason))
      this.buses.set(b.name, bus)
    }
  }

  /** Opens the buses and starts every listener; resolves with the addresses served. */
  async start(): Promise<string[]> {
    await Promise.all([...this.buses.values()].map((b) => b.start()))
    for (const a of this.config.listen) {
      const listener = new ModbusListener({
        ...this.config.limits,
        address: a,
        registry: this.registry,
        responder: (client, unit, pdu) => this.forward(client, unit, Buffer.from(pdu)),
        admit: (client) => this.admit(client, a),
        // An RTU master that sent a new request has given up on its others: those still queued
        // need not take bus time (the one under way runs to its end).
        supersede: (client) => {
          for (const bus of this.buses.values()) bus.withdraw(client.id, 'superseded by a later request of the client')
        },
      })
      listener.on('connection', (c: ListenerClient) => this.emit('client', 'connect', c))
      listener.on('refused', (remote: string, why: string) => this.emit('refused', remote, why))
      listener.on('disconnect', (c: ListenerClient) => {
        this.principals.delete(c.id)
        for (const bus of this.buses.values()) bus.withdraw(c.id)
        this.emit('client', 'disconnect', c)
      })
      this.upstream.push(listener)
      const bound = await listener.listen()
      this.listening.push(formatAddress({ ...a, port: bound.port }))
    }
    return this.listening
  }

  /** Gives a new client its principal, or says why it is refused: a tls:// client must end up with a role. */
  private admit(client: ListenerClient, listen: ListenConfig): string | undefined {
    const peer = client.peer
    const role = peer?.role ?? listen.defaultRole ?? (client.transport === 'tls' ? this.config.defaultRole : undefined)
    if (client.transport === 'tls' && role === undefined) {
      return peer?.subject
        ? `certificate ${JSON.stringify(peer.subject)} carries no Modbus role (extension ${MODBUS_ROLE_OID}) and no defaultRole is configured`
        : 'no client certificate and no defaultRole for this listener'
    }
    const who: Principal = { address: client.remoteAddress, remote: client.remote }
    if (role !== undefined) who.role = role
    if (peer?.subject) who.subject = peer.subject
    this.principals.set(client.id, who)
    return undefined
  }

  private forward(client: ListenerClient, unit: number, pdu: Buffer): Promise<Buffer | null> {
    return new Promise((resolve) => this.handle(client.id, unit, pdu, resolve, client.transport === 'rtu+tcp'))
  }

  /**
   * Routes one request (a PDU the gateway may keep) and answers it through `reply` (null: no answer).
   * `serialFramed`: the client speaks serial-line framing (rtu+tcp), where a broadcast (unit 0) is
   * never answered (Serial Line guide §2.1), not even with an exception or an echo.
   */
  handle(client: number, unit: number, pdu: Buffer, reply: (pdu: Buffer | null) => void, serialFramed = false): void {
    const started = performance.now()
    const code = pdu[0]
    if (this.listenerCount('request') > 0) this.emit('request', client, unit, pdu)
    const done = (bus: string | undefined, outcome: Outcome | { kind: 'refused'; exception: number; reason: string } | { kind: 'dropped'; reason: string }) => {
      let out: Buffer | null = null
      let exception: number | undefined
      if (outcome.kind === 'reply') out = outcome.pdu
      else if (outcome.kind === 'exception') {
        out = outcome.pdu
        exception = outcome.exception
      } else {
        exception = outcome.kind === 'refused' ? outcome.exception : outcome.kind === 'dropped' ? undefined : outcomeException(outcome, policyException(this.config.policies.noResponse))
        if (exception !== undefined) out = encodeResponse({ function: code, exception })
      }
      if (unit === 0 && serialFramed) out = null
      reply(out)
      // The event is built only for someone listening (the monitor, the benches): not on the hot path otherwise.
      if (this.listenerCount('transaction') === 0) return
      const timing = 'timing' in outcome ? outcome.timing : undefined
      this.emit('transaction', {
        time: Date.now(),
        client,
        unit,
        bus,
        request: pdu,
        reply: out ?? undefined,
        outcome: outcome.kind,
        exception,
        reason: 'reason' in outcome ? outcome.reason : undefined,
        latencyMs: performance.now() - started,
        queuedMs: timing?.queuedMs ?? 0,
        busMs: timing?.busMs ?? 0,
      } satisfies TransactionEvent)
    }
    const who = this.principals.get(client)
    const d = this.router.decide(unit, pdu, who)
    if (d.kind === 'refuse') {
      if (d.denied && this.listenerCount('denied') > 0) this.emit('denied', { client, unit, code, who: who ?? {}, reason: d.reason } satisfies DeniedEvent)
      return done(undefined, { kind: 'refused', exception: d.exception, reason: d.reason })
    }
    if (d.kind === 'drop') return done(undefined, { kind: 'dropped', reason: d.reason })
    if (d.kind === 'forward') {
      const bus = this.buses.get(d.bus)!
      void bus.submit(client, d.unit, pdu, d.timeout).then((o) => done(d.bus, o))
      return
    }
    void Promise.all(d.buses.map((name) => this.buses.get(name)!.submit(client, 0, pdu))).then(() => {
      // The client asked for an answer to its broadcast: the write's own echo, when its reply is one.
      const rule = this.registry.facts(pdu).reply
      const echo = d.reply && rule.length !== undefined && rule.echo >= rule.length ? pdu.subarray(0, rule.length) : undefined
      done(undefined, echo ? { kind: 'reply', pdu: echo } : { kind: 'silent', reason: 'broadcast' })
    })
  }

  /** Stops listening, closes every client connection and every bus. */
  async close(): Promise<void> {
    await Promise.all(this.upstream.map((l) => l.close()))
    await Promise.all([...this.buses.values()].map((b) => b.close()))
  }
}
