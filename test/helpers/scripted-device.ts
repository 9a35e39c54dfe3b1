/**
 * A scripted RTU device on a PTY end: it records every request frame that reaches the wire and
 * answers as the test says — a reply PDU, raw bytes (a bad CRC, say), or nothing.
 */
import { createRtuFramer, parseAddress, type SerialAddress } from '../../core/index.ts'
import { openSerialLink } from '../../core/transport/serial.ts'
import { type ByteLink } from '../../core/transport/link.ts'

/** What the device does with a request: a reply PDU, raw bytes to send as they are, or silence. */
export type Script = (request: { unit: number; pdu: Buffer; raw: Buffer }) => { pdu: Buffer } | { raw: Buffer } | null

/** A running scripted device. */
export interface ScriptedDevice {
  requests: { unit: number; pdu: Buffer; raw: Buffer }[]
  script: Script
  close(): Promise<void>
}

/** Opens `path` as an RTU line and serves it with `script` (changeable later through `.script`). */
export async function scriptedDevice(path: string, script: Script, baud = 19200): Promise<ScriptedDevice> {
  const link: ByteLink = await openSerialLink(parseAddress(`rtu://${path}?baud=${baud}`) as SerialAddress)
  const framer = createRtuFramer({ expect: 'request', probe: true })
  const device: ScriptedDevice = {
    requests: [],
    script,
    close: () => link.close(),
  }
  link.onData((chunk) =>
    framer.push(chunk, {
      frame(adu) {
        const request = { unit: adu.unit, pdu: Buffer.from(adu.pdu), raw: Buffer.from(adu.raw) }
        device.requests.push(request)
        const answer = device.script(request)
        if (!answer) return
        void link.write('raw' in answer ? answer.raw : framer.encode(adu.unit, answer.pdu)).catch(() => {})
      },
      error() {},
    }),
  )
  return device
}
