/**
 * One address grammar for every command and API:
 *
 *   tcp://host:port        Modbus TCP (MBAP)
 *   udp://host:port        Modbus over UDP (MBAP per datagram)
 *   rtu+tcp://host:port    RTU frames over a TCP stream
 *   tls://host:802?cert=c.pem&key=c.key&ca=ca.pem
 *                          Modbus/TCP Security: MBAP inside TLS (default port 802); tls-settings.ts
 *   any of the four ?allow=10.0.0.0/8,::1&deny=10.0.0.13
 *                          listeners: who may connect (access-list.ts)
 *   rtu:///dev/ttyUSB0?baud=19200&parity=E&stop=1&data=8
 *   ascii:///dev/ttyUSB0?…  binary:///dev/ttyUSB0?…
 *
 * Serial defaults follow the Serial Line guide §2.5: 19200 baud, even parity, one stop bit
 * (two when there is no parity), 8 data bits (7 for ASCII).
 */
import { ArgumentError } from '../errors.ts'
import type { FramerKind } from '../framers/types.ts'
import { parseAccessEntries, type AccessList } from './access-list.ts'
import { applyTlsKey, formatTlsSettings, MODBUS_TLS_PORT, TLS_KEYS, type TlsSettings } from './tls-settings.ts'

/** A network address. */
export interface NetworkAddress {
  kind: 'tcp' | 'udp' | 'rtu+tcp' | 'tls'
  host: string
  port: number
  /** tls:// only: certificate, key, CA and the rest (always present on a tls:// address, possibly empty). */
  tls?: TlsSettings
  /** Listeners: the client addresses allowed and denied; absent when none are given. */
  access?: AccessList
}

/** Parity names as serialport takes them. */
export type Parity = 'none' | 'even' | 'odd'

/** A serial port address. */
export interface SerialAddress {
  kind: 'rtu' | 'ascii' | 'binary'
  path: string
  baud: number
  parity: Parity
  stopBits: 1 | 2
  dataBits: 7 | 8
  /** Drive RTS high while transmitting (RS-485 adapters without automatic direction control). */
  rts: boolean
}

/** Any address. */
export type Address = NetworkAddress | SerialAddress

/** The grammar, as shown in error messages. */
export const ADDRESS_GRAMMAR = [
  'tcp://host:port | udp://host:port | rtu+tcp://host:port',
  'tls://host:802?cert=client.pem&key=client.key&ca=ca.pem&mutual=1&min=1.2&servername=name',
  'listeners, any network address: ?allow=10.0.0.0/8,::1&deny=10.0.0.13',
  'rtu:///dev/ttyX?baud=19200&parity=E&stop=1&data=8&rts=0 | ascii:///dev/ttyX?… | binary:///dev/ttyX?…',
].join('\n  ')

const DEFAULT_PORT = 502
const PARITIES: Record<string, Parity> = { n: 'none', none: 'none', e: 'even', even: 'even', o: 'odd', odd: 'odd' }
const BAUDS = new Set([300, 600, 1200, 2400, 4800, 9600, 14400, 19200, 38400, 57600, 76800, 115200, 230400, 460800, 921600])

function bad(text: string, why: string): never {
  throw new ArgumentError(`bad address ${JSON.stringify(text)}: ${why}. Addresses look like:\n  ${ADDRESS_GRAMMAR}`)
}

/** Parses an address; throws ArgumentError showing the grammar. */
export function parseAddress(text: string): Address {
  const m = /^([a-z+]+):\/\/(.*)$/i.exec(text.trim())
  if (!m) bad(text, 'no scheme')
  const scheme = m[1].toLowerCase()
  const rest = m[2]
  if (scheme === 'tcp' || scheme === 'udp' || scheme === 'rtu+tcp' || scheme === 'tls') {
    const q = rest.indexOf('?')
    const hp = /^(\[[0-9a-fA-F:.]+\]|[^:/?#[\]]+)(?::(\d+))?\/?$/.exec(q < 0 ? rest : rest.slice(0, q))
    if (!hp) bad(text, 'expected host:port')
    const host = hp[1].startsWith('[') ? hp[1].slice(1, -1) : hp[1]
    const port = hp[2] === undefined ? (scheme === 'tls' ? MODBUS_TLS_PORT : DEFAULT_PORT) : Number(hp[2])
    if (!(port >= 0 && port <= 65535)) bad(text, `port ${hp[2]} is outside 0..65535`)
    const out: NetworkAddress = { kind: scheme, host, port }
    if (scheme === 'tls') out.tls = {}
    for (const [key, value] of new URLSearchParams(q < 0 ? '' : rest.slice(q + 1))) networkOption(text, out, key, value)
    return out
  }
  if (scheme === 'rtu' || scheme === 'ascii' || scheme === 'binary') {
    const q = rest.indexOf('?')
    const path = q < 0 ? rest : rest.slice(0, q)
    if (!path.startsWith('/')) bad(text, 'a serial address names a device path, e.g. rtu:///dev/ttyUSB0')
    const params = new URLSearchParams(q < 0 ? '' : rest.slice(q + 1))
    const out: SerialAddress = { kind: scheme, path, baud: 19200, parity: 'even', stopBits: 1, dataBits: scheme === 'ascii' ? 7 : 8, rts: false }
    let stopGiven = false
    for (const [key, value] of params) {
      switch (key) {
        case 'baud': {
          const baud = Number(value)
          if (!BAUDS.has(baud)) bad(text, `baud ${value} is not one of ${[...BAUDS].join(', ')}`)
          out.baud = baud
          break
        }
        case 'parity': {
          const parity = PARITIES[value.toLowerCase()]
          if (!parity) bad(text, `parity ${value} is not N, E or O`)
          out.parity = parity
          break
        }
        case 'stop':
          if (value !== '1' && value !== '2') bad(text, `stop ${value} is not 1 or 2`)
          out.stopBits = Number(value) as 1 | 2
          stopGiven = true
          break
        case 'data':
          if (value !== '7' && value !== '8') bad(text, `data ${value} is not 7 or 8`)
          out.dataBits = Number(value) as 7 | 8
          break
        case 'rts':
          if (value !== '0' && value !== '1') bad(text, `rts ${value} is not 0 or 1`)
          out.rts = value === '1'
          break
        default:
          bad(text, `unknown option ${JSON.stringify(key)} (baud, parity, stop, data, rts)`)
      }
    }
    if (!stopGiven && out.parity === 'none') out.stopBits = 2
    if (scheme === 'rtu' && out.dataBits !== 8) bad(text, 'RTU needs 8 data bits (SL §2.5.1)')
    return out
  }
  return bad(text, `unknown scheme ${JSON.stringify(scheme)}`)
}

/** One query key of a network address. */
function networkOption(text: string, out: NetworkAddress, key: string, value: string): void {
  try {
    if (key === 'allow' || key === 'deny') {
      out.access = { ...out.access, [key]: [...(out.access?.[key] ?? []), ...parseAccessEntries(value)] }
      return
    }
    if (out.tls && applyTlsKey(out.tls, key, value)) return
  } catch (err) {
    bad(text, (err as Error).message)
  }
  const keys = out.tls ? ['allow', 'deny', ...TLS_KEYS] : ['allow', 'deny']
  bad(text, `unknown option ${JSON.stringify(key)} (${keys.join(', ')})`)
}

/** The canonical text of an address (network options included, so it parses back to the same address). */
export function formatAddress(a: Address): string {
  if (!isSerial(a)) {
    const query = [...(a.tls ? formatTlsSettings(a.tls) : [])]
    if (a.access?.allow?.length) query.push(`allow=${a.access.allow.join(',')}`)
    if (a.access?.deny?.length) query.push(`deny=${a.access.deny.join(',')}`)
    return `${a.kind}://${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}${query.length ? `?${query.join('&')}` : ''}`
  }
  const parity = a.parity === 'none' ? 'N' : a.parity === 'even' ? 'E' : 'O'
  return `${a.kind}://${a.path}?baud=${a.baud}&parity=${parity}&stop=${a.stopBits}&data=${a.dataBits}${a.rts ? '&rts=1' : ''}`
}

/** The framer an address speaks. */
export function framerKindOf(a: Address): FramerKind {
  if (a.kind === 'tcp' || a.kind === 'udp' || a.kind === 'tls') return 'tcp'
  if (a.kind === 'rtu+tcp') return 'rtu'
  return a.kind
}

/** True for serial-port addresses. */
export function isSerial(a: Address): a is SerialAddress {
  return a.kind === 'rtu' || a.kind === 'ascii' || a.kind === 'binary'
}
