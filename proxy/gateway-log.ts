/**
 * What a gateway tells its operator: buses going down and coming back with the reason, timeouts
 * and stray frames (rate-limited: at most one line per bus and kind per interval, with the count of
 * lines held back), refused connections (access list, limits, TLS handshake, certificate, missing
 * role), requests denied by an access list or a role (with the certificate's subject; at most one
 * line per client identity and interval), and client connects and disconnects at debug.
 */
import type { Logger } from 'pino'
import { hex, type ListenerClient } from '../core/index.ts'
import type { StrayRecord } from './bus.ts'
import type { DeniedEvent, Gateway } from './gateway.ts'

/** Lets one line through per key and interval; counts the rest. */
export class RateLimit {
  private readonly last = new Map<string, { at: number; held: number }>()
  /**
   * Keys past this many are pruned of those whose interval has ended (a scanner from many addresses
   * must not grow the map without bound); a pruned key's held-back count is not reported.
   */
  constructor(
    private readonly intervalMs: number,
    private readonly maxKeys = 1024,
  ) {}

  /** Keys currently remembered. */
  get size(): number {
    return this.last.size
  }

  /** The number of lines held back since the last one, or -1 when this one is held back too. */
  pass(key: string): number {
    const now = performance.now()
    if (this.last.size >= this.maxKeys && !this.last.has(key)) {
      for (const [k, e] of this.last) if (now - e.at >= this.intervalMs) this.last.delete(k)
    }
    const e = this.last.get(key)
    if (e && now - e.at < this.intervalMs) {
      e.held++
      return -1
    }
    this.last.set(key, { at: now, held: 0 })
    return e?.held ?? 0
  }
}

/** Logs a gateway's events; returns a function that stops it. */
export function attachGatewayLog(gateway: Gateway, log: Logger, intervalMs = 1000): () => void {
  const limit = new RateLimit(intervalMs)
  const onBus = (bus: string, state: string, reason: string) => {
    if (state === 'down') log.warn({ bus, reason }, `bus ${bus} is down: ${reason}; reopening in the background`)
    else log.info({ bus, reason }, `bus ${bus} is up (${reason})`)
  }
  const onTimeout = (bus: string, unit: number, reason: string) => {
    const held = limit.pass(`timeout:${bus}`)
    if (held >= 0) log.warn({ bus, unit, held }, `bus ${bus}: ${reason}${held ? ` (${held} more since the last line)` : ''}`)
  }
  const onStray = (bus: string, s: StrayRecord) => {
    const held = limit.pass(`stray:${bus}`)
    if (held >= 0) log.debug({ bus, unit: s.unit, frame: s.hex, held }, `bus ${bus}: stray frame from unit ${s.unit} discarded (${s.hex}): ${s.reason}`)
  }
  const onClient = (what: string, c: ListenerClient) =>
    log.debug(
      { client: c.id, remote: c.remote, transport: c.transport, ...(c.peer ? { subject: c.peer.subject, role: c.peer.role } : {}) },
      `client ${c.id} ${what === 'connect' ? 'connected from' : 'disconnected:'} ${c.remote}${c.peer?.subject ? ` (${c.peer.subject})` : ''}`,
    )
  const onDenied = (d: DeniedEvent) => {
    const held = limit.pass(`denied:${d.who.subject ?? d.who.address ?? d.client}`)
    if (held < 0) return
    const fields = { client: d.client, remote: d.who.remote, subject: d.who.subject, role: d.who.role, unit: d.unit, function: hex(d.code), held }
    log.warn(fields, `request denied (exception 01): ${d.reason}${held ? ` (${held} more since the last line)` : ''}`)
  }
  const onRefused = (remote: string, why: string) => {
    const held = limit.pass('refused')
    if (held >= 0) log.warn({ remote, held }, `connection from ${remote} refused: ${why}`)
  }
  gateway.on('bus', onBus)
  gateway.on('timeout', onTimeout)
  gateway.on('stray', onStray)
  gateway.on('client', onClient)
  gateway.on('refused', onRefused)
  gateway.on('denied', onDenied)
  return () => {
    gateway.off('denied', onDenied)
    gateway.off('bus', onBus)
    gateway.off('timeout', onTimeout)
    gateway.off('stray', onStray)
    gateway.off('client', onClient)
    gateway.off('refused', onRefused)
  }
}
