/**
 * `proxy --capture FILE`: both sides of the gateway in one pcapng file that Wireshark and tshark
 * open with no option.
 *
 * - Interface 0, "clients": every client's requests and the gateway's replies as Modbus/TCP in
 *   synthetic Ethernet/IPv4/TCP — the handshake when the client connects, the close when it goes,
 *   the gateway on port 502 (so the mbtcp dissector decodes it), the client at its real address
 *   and port where that is IPv4. UDP clients get UDP datagrams. Transaction ids are the capture's
 *   own (one sequence per client, each reply with its request's id), since the gateway forwards
 *   PDUs, not frames. Replies carry the bus they came from; replies the gateway made itself (0x0A,
 *   0x0B, 0x01) carry the outcome and the reason; a request that got no reply carries it on a bare ACK.
 * - One interface per bus, "bus <name>": every frame the bus sent (each attempt: retries carry
 *   "retry n") and received — replies, stray frames ("stray: why"), bytes that formed no frame
 *   ("framing error: why"). Serial and RTU-over-TCP buses are recorded as Modbus RTU exported PDUs
 *   (see core/capture/line-recorder.ts; ASCII and Binary frames shown as RTU, the wire form in the
 *   comment); Modbus TCP buses as the MBAP frames sent, in synthetic TCP (UDP) to port 502.
 *
 * Nothing here is on the gateway's path when no capture runs: the bus taps and the gateway's
 * 'request' event exist only while attached. Writing never blocks or throws (core/capture/capture-file.ts).
 */
import { createTcpFramer, formatAddress, isSerial, type ListenerClient } from '../core/index.ts'
import { CaptureFile, type CaptureFileOptions } from '../core/capture/capture-file.ts'
import { ipv4Of, parseIpv4, type Endpoint } from '../core/capture/ip-packets.ts'
import { LineRecorder, RTU_CAPTURE_PORT } from '../core/capture/line-recorder.ts'
import { LINKTYPE } from '../core/capture/pcapng.ts'
import type { SerialFraming } from '../core/capture/serial-frames.ts'
import { MBTCP_PORT, TcpStreamRecorder } from '../core/capture/stream-recorder.ts'
import type { WireTap } from '../core/client/channel.ts'
import type { Bus } from './bus.ts'
import type { Gateway, TransactionEvent } from './gateway.ts'

/** What the capture of a gateway needs beyond the file. */
export type GatewayCaptureOptions = CaptureFileOptions

/** The gateway's address when it listens on every interface (0.0.0.0, ::) or on a name. */
const GATEWAY_STAND_IN = ipv4Of(10, 255, 255, 254)

/** One client's synthetic connection. */
interface ClientFlow {
  stream: TcpStreamRecorder
  nextTid: number
  closed: boolean
}

/** A request on its way, by the PDU Buffer the gateway's events share. */
interface InFlight {
  flow: ClientFlow
  tid: number
}

/** Opens the capture file (before the gateway starts, so a bad path stops the start). */
export function openGatewayCapture(path: string, options: GatewayCaptureOptions = {}): Promise<CaptureFile> {
  return CaptureFile.create(path, { application: 'modbridge proxy', ...options })
}

function endpointOf(remote: string, remoteAddress: string, fallback: number): Endpoint {
  const port = Number(remote.slice(remote.lastIndexOf(':') + 1))
  return { ip: parseIpv4(remoteAddress) ?? fallback, port: Number.isInteger(port) && port > 0 && port < 65536 ? port : 40000 }
}

/**
 * Starts recording a started gateway into `file`; returns the function that stops it (closing the
 * synthetic connections of clients still connected; the file stays open).
 */
export function attachGatewayCapture(gateway: Gateway, file: CaptureFile): () => void {
  const mbap = createTcpFramer()
  const clients = file.addInterface({
    linkType: LINKTYPE.ethernet,
    name: 'clients',
    description: `Modbus/TCP between the gateway (${gateway.listening.join(', ') || 'no listener'}) and its clients, as synthetic TCP/IP: the gateway is port ${MBTCP_PORT}; transaction ids are the capture's own`,
  })
  const flows = new Map<number, ClientFlow>()
  const inFlight = new Map<Buffer, InFlight>()
  const undo: (() => void)[] = []

  let line = 0
  for (const [name, bus] of gateway.buses) undo.push(tapBus(file, name, bus, ++line))

  const openFlow = (c: ListenerClient, listen: Endpoint | undefined, note: string): ClientFlow => {
    const client = endpointOf(c.remote, c.remoteAddress, ipv4Of(10, 254, (c.id >>> 8) & 0xff, c.id & 0xff))
    const server = { ip: listen?.ip ?? (client.ip === GATEWAY_STAND_IN ? ipv4Of(10, 255, 255, 253) : GATEWAY_STAND_IN), port: MBTCP_PORT }
    const stream = new TcpStreamRecorder(file, clients, client, server, c.transport === 'udp' ? 'udp' : 'tcp', 0x1000 + c.id * 0x10000)
    const flow: ClientFlow = { stream, nextTid: 1, closed: false }
    flows.set(c.id, flow)
    stream.open(note)
    return flow
  }
  const describe = (c: ListenerClient) => `client ${c.id} connected from ${c.remote} (${c.transport}${c.peer?.subject ? `, ${c.peer.subject}` : ''}${c.peer?.role ? `, role ${c.peer.role}` : ''})`

  gateway.upstream.forEach((listener, i) => {
    const a = gateway.config.listen[i]
    const host = a && !isSerial(a) ? parseIpv4(a.host) : undefined
    const listen = host !== undefined && host !== 0 ? { ip: host, port: MBTCP_PORT } : undefined
    const onConnect = (c: ListenerClient) => void openFlow(c, listen, describe(c))
    const onDisconnect = (c: ListenerClient) => {
      const flow = flows.get(c.id)
      if (!flow) return
      flows.delete(c.id)
      flow.closed = true
      flow.stream.close('client', `client ${c.id} disconnected`)
    }
    listener.on('connection', onConnect)
    listener.on('disconnect', onDisconnect)
    undo.push(() => {
      listener.off('connection', onConnect)
      listener.off('disconnect', onDisconnect)
    })
  })

  const flowOf = (client: number): ClientFlow =>
    flows.get(client) ??
    openFlow({ id: client, remote: '', remoteAddress: '', transport: 'tcp' }, undefined, `client ${client} (connected before the capture started)`)

  const sendRequest = (client: number, unit: number, pdu: Buffer): InFlight => {
    const flow = flowOf(client)
    const tid = flow.nextTid
    flow.nextTid = (flow.nextTid + 1) & 0xffff
    flow.stream.data('client', mbap.encode(unit, pdu, tid))
    return { flow, tid }
  }
  const onRequest = (client: number, unit: number, pdu: Buffer) => {
    inFlight.set(pdu, sendRequest(client, unit, pdu))
  }
  const onTransaction = (e: TransactionEvent) => {
    const sent = inFlight.get(e.request) ?? sendRequest(e.client, e.unit, e.request)
    inFlight.delete(e.request)
    if (sent.flow.closed) return
    const note = replyNote(e)
    if (e.reply) sent.flow.stream.data('server', mbap.encode(e.unit, e.reply, sent.tid), note)
    else sent.flow.stream.note('server', `no reply to transaction ${sent.tid}: ${note}`)
  }
  gateway.on('request', onRequest)
  gateway.on('transaction', onTransaction)
  undo.push(() => {
    gateway.off('request', onRequest)
    gateway.off('transaction', onTransaction)
  })

  // Stopping closes the connections still open, so every stream in the file ends.
  return () => {
    for (const u of undo.splice(0)) u()
    inFlight.clear()
    for (const [id, flow] of flows) {
      flow.closed = true
      flow.stream.close('server', `capture ended with client ${id} still connected`)
    }
    flows.clear()
  }
}

/** What the comment of a client-side reply says: the bus, or what the gateway decided and why. */
function replyNote(e: TransactionEvent): string {
  const took = `${e.latencyMs.toFixed(1)} ms`
  switch (e.outcome) {
    case 'reply':
      return e.bus ? `bus ${e.bus}, ${took}` : `gateway: reply (${e.reason ?? 'broadcast echo'})`
    case 'exception':
      return `bus ${e.bus}: exception ${e.exception} from the device, ${took}`
    default:
      return `gateway: ${e.outcome}${e.bus ? ` on bus ${e.bus}` : ''}${e.reason ? ` (${e.reason})` : ''}, ${took}`
  }
}

/** Sets a tap on a bus's channel recording into its own interface; returns the function that removes it. */
function tapBus(file: CaptureFile, name: string, bus: Bus, line: number): () => void {
  const address = bus.config.address
  const shown = formatAddress(address)
  let tap: WireTap
  if (address.kind === 'tcp' || address.kind === 'tls' || address.kind === 'udp') {
    const id = file.addInterface({
      linkType: LINKTYPE.ethernet,
      name: `bus ${name}`,
      description: `${shown}: the Modbus/TCP frames the gateway sent and received, in synthetic ${address.kind === 'udp' ? 'UDP' : 'TCP'}/IP to port ${MBTCP_PORT} (the gateway is 10.${line}.255.254)`,
    })
    const device = { ip: parseIpv4(address.host) ?? ipv4Of(10, line, 0, 1), port: MBTCP_PORT }
    const streams: TcpStreamRecorder[] = []
    const streamOf = (connection = 0) =>
      (streams[connection] ??= new TcpStreamRecorder(file, id, { ip: ipv4Of(10, line, 255, 254), port: 40000 + connection }, device, address.kind === 'udp' ? 'udp' : 'tcp', 0x2000 + connection * 0x10000))
    tap = (dir, raw, _unit, pdu, note, connection) => {
      if (dir === 'tx') streamOf(connection).data('client', raw, note)
      else streamOf(connection).data('server', raw, note === undefined ? undefined : pdu ? `stray: ${note}` : `framing error: ${note}`)
    }
  } else {
    const framing: SerialFraming = address.kind === 'rtu+tcp' ? 'rtu' : address.kind
    const id = file.addInterface({
      linkType: LINKTYPE.upperPdu,
      name: `bus ${name}`,
      description: `${shown}: ${framing.toUpperCase()} frames as Modbus RTU exported PDUs; the gateway is 10.${line}.255.254, unit u is 10.${line}.0.u (tshark -o mbrtu.tcp.port:${RTU_CAPTURE_PORT} labels queries and responses)`,
    })
    const recorder = new LineRecorder(file, id, framing, line)
    tap = (dir, raw, unit, pdu, note) => {
      if (dir === 'tx') recorder.record({ direction: 'request', raw, frame: pdu && { unit, pdu }, note: unit === 0 ? (note ? `broadcast; ${note}` : 'broadcast') : note })
      else recorder.record({ direction: 'reply', raw, frame: pdu && { unit, pdu }, note: note === undefined ? undefined : pdu ? `stray: ${note}` : `framing error: ${note}` })
    }
  }
  bus.channel.tap = tap
  return () => {
    if (bus.channel.tap === tap) bus.channel.tap = undefined
  }
}
