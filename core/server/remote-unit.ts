/**
 * Remote units: units a server answers by asking another device. A remote line is whatever carries
 * requests to the other devices (a gateway bus, a client); a remote unit is a unit id on such a
 * line. The server hands over bytes only, so a function code it does not know itself passes too.
 * Several remote units may share one line; a serial broadcast goes once to each line, as unit 0.
 */
import type { PduWriter } from '../pdu/codec.ts'

/** Carries request PDUs to devices elsewhere. `forward` must not reject: it answers with an exception PDU instead. */
export interface RemoteLine {
  /** Sends `pdu` (the request, function code first) to `unit` on the line (0: broadcast); resolves with the reply PDU, or null for none. */
  forward(unit: number, pdu: Buffer): Promise<Buffer | null>
}

/** A unit of a server that `unit` on `line` answers. */
export interface RemoteUnit {
  line: RemoteLine
  unit: number
}

/** Writes a reply PDU a remote device returned, as it came. */
function bytesWriter(pdu: Buffer): PduWriter {
  return {
    size: pdu.length,
    write(buf, offset) {
      pdu.copy(buf, offset)
      return offset + pdu.length
    },
  }
}

/** Forwards a request to a remote unit; resolves with the reply as the server's writer (or null for no reply). */
export async function forwardToRemote(remote: RemoteUnit, pdu: Buffer): Promise<PduWriter | null> {
  const reply = await remote.line.forward(remote.unit, Buffer.from(pdu))
  return reply ? bytesWriter(reply) : null
}

/** Forwards a broadcast once to each line (no reply). */
export function broadcastToLines(lines: Iterable<RemoteLine>, pdu: Buffer): void {
  for (const line of lines) void line.forward(0, Buffer.from(pdu)).catch(() => {})
}
