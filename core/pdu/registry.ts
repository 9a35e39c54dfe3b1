/**
 * The function-code registry: one table of FunctionSpec, looked up through a 256-slot array
 * built when a registry is made. Everything that depends on a function code — codecs, RTU frame
 * length, names for the CLI — comes from here, so adding a user function code is one call.
 */
import { ArgumentError, hex } from '../errors.ts'

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
export interface FunctionSpec<Req = any, Res = any> {
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
  /** Example messages for `frame generate`, built from the generator defaults (no response: none is sent). */
  examples?: () => { request: Req; response?: Res; label?: string }[]
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

  /** Every registered spec in code order. */
  list(): FunctionSpec[] {
    return this.byCode.filter((s): s is FunctionSpec => s !== undefined)
  }

  /** A copy that can be extended without touching this one. */
  clone(): Registry {
    return new Registry(this.list())
  }
}
