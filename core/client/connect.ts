/**
 * Builds a client for any address of the grammar: tcp://, udp://, tls://, rtu+tcp://, rtu://, ascii://, binary://.
 */
import { ArgumentError, type FrameError } from '../errors.ts'
import { parseAddress, isSerial, framerKindOf, type Address } from '../transport/address.ts'
import { bitsPerCharacter, t35Us } from '../transport/line-timing.ts'
import { openSerialLink } from '../transport/serial.ts'
import { connectTcp, socketLink } from '../transport/tcp-link.ts'
import type { ByteLink } from '../transport/link.ts'
import type { BackoffOptions } from './reconnect.ts'
import type { Channel, StrayHandler } from './channel.ts'
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

/** A channel that can tell whether its link is up (what connectClient builds). */
export type OpenChannel = Channel & { readonly connected: boolean }

/** Options of openChannel: connectClient's, plus stray-frame and framing-error reports. */
export interface ChannelOptions extends ConnectOptions {
  onStray?: StrayHandler
  onFrameError?: (err: FrameError) => void
  /** Serial lines: extra quiet time required after a timeout before the next request, ms (default 20). */
  guardMs?: number
}

/**
 * The transaction channel for `address`: pipelined MBAP on tcp://, udp:// and tls:// (MBAP inside
 * TLS, with the address's certificate, key and CA), one at a time on a line. allow= and deny=
 * restrict who may connect to a listener and mean nothing here: a listener's own address, as it
 * reports it, can be used as a target.
 */
export function openChannel(address: string | Address, options: ChannelOptions = {}): OpenChannel {
  const a = typeof address === 'string' ? parseAddress(address) : address
  if (a.kind === 'tcp' || a.kind === 'udp' || a.kind === 'tls') {
    return new MbapChannel({
      host: a.host,
      port: a.port,
      transport: a.kind,
      tls: a.tls,
      connectTimeout: options.connectTimeout,
      backoff: options.backoff,
      registry: options.registry,
      onStray: options.onStray,
    })
  }
  const common = {
    broadcastDelayMs: options.broadcastDelayMs,
    registry: options.registry,
    backoff: options.backoff,
    guardMs: options.guardMs,
    onStray: options.onStray,
    onFrameError: options.onFrameError,
  }
  if (a.kind === 'rtu+tcp') {
    const label = `rtu+tcp://${a.host}:${a.port}`
    return new SerialChannel({
      ...common,
      label,
      framing: 'rtu',
      probe: true,
      silenceMs: 2,
      open: options.open ?? (async () => socketLink(await connectTcp(a.host, a.port, options.connectTimeout ?? 3000), label)),
    })
  }
  if (!isSerial(a)) throw new ArgumentError(`unsupported address kind ${(a as Address).kind}`)
  return new SerialChannel({
    ...common,
    label: `${a.kind}://${a.path}`,
    framing: framerKindOf(a) as 'rtu' | 'ascii' | 'binary',
    silenceMs: Math.max(2, t35Us(a.baud, bitsPerCharacter(a)) / 1000),
    gapMs: t35Us(a.baud, bitsPerCharacter(a)) / 1000,
    open: options.open ?? (() => openSerialLink(a)),
  })
}

/**
 * A client for `address`. Connections are made lazily, on the first request. Retries default to 0
 * on network addresses, 2 on serial lines where a frame can be lost to noise.
 */
export function connectClient(address: string | Address, options: ConnectOptions = {}): ModbusClient {
  const a = typeof address === 'string' ? parseAddress(address) : address
  const channel = openChannel(a, options)
  const lineDefault = isSerial(a) ? 2 : 0
  return new ModbusClient(channel, { ...options, retries: options.retries ?? lineDefault })
}
