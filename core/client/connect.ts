/**
 * Builds a client for any address of the grammar: tcp://, udp://, rtu+tcp://, rtu://, ascii://, binary://.
 */
import { ArgumentError } from '../errors.ts'
import { parseAddress, isSerial, framerKindOf, type Address } from '../transport/address.ts'
import { bitsPerCharacter, t35Us } from '../transport/line-timing.ts'
import { openSerialLink } from '../transport/serial.ts'
import { connectTcp, socketLink } from '../transport/tcp-link.ts'
import type { ByteLink } from '../transport/link.ts'
import type { BackoffOptions } from './reconnect.ts'
import { ModbusClient, type ClientOptions } from './client.ts'
import { MbapChannel } from './mbap-channel.ts'
import { SerialChannel } from './serial-channel.ts'

/** Options of connectClient. */
export interface ConnectOptions extends ClientOptions {
  /** TCP connect timeout, ms. */
  connectTimeout?: number
  backoff?: BackoffOptions
  /** Serial lines: pause after a broadcast, ms. */
  broadcastDelayMs?: number
  /** Serial lines: use this link opener instead of opening the port (virtual lines, tests). */
  open?: () => Promise<ByteLink>
}

/** A client for `address`. Connections are made lazily, on the first request. */
export function connectClient(address: string | Address, options: ConnectOptions = {}): ModbusClient {
  const a = typeof address === 'string' ? parseAddress(address) : address
  if (a.kind === 'tcp' || a.kind === 'udp') {
    const channel = new MbapChannel({ host: a.host, port: a.port, transport: a.kind, connectTimeout: options.connectTimeout, backoff: options.backoff })
    return new ModbusClient(channel, options)
  }
  if (a.kind === 'rtu+tcp') {
    const label = `rtu+tcp://${a.host}:${a.port}`
    const channel = new SerialChannel({
      label,
      framing: 'rtu',
      probe: true,
      silenceMs: 2,
      broadcastDelayMs: options.broadcastDelayMs,
      registry: options.registry,
      backoff: options.backoff,
      open: options.open ?? (async () => socketLink(await connectTcp(a.host, a.port, options.connectTimeout ?? 3000), label)),
    })
    return new ModbusClient(channel, { retries: 0, ...options })
  }
  if (!isSerial(a)) throw new ArgumentError(`unsupported address kind ${(a as Address).kind}`)
  const channel = new SerialChannel({
    label: `${a.kind}://${a.path}`,
    framing: framerKindOf(a) as 'rtu' | 'ascii' | 'binary',
    silenceMs: Math.max(2, t35Us(a.baud, bitsPerCharacter(a)) / 1000),
    gapMs: t35Us(a.baud, bitsPerCharacter(a)) / 1000,
    broadcastDelayMs: options.broadcastDelayMs,
    registry: options.registry,
    backoff: options.backoff,
    open: options.open ?? (() => openSerialLink(a)),
  })
  return new ModbusClient(channel, { retries: 2, ...options })
}
