/**
 * The function-code registry: one table of FunctionSpec, looked up through a 256-slot array
 * built when a registry is made. Everything that depends on a function code — codecs, RTU frame
 * length, names for the CLI — comes from here, so adding a user function code is one call.
 */
import { ArgumentError, hex, PduError } from '../errors.ts'
import { EXCEPTION_FLAG } from './exception.ts'
import { OPAQUE_SEMANTICS, type Access, type Effect, type ReplyRule, type RequestSemantics } from './semantics.ts'
import type { Message, ModbusRequest } from './types.ts'

/** frameLength() result: more bytes are needed before the length is known. */
export const NEED_MORE = -1
/** frameLength() result: the length cannot be known from the content; the frame ends at line silence. */
export const UNKNOWN_LENGTH = -2

/** The four codec directions of one side (request or response) of a function code. */
export interface PduCodec<T> {
  /** Exact encoded size including the function-code byte. Validates `msg`; throws PduError. */
  size(msg: T): number
  /** Writes `msg` (already sized) at `offset`; returns the new offset. */
  write(msg: T, buf: Buffer, offset: number): number
  /** Decodes exactly one PDU `buf[offset..end)` (offset at the function code); throws PduError. */
  read(buf: Buffer, offset: number, end: number): T
  /**
   * PDU length (including the function code) of the frame starting at `offset`, from the bytes
   * seen so far `buf[offset..end)`: a byte count, NEED_MORE or UNKNOWN_LENGTH.
   */
  frameLength(buf: Uint8Array, offset: number, end: number): number
}

/** Which file of core/pdu defines a function code. */
export type Family = 'bits' | 'registers' | 'serial-line' | 'file-records' | 'fifo' | 'mei' | 'user'

/** Everything the stack knows about one function code. */
export interface FunctionSpec<Req = Message, Res = Message> {
  code: number
  /** Spec name in camelCase; user codes pick their own. */
  name: string
  family: Family
  /** Defined for serial lines only (§6: 07, 08, 0B, 0C, 11). */
  serialLineOnly?: boolean
  /** Other names this codec accepts as `function` (0x2B: readDeviceIdentification). */
  aliases?: readonly string[]
  request: PduCodec<Req>
  response: PduCodec<Res>
  /**
   * What a request does and what a correct reply to it looks like. A user code registered without
   * it is an opaque control request whose reply ends at its byte count or at silence.
   */
  semantics?: RequestSemantics<Req, Res>
  /** Example messages for `frame generate`, built from the generator defaults (no response: none is sent). */
  examples?: () => { request: Req; response?: Res; label?: string }[]
}

/** The first byte (after the function code) among the first `count` where the reply differs from the request, or -1. */
function firstEchoMismatch(request: Buffer, reply: Buffer, count: number): number {
  const n = Math.min(count, request.length)
  for (let i = 1; i < n; i++) if (i >= reply.length || reply[i] !== request[i]) return i
  return -1
}

/** A reply that does not answer its request, as a PduError naming the field. */
function wrongReply(code: number, errorCode: 'MB_ERR_LENGTH' | 'MB_ERR_VALUE' | 'MB_ERR_UNKNOWN_FUNCTION', message: string, field: string, value?: number): PduError {
  return new PduError(errorCode, message, { functionCode: code, field, value })
}

/** What the registry knows of one request PDU, whether its function code is registered or not. */
export interface RequestFacts {
  code: number
  /** The spec, when the code is registered. */
  spec: FunctionSpec | undefined
  effect: Effect
  /** Sub-function (08) or MEI type (2B), when the function has them. */
  subFunction: number | undefined
  /** May go to unit 0. */
  broadcast: boolean
  /** The correct normal reply's shape. */
  reply: ReplyRule
}

/** A set of function specs with O(1) lookup by code and by name. */
export class Registry {
  private readonly byCode: (FunctionSpec | undefined)[] = new Array(256).fill(undefined)
  private readonly byName = new Map<string, FunctionSpec>()

  constructor(specs: readonly FunctionSpec[] = []) {
    for (const spec of specs) this.register(spec)
  }

  /** Adds or replaces a function code (the reference's custom-message example, done as data). */
  register(spec: FunctionSpec): this {
    if (!Number.isInteger(spec.code) || spec.code < 1 || spec.code > 0x7f) {
      throw new ArgumentError(`function code ${spec.code} is outside 1..127 (§4.1: 128..255 mark exceptions)`)
    }
    const old = this.byCode[spec.code]
    if (old) {
      this.byName.delete(old.name)
      for (const alias of old.aliases ?? []) this.byName.delete(alias)
    }
    this.byCode[spec.code] = spec
    this.byName.set(spec.name, spec)
    for (const alias of spec.aliases ?? []) this.byName.set(alias, spec)
    return this
  }

  /** The spec for a function code, or undefined. */
  get(code: number): FunctionSpec | undefined {
    return this.byCode[code]
  }

  /** The spec for a name (or alias), or undefined. */
  byFunctionName(name: string): FunctionSpec | undefined {
    return this.byName.get(name)
  }

  /** The spec for a code or name; throws ArgumentError when absent. */
  require(fn: string | number): FunctionSpec {
    const spec = typeof fn === 'number' ? this.byCode[fn] : this.byName.get(fn)
    if (!spec) {
      const shown = typeof fn === 'number' ? hex(fn) : JSON.stringify(fn)
      throw new ArgumentError(`unknown function ${shown}; known: ${[...this.byName.keys()].join(', ')}`)
    }
    return spec
  }

  /** The name of a code, or its hex when unknown. */
  nameOf(code: number): string {
    return this.byCode[code]?.name ?? hex(code)
  }

  /** What a request PDU does and what its correct reply looks like. Never throws. */
  facts(pdu: Buffer): RequestFacts {
    const code = pdu.length > 0 ? pdu[0] : 0
    const spec = this.byCode[code]
    const sem = spec?.semantics ?? OPAQUE_SEMANTICS
    return {
      code,
      spec,
      effect: typeof sem.effect === 'function' ? sem.effect(pdu) : sem.effect,
      subFunction: sem.subFunction?.(pdu),
      broadcast: sem.broadcast,
      reply: sem.reply(pdu),
    }
  }

  /** The tables and addresses a decoded request touches; undefined when the registry cannot tell. */
  access(request: ModbusRequest | Message): Access[] | undefined {
    const spec = typeof request.function === 'number' ? this.byCode[request.function] : this.byName.get(request.function)
    return spec?.semantics?.access?.(request)
  }

  /**
   * Null when `reply` is a reply to `request` (both exact PDUs): an exception of the same function,
   * or a normal reply of the shape the request calls for — a body that decodes, the length, the
   * echoed bytes. Otherwise says why not: such a frame answers something else, or answers wrongly.
   * With `strict`, the function's content rules are judged too (the conformance runner's view).
   */
  checkReply(request: Buffer, reply: Buffer, strict = false): string | null {
    return this.replyError(request, reply, strict)?.message ?? null
  }

  /** checkReply as a PduError naming what is wrong (MB_ERR_LENGTH, MB_ERR_VALUE, or the decoder's code). */
  replyError(request: Buffer, reply: Buffer, strict = false): PduError | null {
    const code = request[0]
    if (reply.length === 0) return wrongReply(code, 'MB_ERR_LENGTH', 'an empty reply', 'length', 0)
    if (reply[0] === (code | EXCEPTION_FLAG)) return reply.length === 2 ? null : wrongReply(code, 'MB_ERR_LENGTH', `an exception PDU of ${reply.length} bytes (§7: 2)`, 'length', reply.length)
    if (reply[0] !== code) return wrongReply(code, 'MB_ERR_UNKNOWN_FUNCTION', `function ${hex(reply[0])} does not answer function ${hex(code)}`, 'function', reply[0])
    const spec = this.byCode[code]
    const sem = spec?.semantics ?? OPAQUE_SEMANTICS
    const rule = sem.reply(request)
    const mismatch = firstEchoMismatch(request, reply, rule.echo)
    // Hot path (every reply a client or the gateway takes): when the length, the echoed bytes and the
    // reply's own length field all agree, the reply is well formed without decoding it.
    if (!strict && spec && !rule.none && rule.length === reply.length && mismatch < 0 && spec.response.frameLength(reply, 0, reply.length) === reply.length) {
      return null
    }
    let response: Message | undefined
    if (spec) {
      try {
        response = spec.response.read(reply, 0, reply.length)
      } catch (err) {
        if (err instanceof PduError) return err
        throw err
      }
    }
    if (rule.none) return wrongReply(code, 'MB_ERR_VALUE', `${this.nameOf(code)} with this sub-function draws no reply`, 'function', code)
    if (rule.length !== undefined && reply.length !== rule.length) {
      return wrongReply(code, 'MB_ERR_LENGTH', `${this.nameOf(code)} reply of ${reply.length} bytes where the request calls for ${rule.length}`, 'length', reply.length)
    }
    if (mismatch >= reply.length) {
      return wrongReply(code, 'MB_ERR_LENGTH', `${this.nameOf(code)} reply of ${reply.length} bytes ends before the ${rule.echo} it must echo`, 'length', reply.length)
    }
    if (mismatch > 0) {
      return wrongReply(code, 'MB_ERR_VALUE', `${this.nameOf(code)} reply byte ${mismatch} is ${hex(reply[mismatch])} where the request has ${hex(request[mismatch])}`, 'echo', reply[mismatch])
    }
    if (strict && spec && response && sem.content) {
      const why = sem.content(spec.request.read(request, 0, request.length), response)
      if (why) return wrongReply(code, 'MB_ERR_VALUE', why, 'content')
    }
    return null
  }


  /** Every registered spec in code order. */
  list(): FunctionSpec[] {
    return this.byCode.filter((s): s is FunctionSpec => s !== undefined)
  }

  /** A copy that can be extended without touching this one. */
  clone(): Registry {
    return new Registry(this.list())
  }
}
