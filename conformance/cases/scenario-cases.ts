/**
 * Scenario cases that need state: a write read back, the mask write formula, read/write multiple
 * ordering, FIFO and file records, device identification across more-follows, listen-only mode.
 * Each is skipped when the profile does not claim what it needs; writes go only where the profile
 * says the device is writable, and the original values are written back afterwards.
 */
import { encodeRequest, FUNCTION_CODES, MEI_READ_DEVICE_ID, READ_DEVICE_ID_CODES } from '../../core/index.ts'
import { expectBytes, expectSilence, outcome, send, type CaseContext, type CaseDefinition, type CaseOutcome } from './case.ts'
import { decodeAs, tryDecodeAs, type ResponseOf } from './decode-as.ts'
import { checkReply } from './reply-check.ts'
import { SUB_FUNCTIONS } from './sub-functions.ts'

function skip(why: string): CaseOutcome {
  return outcome('skip', null, why, null, why)
}

/** True when the profile claims every one of the functions. */
function claims(ctx: CaseContext, ...names: (keyof typeof FUNCTION_CODES)[]): boolean {
  return names.every((name) => ctx.profile.functions.includes(FUNCTION_CODES[name]))
}

async function readRegisters(ctx: CaseContext, address: number, quantity: number): Promise<number[] | null> {
  return (await readBack(ctx, address, quantity)).values
}

/** Reads holding registers; the exchange too, for the report. */
async function readBack(ctx: CaseContext, address: number, quantity: number) {
  const sent = await send(ctx, encodeRequest({ function: 'readHoldingRegisters', address, quantity }))
  return { ...sent, values: tryDecodeAs('readHoldingRegisters', sent.exchange.reply?.pdu)?.values ?? null }
}

/** The 03 reply PDU that carries `values`. */
function registersReply(values: number[]): Buffer {
  const pdu = Buffer.alloc(2 + 2 * values.length)
  pdu[0] = FUNCTION_CODES.readHoldingRegisters
  pdu[1] = 2 * values.length
  values.forEach((v, i) => pdu.writeUInt16BE(v, 2 + 2 * i))
  return pdu
}

const scenarios: CaseDefinition[] = [
  {
    id: 'scenario.holding-register-write-read-back',
    title: 'registers written with 10 read back with 03',
    spec: '§6.12, §6.3',
    severity: 'must',
    level: 'interop',
    category: 'scenario',
    functionCode: FUNCTION_CODES.writeMultipleRegisters,
    async run(ctx) {
      const w = ctx.profile.writable.holdingRegisters?.find(([a, b]) => b - a >= 1)
      if (!claims(ctx, 'writeMultipleRegisters', 'readHoldingRegisters') || !w) return skip('needs 10, 03 and two writable holding registers')
      const address = w[0]
      const before = await readRegisters(ctx, address, 2)
      const values = [0x1234, 0xfedc]
      const pdu = encodeRequest({ function: 'writeMultipleRegisters', address, values })
      const { adu, exchange } = await send(ctx, pdu)
      const wrong = exchange.reply ? checkReply(pdu, exchange.reply.pdu, ctx.registry) : 'no reply to the write'
      const read = await readBack(ctx, address, 2)
      const back = read.values
      if (before) await send(ctx, encodeRequest({ function: 'writeMultipleRegisters', address, values: before }))
      const ok = !wrong && back !== null && back[0] === values[0] && back[1] === values[1]
      const shown = wrong ? exchange : read.exchange
      const expected = wrong ? `an echo of address and quantity` : expectBytes(ctx, read.exchange, registersReply(values), `registers ${address}, ${address + 1} read back 0x1234 0xFEDC`)
      return outcome(ok ? 'pass' : 'fail', wrong ? adu : read.adu, expected, shown, ok ? null : wrong ?? `read back ${JSON.stringify(back)}`)
    },
  },
  {
    id: 'scenario.coil-write-read-back',
    title: 'coils written with 0F read back with 01',
    spec: '§6.11, §6.1',
    severity: 'must',
    level: 'interop',
    category: 'scenario',
    functionCode: FUNCTION_CODES.writeMultipleCoils,
    async run(ctx) {
      const w = ctx.profile.writable.coils?.find(([a, b]) => b - a >= 9)
      if (!claims(ctx, 'writeMultipleCoils', 'readCoils') || !w) return skip('needs 0F, 01 and ten writable coils')
      const address = w[0]
      const values = [true, false, true, true, false, false, true, false, true, true]
      const pdu = encodeRequest({ function: 'writeMultipleCoils', address, values })
      const { adu, exchange } = await send(ctx, pdu)
      const back = await send(ctx, encodeRequest({ function: 'readCoils', address, quantity: 10 }))
      const got = tryDecodeAs('readCoils', back.exchange.reply?.pdu)?.values.slice(0, 10) ?? null
      await send(ctx, encodeRequest({ function: 'writeMultipleCoils', address, values: values.map(() => false) }))
      const ok = exchange.reply?.pdu[0] === FUNCTION_CODES.writeMultipleCoils && got !== null && got.every((v, i) => v === values[i])
      // 1 0 1 1 0 0 1 0 | 1 1, least significant bit first (§6.1): 0x4D 0x03.
      const expected = expectBytes(ctx, back.exchange, Buffer.from([FUNCTION_CODES.readCoils, 2, 0x4d, 0x03]), 'the ten coils read back as written')
      return outcome(ok ? 'pass' : 'fail', back.adu, expected, back.exchange, ok ? null : `read back ${JSON.stringify(got)}`)
    },
  },
  {
    id: 'scenario.mask-write-formula',
    title: 'mask write gives (current AND and) OR (or AND NOT and)',
    spec: '§6.16',
    severity: 'must',
    level: 'interop',
    category: 'scenario',
    functionCode: FUNCTION_CODES.maskWriteRegister,
    async run(ctx) {
      const w = ctx.profile.writable.holdingRegisters?.[0]
      if (!claims(ctx, 'maskWriteRegister', 'writeSingleRegister', 'readHoldingRegisters') || !w) return skip('needs 16, 06, 03 and a writable holding register')
      const address = w[0]
      await send(ctx, encodeRequest({ function: 'writeSingleRegister', address, value: 0x12 }))
      const pdu = encodeRequest({ function: 'maskWriteRegister', address, andMask: 0xf2, orMask: 0x25 })
      const { adu, exchange } = await send(ctx, pdu)
      const read = await readBack(ctx, address, 1)
      const back = read.values
      await send(ctx, encodeRequest({ function: 'writeSingleRegister', address, value: 0 }))
      const echoed = exchange.reply?.pdu.equals(pdu) === true
      const ok = echoed && back?.[0] === 0x17
      if (!echoed) return outcome('fail', adu, expectBytes(ctx, exchange, pdu, 'an echo of the mask write'), exchange, 'the mask write was not echoed')
      const expected = expectBytes(ctx, read.exchange, registersReply([0x17]), '0x17 read back (§6.16 example: 0x12, AND 0xF2, OR 0x25)')
      return outcome(ok ? 'pass' : 'fail', read.adu, expected, read.exchange, ok ? null : `read back ${back?.[0] === undefined ? 'nothing' : '0x' + back[0].toString(16)}`)
    },
  },
  {
    id: 'scenario.read-write-multiple-order',
    title: 'read/write multiple performs the write before the read',
    spec: '§6.17',
    severity: 'must',
    level: 'interop',
    category: 'scenario',
    functionCode: FUNCTION_CODES.readWriteMultipleRegisters,
    async run(ctx) {
      const w = ctx.profile.writable.holdingRegisters?.find(([a, b]) => b - a >= 1)
      if (!claims(ctx, 'readWriteMultipleRegisters') || !w) return skip('needs 17 and two writable holding registers')
      const address = w[0]
      const pdu = encodeRequest({ function: 'readWriteMultipleRegisters', readAddress: address, readQuantity: 2, writeAddress: address, values: [0x0bad, 0xcafe] })
      const { adu, exchange } = await send(ctx, pdu)
      const read = tryDecodeAs('readWriteMultipleRegisters', exchange.reply?.pdu)?.values
      const ok = read !== undefined && read.length === 2 && read[0] === 0x0bad && read[1] === 0xcafe
      if (claims(ctx, 'writeMultipleRegisters')) await send(ctx, encodeRequest({ function: 'writeMultipleRegisters', address, values: [0, 0] }))
      const expected = expectBytes(ctx, exchange, Buffer.from([FUNCTION_CODES.readWriteMultipleRegisters, 4, 0x0b, 0xad, 0xca, 0xfe]), 'the read returns the values just written: 0x0BAD 0xCAFE')
      return outcome(ok ? 'pass' : 'fail', adu, expected, exchange, ok ? null : 'the read did not see the write')
    },
  },
  {
    id: 'scenario.fifo-read',
    title: 'a FIFO reads with a consistent count (at most 31)',
    spec: '§6.18',
    severity: 'must',
    level: 'interop',
    category: 'scenario',
    functionCode: FUNCTION_CODES.readFifoQueue,
    async run(ctx) {
      const fifo = ctx.profile.fifos?.[0]
      if (!claims(ctx, 'readFifoQueue') || fifo === undefined) return skip('needs 18 and a FIFO in the profile')
      const pdu = encodeRequest({ function: 'readFifoQueue', address: fifo })
      const { adu, exchange } = await send(ctx, pdu)
      const wrong = exchange.reply ? checkReply(pdu, exchange.reply.pdu, ctx.registry) : 'no reply'
      return outcome(wrong ? 'fail' : 'pass', adu, 'byte count = 2 + 2 × FIFO count, count <= 31', exchange, wrong)
    },
  },
  {
    id: 'scenario.file-record-write-read-back',
    title: 'a file record written with 15 reads back with 14',
    spec: '§6.15, §6.14',
    severity: 'must',
    level: 'interop',
    category: 'scenario',
    functionCode: FUNCTION_CODES.writeFileRecord,
    async run(ctx) {
      const file = ctx.profile.files?.find((f) => f.records >= 2)
      if (!claims(ctx, 'readFileRecord', 'writeFileRecord') || !file) return skip('needs 14, 15 and a file of two records')
      const values = [0x0102, 0x0304]
      const pdu = encodeRequest({ function: 'writeFileRecord', records: [{ file: file.file, record: 0, values }] })
      const { adu, exchange } = await send(ctx, pdu)
      const back = await send(ctx, encodeRequest({ function: 'readFileRecord', records: [{ file: file.file, record: 0, length: 2 }] }))
      const read = tryDecodeAs('readFileRecord', back.exchange.reply?.pdu)?.records
      const ok = exchange.reply?.pdu.equals(pdu) === true && read?.length === 1 && read[0].values.length === 2 && read[0].values.every((x, i) => x === values[i])
      return outcome(ok ? 'pass' : 'fail', adu, 'an echo of the write, then the same registers read back', back.exchange, ok ? null : 'the record did not read back as written')
    },
  },
  {
    id: 'scenario.device-identification-stream',
    title: 'device identification streams objects 0-2 across more-follows, in order',
    spec: '§6.21',
    severity: 'must',
    level: 'interop',
    category: 'scenario',
    functionCode: FUNCTION_CODES.encapsulatedInterfaceTransport,
    async run(ctx) {
      if (!claims(ctx, 'encapsulatedInterfaceTransport') || !(ctx.profile.meiTypes ?? [MEI_READ_DEVICE_ID]).includes(MEI_READ_DEVICE_ID)) return skip('needs 2B with MEI type 0x0E')
      const ids: number[] = []
      let objectId = 0
      let last: Awaited<ReturnType<typeof send>> | undefined
      for (let i = 0; i < 16; i++) {
        last = await send(ctx, encodeRequest({ function: 'readDeviceIdentification', readCode: READ_DEVICE_ID_CODES.basic, objectId }))
        const pdu = last.exchange.reply?.pdu
        let r: ResponseOf<'readDeviceIdentification'> | null
        try {
          r = pdu ? decodeAs('readDeviceIdentification', pdu, ctx.registry) : null
        } catch (err) {
          return outcome('fail', last.adu, 'a well-formed reply', last.exchange, (err as Error).message)
        }
        if (!r) return outcome('fail', last.adu, 'a device identification reply', last.exchange, 'no normal reply')
        ids.push(...r.objects.map((o) => o.id))
        if (!r.moreFollows) break
        if (r.nextObjectId <= objectId) return outcome('fail', last.adu, 'next object id beyond the current one', last.exchange, `next object id ${r.nextObjectId} after ${objectId}`)
        objectId = r.nextObjectId
      }
      const ok = [0, 1, 2].every((id) => ids.includes(id)) && ids.every((id, i) => i === 0 || id > ids[i - 1])
      return outcome(ok ? 'pass' : 'fail', last?.adu ?? null, 'objects 0, 1, 2 (VendorName, ProductCode, MajorMinorRevision), ids rising', last?.exchange ?? null, ok ? null : `objects ${JSON.stringify(ids)}`)
    },
  },
  {
    id: 'scenario.listen-only-and-restart',
    title: 'listen-only mode silences the device until Restart Communications, which is not answered',
    spec: '§6.8.1 (08/04, 08/01)',
    severity: 'must',
    level: 'interop',
    category: 'scenario',
    functionCode: FUNCTION_CODES.diagnostics,
    async run(ctx) {
      const subs = ctx.profile.diagnostics
      const { restartCommunicationsOption: restartSub, forceListenOnlyMode: listenOnlySub } = SUB_FUNCTIONS
      if (!ctx.target.serial || !claims(ctx, 'diagnostics', 'readHoldingRegisters') || (subs && !(subs.includes(restartSub) && subs.includes(listenOnlySub))) || !ctx.profile.readable.holdingRegisters?.length) {
        return skip('needs a serial line, 08 with sub-functions 01 and 04, and a readable holding register')
      }
      const address = ctx.profile.readable.holdingRegisters[0][0]
      const read = encodeRequest({ function: 'readHoldingRegisters', address, quantity: 1 })
      const force = await send(ctx, encodeRequest({ function: 'diagnostics', subFunction: listenOnlySub, data: [0] }), { silence: true })
      if (force.exchange.bytesReceived > 0) return expectSilence(force.adu, force.exchange, 'Force Listen Only Mode is not answered')
      const quiet = await send(ctx, read, { silence: true })
      if (quiet.exchange.bytesReceived > 0) return expectSilence(quiet.adu, quiet.exchange, 'a device in listen-only mode does not answer')
      const restart = await send(ctx, encodeRequest({ function: 'diagnostics', subFunction: restartSub, data: [0] }), { silence: true })
      const back = await send(ctx, read)
      const ok = restart.exchange.bytesReceived === 0 && back.exchange.reply?.pdu[0] === FUNCTION_CODES.readHoldingRegisters
      return outcome(ok ? 'pass' : 'fail', restart.adu, 'no reply to the restart, then normal replies again', back.exchange, ok ? null : restart.exchange.bytesReceived > 0 ? 'the restart was answered while in listen-only mode' : 'the device stayed silent after the restart')
    },
  },
]

/** The scenario cases. */
export function scenarioCases(): CaseDefinition[] {
  return scenarios
}
