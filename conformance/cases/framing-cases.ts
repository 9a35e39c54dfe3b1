/**
 * Frame-level cases. Serial lines (SL §2.5): a bad checksum and another unit's address draw
 * silence, a broadcast write is executed silently, garbage before a frame and a frame split with
 * gaps inside t1.5 are accepted. Modbus TCP (MBAP, Messaging Implementation Guide §3.1.3): the
 * transaction id (all 16 bits) and the unit id are echoed, a protocol id other than 0 and an
 * impossible length draw no reply.
 */
import { encodeRequest, EXCEPTION_CODES, EXCEPTION_FLAG, FUNCTION_CODES, hex, type FramerKind } from '../../core/index.ts'

import { expectBytes, expectSilence, missingReply, outcome, send, sendRaw, type CaseContext, type CaseDefinition, type CaseOutcome } from './case.ts'

const READ_ONE = (address = 0) => encodeRequest({ function: 'readHoldingRegisters', address, quantity: 1 })

/** The reads a framing case may use, in order of preference, with the table each reads. */
const READS = [
  ['readHoldingRegisters', 'holdingRegisters'],
  ['readInputRegisters', 'inputRegisters'],
  ['readCoils', 'coils'],
] as const

function firstReadable(ctx: CaseContext): { pdu: Buffer; fc: number } | null {
  for (const [fn, table] of READS) {
    const range = ctx.profile.readable[table]?.[0]
    const fc = FUNCTION_CODES[fn]
    if (ctx.profile.functions.includes(fc) && range) return { pdu: encodeRequest({ function: fn, address: range[0], quantity: 1 }), fc }
  }
  return null
}

function skip(why: string) {
  return outcome('skip', null, why, null, why)
}

type Readable = { pdu: Buffer; fc: number }

/** Runs `check` with a request for something the profile says is readable, or skips the case. */
function withReadable(check: (ctx: CaseContext, req: Readable) => Promise<CaseOutcome>): (ctx: CaseContext) => Promise<CaseOutcome> {
  return async (ctx) => {
    const req = firstReadable(ctx)
    return req ? check(ctx, req) : skip('the profile claims nothing readable')
  }
}

/** An ADU whose checksum no longer matches: one bit of the last data character changed after framing. */
function corrupt(kind: FramerKind, adu: Buffer): Buffer {
  const bad = Buffer.from(adu)
  if (kind === 'ascii') bad[bad.length - 5] = bad[bad.length - 5] === 0x31 ? 0x32 : 0x31
  else if (kind === 'rtu') bad[bad.length - 3] ^= 0x01
  else bad[bad.length - 4] ^= 0x01
  return bad
}

function answered(adu: Buffer, reply: Awaited<ReturnType<typeof send>>['exchange'], fc: number, what: string) {
  const r = reply.reply
  const ok = r !== null && (r.pdu[0] === fc || r.pdu[0] === (fc | EXCEPTION_FLAG))
  return outcome(ok ? 'pass' : 'fail', adu, what, reply, ok ? null : r ? `reply function ${r.pdu[0]}` : (missingReply(reply) ?? 'no reply'))
}

const serialCases: CaseDefinition[] = [
  {
    id: 'frame.serial.bad-checksum-silent',
    title: 'a frame with a bad CRC / LRC draws no reply',
    spec: 'SL §2.5.1.2, §2.5.2.2',
    severity: 'must',
    level: 'interop',
    category: 'framing',
    functionCode: null,
    run: withReadable(async (ctx, req) => {
      const adu = corrupt(ctx.target.framer, ctx.target.frame(ctx.unit, req.pdu))
      const ex = await sendRaw(ctx, adu, { unit: ctx.unit, pdu: req.pdu, tid: undefined }, { silence: true })
      return expectSilence(adu, ex, 'a receiver drops a frame whose checksum fails')
    }),
  },
  {
    id: 'frame.serial.other-unit-silent',
    title: "a frame for another unit's address draws no reply",
    spec: 'SL §2.2',
    severity: 'must',
    level: 'interop',
    category: 'framing',
    functionCode: null,
    run: withReadable(async (ctx, req) => {
      const other = ctx.unit === 247 ? 246 : 247
      const { adu, exchange } = await send(ctx, req.pdu, { unit: other, silence: true })
      return expectSilence(adu, exchange, `unit ${other} is another device on the bus`)
    }),
  },
  {
    id: 'frame.serial.broadcast-write',
    title: 'a broadcast write draws no reply and takes effect',
    spec: 'SL §2.1, §6 (broadcast)',
    severity: 'must',
    level: 'interop',
    category: 'framing',
    functionCode: FUNCTION_CODES.writeSingleRegister,
    async run(ctx) {
      const hr = ctx.profile.writable.holdingRegisters?.[0]
      const claimed = [FUNCTION_CODES.writeSingleRegister, FUNCTION_CODES.readHoldingRegisters].every((fc) => ctx.profile.functions.includes(fc))
      if (!claimed || !hr) return skip('needs 06, 03 and a writable holding register')
      const address = hr[0]
      const value = 0x5a00 | (Date.now() & 0xff)
      const { adu, exchange: ex } = await send(ctx, encodeRequest({ function: 'writeSingleRegister', address, value }), { unit: 0, silence: true })
      if (ex.bytesReceived > 0) return outcome('fail', adu, 'no reply to unit 0', ex, 'the device answered a broadcast')
      const back = await send(ctx, READ_ONE(address))
      const got = back.exchange.reply?.pdu
      const ok = got !== undefined && got.length === 4 && got.readUInt16BE(2) === value
      const expected = expectBytes(ctx, back.exchange, Buffer.from([FUNCTION_CODES.readHoldingRegisters, 2, value >> 8, value & 0xff]), `silence, then register ${address} reads ${value}`)
      return outcome(ok ? 'pass' : 'fail', back.adu, expected, back.exchange, ok ? null : 'the broadcast write did not take effect')
    },
  },
  {
    id: 'frame.serial.garbage-before-frame',
    title: 'garbage followed by silence and a valid frame: the frame is answered',
    spec: 'SL §2.5.1.1, §2.5.2.1',
    severity: 'must',
    level: 'interop',
    category: 'framing',
    functionCode: null,
    run: withReadable(async (ctx, req) => {
      const garbage = ctx.target.framer === 'ascii' ? Buffer.from('zz\r\n', 'latin1') : Buffer.from([0x00, 0xff, 0x55])
      const adu = ctx.target.frame(ctx.unit, req.pdu)
      const ex = await sendRaw(ctx, [garbage, adu], { unit: ctx.unit, pdu: req.pdu, tid: undefined }, { chunkGapMs: 3 * (ctx.target.t35Ms ?? 2) })
      return answered(Buffer.concat([garbage, adu]), ex, req.fc, 'the valid frame is answered')
    }),
  },
  {
    id: 'frame.serial.split-within-t15',
    title: 'a frame arriving in pieces with gaps inside t1.5 is accepted',
    spec: 'SL §2.5.1.1',
    severity: 'must',
    level: 'interop',
    category: 'framing',
    functionCode: null,
    run: withReadable(async (ctx, req) => {
      const adu = ctx.target.frame(ctx.unit, req.pdu)
      const third = Math.ceil(adu.length / 3)
      const pieces = [adu.subarray(0, third), adu.subarray(third, 2 * third), adu.subarray(2 * third)]
      const ex = await sendRaw(ctx, pieces, { unit: ctx.unit, pdu: req.pdu, tid: undefined }, { chunkGapMs: (ctx.target.t15Ms ?? 0.75) / 2 })
      // A busy host can hold the runner past t3.5 between two pieces: the device then rightly drops the
      // frame, so the case says it could not be run as meant rather than blame the device.
      const worst = Math.max(0, ...(ex.sendGapsMs ?? []))
      if (!ex.reply && ctx.target.t35Ms !== null && worst > ctx.target.t35Ms) {
        return outcome('skip', adu, 'the frame is answered', ex, `the runner's host held the pieces ${worst.toFixed(1)} ms apart, past t3.5 (${ctx.target.t35Ms.toFixed(2)} ms): not the gap this case needs`)
      }
      return answered(adu, ex, req.fc, 'the frame is answered')
    }),
  },
]

function mbap(tid: number, pid: number, length: number, unit: number, pdu: Buffer): Buffer {
  const head = Buffer.from([tid >> 8, tid & 0xff, pid >> 8, pid & 0xff, length >> 8, length & 0xff, unit])
  return Buffer.concat([head, pdu])
}

/** What a gateway answers for a unit it cannot reach (§7: 0A, 0B). */
const GATEWAY_EXCEPTIONS: readonly number[] = [EXCEPTION_CODES.gatewayPathUnavailable, EXCEPTION_CODES.gatewayTargetFailedToRespond]

const mbapCases: CaseDefinition[] = [
  {
    id: 'frame.mbap.transaction-id-echoed',
    title: 'transaction ids above 255 are echoed in full',
    spec: 'MB TCP guide §3.1.3',
    severity: 'must',
    level: 'interop',
    category: 'framing',
    functionCode: null,
    run: withReadable(async (ctx, req) => {
      for (const tid of [0x0100, 0x1234, 0xfffe]) {
        const adu = mbap(tid, 0, req.pdu.length + 1, ctx.unit, req.pdu)
        const ex = await sendRaw(ctx, adu, { unit: ctx.unit, pdu: req.pdu, tid })
        const other = ex.mismatched[0]
        if (!ex.reply) return outcome('fail', adu, `a reply with transaction id ${tid}`, ex, other ? `transaction id ${other.tid} in the reply` : (missingReply(ex) ?? 'no reply'))
      }
      return outcome('pass', null, 'transaction ids 0x0100, 0x1234, 0xFFFE echoed', null, null)
    }),
  },
  {
    id: 'frame.mbap.unit-id-echoed',
    title: "the reply carries the request's unit id",
    spec: 'MB TCP guide §3.1.3',
    severity: 'must',
    level: 'interop',
    category: 'framing',
    functionCode: null,
    run: withReadable(async (ctx, req) => {
      const { adu, exchange } = await send(ctx, req.pdu)
      const ok = exchange.reply?.unit === ctx.unit
      return outcome(ok ? 'pass' : 'fail', adu, `unit id ${ctx.unit} in the reply`, exchange, ok ? null : exchange.reply ? `unit id ${exchange.reply.unit}` : (missingReply(exchange) ?? 'no reply'))
    }),
  },
  {
    id: 'frame.mbap.protocol-id-dropped',
    title: 'a frame with protocol id 1 draws no reply',
    spec: 'MB TCP guide §3.1.3 (protocol identifier 0 = Modbus)',
    severity: 'must',
    level: 'interop',
    category: 'framing',
    functionCode: null,
    run: withReadable(async (ctx, req) => {
      const adu = mbap(0x0042, 1, req.pdu.length + 1, ctx.unit, req.pdu)
      const ex = await sendRaw(ctx, adu, { unit: ctx.unit, pdu: req.pdu, tid: 0x0042 }, { silence: true })
      return expectSilence(adu, ex, 'the frame is not Modbus')
    }),
  },
  {
    id: 'frame.mbap.impossible-length',
    title: 'an MBAP length of 1 draws no reply',
    spec: 'MB TCP guide §3.1.3 (length = unit id + PDU, at least 2)',
    severity: 'should',
    level: 'interop',
    category: 'framing',
    functionCode: null,
    async run(ctx) {
      const adu = Buffer.from([0x00, 0x43, 0x00, 0x00, 0x00, 0x01, ctx.unit])
      const ex = await sendRaw(ctx, adu, { unit: ctx.unit, pdu: undefined, tid: 0x0043 }, { silence: true })
      return expectSilence(adu, ex, 'no PDU fits a length of 1')
    },
  },
  {
    id: 'frame.mbap.unknown-unit-refused',
    title: `a unit id the device does not serve is refused (${GATEWAY_EXCEPTIONS.map((c) => hex(c)).join('/')}) or ignored`,
    spec: 'MB TCP guide §4.4.1 (unit identifier), §7 (0A, 0B)',
    severity: 'should',
    level: 'strict',
    category: 'framing',
    functionCode: null,
    run: withReadable(async (ctx, req) => {
      const other = ctx.unit === 247 ? 246 : 247
      const { adu, exchange } = await send(ctx, req.pdu, { unit: other })
      const r = exchange.reply
      const ok = !r || (r.pdu[0] === (req.fc | EXCEPTION_FLAG) && GATEWAY_EXCEPTIONS.includes(r.pdu[1]))
      return outcome(ok ? 'pass' : 'fail', adu, `exception ${GATEWAY_EXCEPTIONS.map((c) => hex(c)).join('/')} or silence for unit ${other}`, exchange, ok ? null : 'the device answered for a unit it does not serve (tolerated at interop level)')
    }),
  },
]

/** Framing cases for a target kind. */
export function framingCases(kind: 'serial' | 'mbap' | 'rtu-stream'): CaseDefinition[] {
  if (kind === 'serial') return serialCases
  if (kind === 'mbap') return mbapCases
  return serialCases.filter((c) => c.id === 'frame.serial.bad-checksum-silent' || c.id === 'frame.serial.other-unit-silent')
}

