/**
 * A unit a server answers by asking another device: the request PDU goes to `forward`, and what it
 * resolves with is sent back as the reply PDU (null: no reply, as for a broadcast or a request the
 * remote side dropped). What carries it — a gateway bus, a client — is the caller's; the server only
 * hands over bytes, so a function code the server itself does not know passes through too.
 */
import type { PduWriter } from '../pdu/codec.ts'

/** Forwards request PDUs for one unit. `forward` must not reject: it answers with an exception PDU instead. */
export interface RemoteUnit {
  /** Sends `pdu` (the request, function code first) on; `broadcast`: unit 0 on a serial line, nothing comes back. */
  forward(pdu: Buffer, broadcast: boolean): Promise<Buffer | null>
}

/** Writes a reply PDU a remote unit returned, as it came. */
function bytesWriter(pdu: Buffer): PduWriter {
  return {
    size: pdu.length,
    write(buf, offset) {
      pdu.copy(buf, offset)
      return offset + pdu.length
    },
  }
}

/** The reply a remote unit's forward resolves with, as the server's writer (or null for no reply). */
export async function forwardToRemote(remote: RemoteUnit, pdu: Buffer, broadcast: boolean): Promise<PduWriter | null> {
  const reply = await remote.forward(Buffer.from(pdu), broadcast)
  return reply && !broadcast ? bytesWriter(reply) : null
}
