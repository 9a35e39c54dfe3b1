/**
 * Decoding the bytes a report shows (a request sent, a reply expected or received, a stray frame)
 * back into words: core's framer for the run's framing finds the frame, and core's registry
 * decodes the PDU. Report files are input like any other, so nothing here throws: bytes that do
 * not decode say why.
 */
import {
  createFramer,
  createRtuFramer,
  decodeRequest,
  decodeResponse,
  EXCEPTION_FLAG,
  exceptionName,
  FRAMER_KINDS,
  hex,
  type Adu,
  type FramerKind,
  type Message,
} from '../../core/index.ts'

/** What the bytes of one side decode to. */
export type Decoded =
  | { ok: true; unit: number; tid: number | null; pdu: Buffer; text: string }
  | { ok: false; reason: string }

/** Which way the bytes went: a request to the device, or something the device sent. */
export type Direction = 'request' | 'response'

const MAX_LISTED = 16
const HEX_ONLY = /^[0-9a-f\s]*$/i

/** Bytes from spaced hex, or a reason they are not bytes. */
export function bytesOf(hexText: string): Buffer | string {
  if (!HEX_ONLY.test(hexText)) return 'not hex'
  const digits = hexText.replace(/\s+/g, '')
  if (digits.length % 2 !== 0) return `an odd number of hex digits (${digits.length})`
  return Buffer.from(digits, 'hex')
}

/**
 * Decodes one ADU written as hex for `framer` (tcp, rtu, ascii, binary). For a reply, `requestHex`
 * (the request it answers) lets an RTU framer size replies whose content cannot tell their length.
 * The result names the unit, the MBAP transaction id and the decoded PDU, or why it does not decode.
 */
export function decodeAdu(hexText: string, framer: string, direction: Direction, requestHex?: string | null): Decoded {
  const bytes = bytesOf(hexText)
  if (typeof bytes === 'string') return { ok: false, reason: bytes }
  if (bytes.length === 0) return { ok: false, reason: 'no bytes' }
  if (!(FRAMER_KINDS as readonly string[]).includes(framer)) return { ok: false, reason: `unknown framing "${framer}"` }
  const frames = findFrames(bytes, framer as FramerKind, direction, requestHex)
  if (typeof frames === 'string') return { ok: false, reason: frames }
  const [adu, ...more] = frames.adus
  if (!adu) return { ok: false, reason: frames.errors[0] ?? `no ${framer} frame in ${bytes.length} bytes` }
  const pdu = decodePdu(adu.pdu, direction)
  const problems = [...frames.errors, ...(more.length ? [more.length === 1 ? 'a second frame follows' : `${more.length} more frames follow`] : [])]
  if (!pdu.ok) return { ok: false, reason: [pdu.reason, ...problems].join('; ') }
  if (problems.length) return { ok: false, reason: `${problems.join('; ')} (the first frame: ${pdu.text})` }
  return { ok: true, unit: adu.unit, tid: framer === 'tcp' ? adu.tid : null, pdu: adu.pdu, text: pdu.text }
}

function findFrames(bytes: Buffer, kind: FramerKind, direction: Direction, requestHex?: string | null): { adus: Adu[]; errors: string[] } | string {
  const adus: Adu[] = []
  const errors: string[] = []
  const sink = {
    frame: (adu: Adu) => adus.push({ ...adu, pdu: Buffer.from(adu.pdu), raw: Buffer.from(adu.raw) }),
    error: (err: Error) => errors.push(err.message),
  }
  try {
    if (kind === 'rtu') {
      const rtu = createRtuFramer({ expect: direction, probe: true })
      const request = requestHex ? decodeAdu(requestHex, 'rtu', 'request') : null
      if (request?.ok) rtu.expectReplyTo(request.pdu)
      rtu.push(bytes, sink)
      rtu.end(sink)
    } else {
      const f = createFramer(kind, { expect: direction })
      f.push(bytes, sink)
      f.end(sink)
    }
  } catch (err) {
    return (err as Error).message
  }
  return { adus, errors }
}

/** A PDU in words: the message the registry decodes, or why it does not decode. */
export function decodePdu(pdu: Buffer, direction: Direction): { ok: true; text: string } | { ok: false; reason: string } {
  try {
    return { ok: true, text: describeMessage(direction === 'request' ? decodeRequest(pdu) : decodeResponse(pdu)) }
  } catch (err) {
    const fc = pdu[0] ?? 0
    const what = direction === 'response' && fc & EXCEPTION_FLAG ? `exception reply to ${hex(fc & ~EXCEPTION_FLAG)}` : `${hex(fc)} ${direction}`
    return { ok: false, reason: `the ${what} PDU: ${(err as Error).message}` }
  }
}

/** A decoded message as `name · field value · …`; an exception reply as `exception 0x02 illegalDataAddress to …`. */
export function describeMessage(m: Message): string {
  const { function: fn, ...fields } = m as Message & Record<string, unknown>
  if ('exception' in fields && typeof fields.exception === 'number') {
    return `exception ${hex(fields.exception)} ${exceptionName(fields.exception)} to ${typeof fn === 'number' ? hex(fn) : fn}`
  }
  const parts = Object.entries(fields).map(([k, v]) => `${k} ${value(v)}`)
  return [typeof fn === 'number' ? `function ${hex(fn)}` : fn, ...parts].join(' · ')
}

function value(v: unknown): string {
  if (typeof v === 'number') return String(v)
  if (typeof v === 'boolean') return v ? 'on' : 'off'
  if (typeof v === 'string') return JSON.stringify(v)
  if (Buffer.isBuffer(v)) return v.toString('hex')
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === 'boolean')) return `[${v.slice(0, MAX_LISTED * 4).map((x) => (x ? '1' : '0')).join('')}${more(v.length, MAX_LISTED * 4)}]`
    return `[${v.slice(0, MAX_LISTED).map(value).join(', ')}${more(v.length, MAX_LISTED)}]`
  }
  if (v && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${k} ${value(x)}`).join(', ')}}`
  return String(v)
}

function more(length: number, shown: number): string {
  return length > shown ? ` … ${length - shown} more` : ''
}
