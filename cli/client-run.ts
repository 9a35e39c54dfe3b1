/**
 * What `read`, `write`, `diag` and `identify` do, for the command line and the REPL alike. Each
 * command is first planned from its arguments — every option checked, every value parsed, options
 * that do not apply refused — and only then sent, so a typo never reaches the device.
 */
import { ArgumentError } from '../core/errors.ts'
import type { ModbusClient } from '../core/client/client.ts'
import { MAX_READ_BITS, MAX_READ_REGISTERS, MAX_RW_WRITE_REGISTERS, MAX_WRITE_BITS, MAX_WRITE_REGISTERS } from '../core/limits.ts'
import { DIAGNOSTIC_SUB_FUNCTIONS } from '../core/pdu/serial-line.ts'
import { READ_DEVICE_ID_CODES } from '../core/pdu/device-id.ts'
import type { Message } from '../core/pdu/types.ts'
import { addressLabel, parseModicon, protocolAddress, READ_KINDS, unknownKind, WRITE_KINDS, type Notation, type ReadKind, type TableName, type WriteKind } from './addressing.ts'
import { parseCoilValue, parseInteger, parseIntegerList, splitList } from './numbers.ts'
import type { Format } from './options.ts'
import type { Result } from './render.ts'
import type { Endian, PayloadOrder } from '../core/payload/index.ts'
import { planMapRead } from './read-map.ts'
import { decodeRegisters, encodeValues, orderFromOptions, registersPerValue, type ValueType } from './value-types.ts'

/** Options every client command takes (after yargs). */
export interface ClientArgs {
  unit?: number
  format?: Format
  json?: boolean
  timestamp?: boolean
}

/** Typed-value options. */
export interface TypeArgs {
  type?: ValueType
  byteOrder?: Endian
  wordOrder?: Endian
  swap?: boolean
}

/** `read` after yargs. */
export interface ReadArgs extends ClientArgs, TypeArgs {
  /** What to read; absent with --map. */
  what?: string
  address?: unknown
  base?: number
  quantity?: number
  file?: number
  record?: number
  interval?: number
  polls?: number
  /** Device file whose named points to read (read-map.ts). */
  map?: string
  name?: string[]
  all?: boolean
}

/** `write` after yargs. */
export interface WriteArgs extends ClientArgs, TypeArgs {
  what: string
  address?: unknown
  base?: number
  value?: string
  values?: string
  and?: number
  or?: number
  file?: number
  record?: number
  readAddress?: unknown
  readQuantity?: number
}

/** `diag` after yargs. */
export interface DiagArgs extends ClientArgs {
  sub: string
  data?: string
}

/** `identify` after yargs. */
export interface IdentifyArgs extends ClientArgs {
  code?: keyof typeof READ_DEVICE_ID_CODES
  object?: number
}

/** Session defaults (the REPL's `set`): used where a command leaves the option out, never refused. */
export interface Defaults extends TypeArgs {
  base?: number
}

/** The value type and order: the command's own options, else the defaults. */
function typeAndOrder(args: TypeArgs, defaults: Defaults): { type: ValueType; order: PayloadOrder; typed: boolean } {
  const ordered = args.swap !== undefined || args.wordOrder !== undefined ? args : defaults
  const order = orderFromOptions({ byteOrder: args.byteOrder ?? defaults.byteOrder, wordOrder: ordered.wordOrder, swap: ordered.swap })
  const type = args.type ?? defaults.type
  return { type: type ?? 'uint16', order, typed: type !== undefined }
}

/** A planned request: what it is (for the poll summary) and how to send it and shape the reply. */
export interface Plan {
  describe: string
  send(client: ModbusClient, unit: number): Promise<Result>
}

/** Options that are set (not undefined) among `names`, as --flags. */
function given(args: object, names: readonly string[]): string[] {
  const rec = args as Record<string, unknown>
  return names.filter((n) => rec[n.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase())] !== undefined).map((n) => `--${n}`)
}

/** Refuses options that do not apply to `what`. */
function refuse(command: string, args: object, names: readonly string[]): void {
  const set = given(args, names)
  if (set.length) throw new ArgumentError(`${command}: ${set.join(', ')} ${set.length === 1 ? 'does' : 'do'} not apply here`)
}

const TYPE_FLAGS = ['type', 'byte-order', 'word-order', 'swap'] as const

function hex4(v: number): string {
  return '0x' + v.toString(16).padStart(4, '0')
}

/** Checks a register count against a limit, naming the values and type that need it. */
function checkRegisters(count: number, limit: number, type: ValueType, what: string): void {
  if (count > limit) throw new ArgumentError(`${what}: ${count} registers of ${type} values; one request carries at most ${limit}`)
}

function checkSpan(address: number, count: number, what: string): void {
  if (address + count > 0x10000) throw new ArgumentError(`${what}: address ${address} + ${count} runs past the last address 65535`)
}

/** Where a table request starts, from a table name or a Modicon reference and the address options. */
function locate(command: string, what: string, kinds: readonly string[], args: { address?: unknown; base?: number }, defaultBase?: number): { kind: string; address: number; notation: Notation; table?: TableName } {
  const modicon = parseModicon(what)
  if (modicon) {
    if (args.address !== undefined) throw new ArgumentError(`${command} ${what}: the Modicon reference already gives the address; drop --address`)
    if (args.base !== undefined) throw new ArgumentError(`${command} ${what}: --base does not apply to a Modicon reference (its numbers are 1-based)`)
    return { kind: modicon.table, address: modicon.address, notation: modicon.notation, table: modicon.table }
  }
  if (!kinds.includes(what)) throw unknownKind(command, what, kinds)
  const notation: Notation = { base: (args.base ?? defaultBase) === 1 ? 1 : 0 }
  return { kind: what, address: args.address === undefined ? 0 : protocolAddress(args.address, '--address', notation), notation }
}

/** Plans a `read`: of a table (or other kind), or of named points with --map. */
export function planRead(args: ReadArgs, defaults: Defaults = {}): Plan {
  if (args.map !== undefined) {
    if (args.what !== undefined) throw new ArgumentError(`read --map reads points by --name; drop ${JSON.stringify(args.what)}`)
    refuse('read --map', args, ['address', 'base', 'quantity', ...TYPE_FLAGS, 'file', 'record'])
    return planMapRead({ map: args.map, name: args.name, all: args.all, unit: args.unit })
  }
  if (args.name !== undefined || args.all) throw new ArgumentError('read: --name and --all pick points of a device file; give it with --map')
  if (args.what === undefined) throw new ArgumentError(`read needs what to read: ${READ_KINDS.join(', ')}, a Modicon reference such as 40001, or --map FILE --name POINT`)
  const { kind, address, notation } = locate('read', String(args.what), READ_KINDS, args, defaults.base)
  const read = kind as ReadKind
  const { type, order, typed } = typeAndOrder(args, defaults)
  const label = (a: number) => addressLabel(a, notation)
  const describe = `read ${args.what}`
  switch (read) {
    case 'coils':
    case 'discrete': {
      refuse(`read ${args.what}`, args, [...TYPE_FLAGS, 'file', 'record'])
      const quantity = args.quantity ?? 1
      if (quantity > MAX_READ_BITS) throw new ArgumentError(`read ${args.what}: --quantity ${quantity}; one request reads at most ${MAX_READ_BITS} bits`)
      checkSpan(address, quantity, describe)
      return {
        describe,
        async send(client, unit) {
          const values = read === 'coils' ? await client.readCoils(unit, address, quantity) : await client.readDiscreteInputs(unit, address, quantity)
          return { kind: 'values', labels: values.map((_v, i) => label(address + i)), values, json: { address, values } }
        },
      }
    }
    case 'holding':
    case 'input': {
      refuse(`read ${args.what}`, args, ['file', 'record'])
      const width = registersPerValue(type)
      const count = type === 'string' ? (args.quantity ?? 1) : (args.quantity ?? 1) * width
      checkRegisters(count, MAX_READ_REGISTERS, type, describe)
      checkSpan(address, count, describe)
      return {
        describe,
        async send(client, unit) {
          const registers = read === 'holding' ? await client.readHoldingRegisters(unit, address, count) : await client.readInputRegisters(unit, address, count)
          const values = decodeRegisters(registers, type, order)
          const labels = values.map((_v, i) => label(address + i * width))
          return { kind: 'values', labels, values, json: typed ? { address, type, values } : { address, values } }
        },
      }
    }
    case 'fifo': {
      refuse('read fifo', args, ['quantity', 'file', 'record'])
      return {
        describe,
        async send(client, unit) {
          const registers = await client.readFifoQueue(unit, address)
          const values = registers.length ? decodeRegisters(registers, type, order) : []
          const width = registersPerValue(type)
          return { kind: 'values', labels: values.map((_v, i) => String(i * width)), values, json: typed ? { address, type, values } : { address, values } }
        },
      }
    }
    case 'file': {
      refuse('read file', args, ['address', 'base'])
      if (args.file === undefined) throw new ArgumentError('read file needs --file')
      const record = args.record ?? 0
      const width = registersPerValue(type)
      const length = type === 'string' ? (args.quantity ?? 1) : (args.quantity ?? 1) * width
      const file = args.file
      return {
        describe,
        async send(client, unit) {
          const [registers] = await client.readFileRecord(unit, [{ file, record, length }])
          const values = decodeRegisters(registers, type, order)
          return { kind: 'values', labels: values.map((_v, i) => String(record + i * width)), values, json: typed ? { file, record, type, values } : { file, record, values } }
        },
      }
    }
    default: {
      refuse(`read ${read}`, args, ['address', 'base', 'quantity', 'file', 'record', ...TYPE_FLAGS])
      return { describe, send: (client, unit) => readRecord(client, unit, read) }
    }
  }
}

async function readRecord(client: ModbusClient, unit: number, what: ReadKind): Promise<Result> {
  if (what === 'exception-status') {
    const status = await client.readExceptionStatus(unit)
    return { kind: 'record', text: [`0x${status.toString(16).padStart(2, '0')}`], json: { status } }
  }
  if (what === 'event-counter') {
    const r = await client.getCommEventCounter(unit)
    return { kind: 'record', text: [`status ${hex4(r.status)}  events ${r.eventCount}`], json: { status: r.status, eventCount: r.eventCount } }
  }
  if (what === 'event-log') {
    const r = await client.getCommEventLog(unit)
    const events = r.events.map((e) => e.toString(16).padStart(2, '0')).join(' ')
    return { kind: 'record', text: [`status ${hex4(r.status)}  events ${r.eventCount}  messages ${r.messageCount}`, `log ${events}`], json: { status: r.status, eventCount: r.eventCount, messageCount: r.messageCount, events: r.events } }
  }
  const r = await client.reportServerId(unit)
  // §6.13: id, run indicator and additional data, split where only the device's documentation says.
  const text = Buffer.from(r.data, 'hex').toString('latin1').replace(/[^\x20-\x7e]/g, '.')
  return { kind: 'record', text: [`server id data ${r.data}  (${text})`], json: { data: r.data } }
}

/** Values of --values (or --value for one) after the type rules: a string is one whole value. */
function valueItems(args: WriteArgs, type: ValueType, what: string): string[] {
  if (args.value !== undefined && args.values !== undefined) throw new ArgumentError(`${what}: give --value or --values, not both`)
  if (type === 'string') {
    if (args.values !== undefined) throw new ArgumentError(`${what}: a string is one value; give it with --value`)
    if (args.value === undefined) throw new ArgumentError(`${what} needs --value`)
    return [String(args.value)]
  }
  if (args.values !== undefined) return splitList(args.values, '--values')
  if (args.value !== undefined) return [String(args.value)]
  throw new ArgumentError(`${what} needs --values (or --value for one value)`)
}

/** The echo of a write, as text in the address notation and as the decoded reply. */
function echoResult(reply: Message | null, notation: Notation): Result {
  if (reply === null) return { kind: 'record', text: ['broadcast sent; no reply is expected'], json: { broadcast: true } }
  const fields = Object.entries(reply).filter(([k]) => k !== 'function')
  const text = fields.map(([k, v]) => {
    if (k === 'address' && typeof v === 'number') return `address ${addressLabel(v, notation)}`
    if (typeof v === 'boolean') return `${k} ${v ? 'ON' : 'OFF'}`
    if (k === 'andMask' || k === 'orMask') return `${k} ${hex4(v as number)}`
    return `${k} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`
  })
  return { kind: 'record', text: [`device echoed ${reply.function}: ${text.join(', ')}`], json: { ...reply } }
}

/** Plans a `write`; the result is the device's echo (or, for read-write, the registers read). */
export function planWrite(args: WriteArgs, defaults: Defaults = {}): Plan {
  const located = locate('write', String(args.what), [...WRITE_KINDS], args, defaults.base)
  let kind = located.kind as WriteKind
  const { address, notation } = located
  const what = `write ${args.what}`
  const { type, order } = typeAndOrder(args, defaults)
  if (located.table) {
    if (located.table === 'discrete' || located.table === 'input') throw new ArgumentError(`${what}: ${located.table === 'discrete' ? 'discrete inputs (1xxxx)' : 'input registers (3xxxx)'} are read-only`)
    const multiple = args.values !== undefined || (located.table === 'holding' && registersPerValue(type) > 1) || (located.table === 'holding' && type === 'string')
    kind = located.table === 'coils' ? (multiple ? 'coils' : 'coil') : multiple ? 'registers' : 'register'
  }
  const exec = (request: Message) => async (client: ModbusClient, unit: number) => echoResult(await client.execute(unit, request as never), notation)
  switch (kind) {
    case 'coil': {
      refuse(what, args, [...TYPE_FLAGS, 'values', 'and', 'or', 'file', 'record', 'read-address', 'read-quantity'])
      if (args.value === undefined) throw new ArgumentError(`${what} needs --value (1/0, on/off, true/false)`)
      const value = parseCoilValue(String(args.value), '--value')
      return { describe: what, send: exec({ function: 'writeSingleCoil', address, value } as Message) }
    }
    case 'coils': {
      refuse(what, args, [...TYPE_FLAGS, 'and', 'or', 'file', 'record', 'read-address', 'read-quantity'])
      if (args.value !== undefined) throw new ArgumentError(`${what}: give the coil values with --values`)
      const values = splitList(args.values, '--values').map((t) => parseCoilValue(t, '--values'))
      if (values.length > MAX_WRITE_BITS) throw new ArgumentError(`${what}: ${values.length} values; one request writes at most ${MAX_WRITE_BITS} coils`)
      checkSpan(address, values.length, what)
      return { describe: what, send: exec({ function: 'writeMultipleCoils', address, values } as Message) }
    }
    case 'register': {
      refuse(what, args, ['values', 'and', 'or', 'file', 'record', 'read-address', 'read-quantity'])
      if (args.value === undefined) throw new ArgumentError(`${what} needs --value`)
      if (type === 'string' || registersPerValue(type) !== 1) throw new ArgumentError(`${what} writes one register; a ${type} value needs ${type === 'string' ? 'several' : registersPerValue(type)}: use write registers`)
      const [value] = encodeValues([String(args.value)], type, order, '--value')
      return { describe: what, send: exec({ function: 'writeSingleRegister', address, value } as Message) }
    }
    case 'registers': {
      refuse(what, args, ['and', 'or', 'file', 'record', 'read-address', 'read-quantity'])
      const values = encodeValues(valueItems(args, type, what), type, order, args.values !== undefined ? '--values' : '--value')
      checkRegisters(values.length, MAX_WRITE_REGISTERS, type, what)
      checkSpan(address, values.length, what)
      return { describe: what, send: exec({ function: 'writeMultipleRegisters', address, values } as Message) }
    }
    case 'mask': {
      refuse(what, args, [...TYPE_FLAGS, 'value', 'values', 'file', 'record', 'read-address', 'read-quantity'])
      if (args.and === undefined || args.or === undefined) throw new ArgumentError('write mask needs --and and --or')
      return { describe: what, send: exec({ function: 'maskWriteRegister', address, andMask: args.and, orMask: args.or } as Message) }
    }
    case 'file': {
      refuse(what, args, ['address', 'base', 'and', 'or', 'read-address', 'read-quantity'])
      if (args.file === undefined) throw new ArgumentError('write file needs --file')
      const values = encodeValues(valueItems(args, type, what), type, order, args.values !== undefined ? '--values' : '--value')
      const records = [{ file: args.file, record: args.record ?? 0, values }]
      return { describe: what, send: exec({ function: 'writeFileRecord', records } as Message) }
    }
    default: {
      refuse(what, args, ['value', 'and', 'or', 'file', 'record'])
      if (args.readAddress === undefined || args.readQuantity === undefined) throw new ArgumentError('write read-write needs --read-address and --read-quantity')
      const readAddress = protocolAddress(args.readAddress, '--read-address', notation)
      const width = registersPerValue(type)
      const readCount = type === 'string' ? args.readQuantity : args.readQuantity * width
      checkRegisters(readCount, MAX_READ_REGISTERS, type, `${what} (read)`)
      checkSpan(readAddress, readCount, `${what} (read)`)
      const values = encodeValues(valueItems(args, type, what), type, order, '--values')
      if (values.length > MAX_RW_WRITE_REGISTERS) throw new ArgumentError(`${what}: ${values.length} registers to write; read-write writes at most ${MAX_RW_WRITE_REGISTERS}`)
      checkSpan(address, values.length, what)
      return {
        describe: what,
        async send(client, unit) {
          const registers = await client.readWriteRegisters(unit, readAddress, readCount, address, values)
          const decoded = decodeRegisters(registers, type, order)
          return { kind: 'values', labels: decoded.map((_v, i) => addressLabel(readAddress + i * width, notation)), values: decoded, json: { address: readAddress, values: decoded } }
        },
      }
    }
  }
}

/** The sub-function names `diag` accepts. */
export const DIAG_NAMES: readonly string[] = DIAGNOSTIC_SUB_FUNCTIONS.map((s) => s.name)

/** Plans a `diag`. */
export function planDiag(args: DiagArgs): Plan {
  const text = String(args.sub)
  const entry = DIAGNOSTIC_SUB_FUNCTIONS.find((s) => s.name.toLowerCase() === text.toLowerCase())
  let code: number
  if (entry) code = entry.code
  else if (/^(?:0x[0-9a-f]+|[0-9]+)$/i.test(text)) code = parseInteger(text, 'diag sub-function', 0, 0xffff)
  else throw new ArgumentError(`diag: unknown sub-function ${JSON.stringify(text)}; known: ${DIAG_NAMES.join(', ')} (or a number)`)
  const data = args.data !== undefined ? parseIntegerList(args.data, '--data', 0, 0xffff) : [entry?.defaultData ?? diagDefault(code)]
  const describe = `diag ${text}`
  return {
    describe,
    async send(client, unit) {
      if (entry?.responseWords === 'none') {
        await client.forceListenOnlyMode(unit)
        return { kind: 'record', text: ['sent (no reply is expected)'], json: { subFunction: code, data: null } }
      }
      const reply = await client.diagnostics(unit, code, data)
      return { kind: 'record', text: [reply.map((w) => `${hex4(w)} (${w})`).join(' ')], json: { subFunction: code, data: reply } }
    },
  }
}

function diagDefault(code: number): number {
  return DIAGNOSTIC_SUB_FUNCTIONS.find((s) => s.code === code)?.defaultData ?? 0
}

/** Plans an `identify`. */
export function planIdentify(args: IdentifyArgs): Plan {
  const name = args.code ?? 'regular'
  const code = READ_DEVICE_ID_CODES[name]
  if (args.object !== undefined && code !== READ_DEVICE_ID_CODES.specific) throw new ArgumentError('identify: --object applies to --code specific only')
  return {
    describe: `identify --code ${name}`,
    async send(client, unit) {
      const objects = code === READ_DEVICE_ID_CODES.specific ? (await client.readDeviceIdentification(unit, code, args.object ?? 0)).objects : await client.readDeviceIdentificationAll(unit, code)
      return { kind: 'record', text: objects.map((o) => `0x${o.id.toString(16).padStart(2, '0')}\t${o.value}`), json: { objects } }
    },
  }
}
