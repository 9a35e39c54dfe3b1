/**
 * Client commands: `read`, `write`, `diag`, `identify` — one for every function code.
 */
import type { Argv, CommandModule } from 'yargs'
import { ArgumentError, connectClient, DIAGNOSTIC_SUB_FUNCTIONS, READ_DEVICE_ID_CODES, type ModbusClient } from '../core/index.ts'
import { printJson } from './output.ts'

interface Common {
  target: string
  unit: number
  timeout: number
  retries?: number
  json: boolean
}

function common<T>(y: Argv<T>): Argv<T & Common> {
  return y
    .option('target', { type: 'string', demandOption: true, describe: 'device address: tcp://, udp://, rtu+tcp://, rtu://, ascii://, binary://' })
    .option('unit', { type: 'number', default: 1, describe: 'unit id (serial: slave address; 0 = broadcast)' })
    .option('timeout', { type: 'number', default: 1000, describe: 'reply timeout, ms' })
    .option('retries', { type: 'number', describe: 'extra attempts after a timeout (default 0 on TCP/UDP, 2 on serial)' })
    .option('json', { type: 'boolean', default: false, describe: 'print JSON' }) as Argv<T & Common>
}

async function withClient<R>(args: Common, run: (c: ModbusClient) => Promise<R>): Promise<R> {
  const client = connectClient(args.target, { timeout: args.timeout, retries: args.retries })
  try {
    return await run(client)
  } finally {
    await client.close()
  }
}

function numbers(text: string, what: string): number[] {
  return text.split(/[\s,]+/).filter(Boolean).map((t) => {
    const n = Number(t)
    if (!Number.isInteger(n)) throw new ArgumentError(`${what}: ${JSON.stringify(t)} is not an integer`)
    return n
  })
}

function show(args: Common, value: unknown, lines: () => string[]): void {
  if (args.json) printJson(value)
  else for (const l of lines()) process.stdout.write(l + '\n')
}

const READ_TABLES = {
  coils: 'readCoils',
  discrete: 'readDiscreteInputs',
  holding: 'readHoldingRegisters',
  input: 'readInputRegisters',
} as const

interface ReadArgs extends Common {
  what: string
  address: number
  quantity: number
  file?: number
  record?: number
}

const read: CommandModule<object, ReadArgs> = {
  command: 'read <what>',
  describe: 'Read: coils | discrete | holding | input | fifo | file | exception-status | event-counter | event-log | server-id',
  builder: (y: Argv) =>
    common(y)
      .positional('what', { choices: ['coils', 'discrete', 'holding', 'input', 'fifo', 'file', 'exception-status', 'event-counter', 'event-log', 'server-id'] })
      .option('address', { type: 'number', default: 0, describe: 'first address (fifo: the FIFO pointer address)' })
      .option('quantity', { type: 'number', default: 1, describe: 'how many (file: registers of the record)' })
      .option('file', { type: 'number', describe: 'file number (read file)' })
      .option('record', { type: 'number', default: 0, describe: 'record number (read file)' })
      .example('$0 read holding --target tcp://127.0.0.1:5020 --unit 1 --address 0 --quantity 10', '') as Argv<unknown> as Argv<ReadArgs>,
  handler: (args) =>
    withClient(args, async (c) => {
      const { address, quantity, unit } = args
      if (args.what in READ_TABLES) {
        const fn = READ_TABLES[args.what as keyof typeof READ_TABLES]
        const values: (number | boolean)[] = await c[fn](unit, address, quantity)
        show(args, { address, values }, () => values.map((v, i) => `${address + i}\t${typeof v === 'boolean' ? (v ? 1 : 0) : v}`))
      } else if (args.what === 'fifo') {
        const values = await c.readFifoQueue(unit, address)
        show(args, { address, values }, () => values.map(String))
      } else if (args.what === 'file') {
        if (args.file === undefined) throw new ArgumentError('read file needs --file')
        const [values] = await c.readFileRecord(unit, [{ file: args.file, record: args.record!, length: quantity }])
        show(args, { file: args.file, record: args.record, values }, () => values.map((v, i) => `${args.record! + i}\t${v}`))
      } else if (args.what === 'exception-status') {
        const status = await c.readExceptionStatus(unit)
        show(args, { status }, () => [`0x${status.toString(16).padStart(2, '0')}`])
      } else if (args.what === 'event-counter') {
        const r = await c.getCommEventCounter(unit)
        show(args, r, () => [`status 0x${r.status.toString(16)}  events ${r.eventCount}`])
      } else if (args.what === 'event-log') {
        const r = await c.getCommEventLog(unit)
        show(args, r, () => [`status 0x${r.status.toString(16)}  events ${r.eventCount}  messages ${r.messageCount}`, `log ${r.events.map((e) => e.toString(16).padStart(2, '0')).join(' ')}`])
      } else {
        const r = await c.reportServerId(unit)
        show(args, r, () => [`server id ${r.serverId}  run indicator ${r.runIndicator === 0xff ? 'ON' : r.runIndicator === 0 ? 'OFF' : r.runIndicator}`])
      }
    }),
}

interface WriteArgs extends Common {
  what: string
  address: number
  value?: string
  values?: string
  and?: number
  or?: number
  file?: number
  record: number
  readAddress?: number
  readQuantity?: number
}

const write: CommandModule<object, WriteArgs> = {
  command: 'write <what>',
  describe: 'Write: coil | coils | register | registers | mask | file | read-write',
  builder: (y: Argv) =>
    common(y)
      .positional('what', { choices: ['coil', 'coils', 'register', 'registers', 'mask', 'file', 'read-write'] })
      .option('address', { type: 'number', default: 0, describe: 'first address (read-write: the write address)' })
      .option('value', { type: 'string', describe: 'coil: on/off/1/0; register: a number' })
      .option('values', { type: 'string', describe: 'comma-separated values (coils: 1/0)' })
      .option('and', { type: 'number', describe: 'mask: AND mask' })
      .option('or', { type: 'number', describe: 'mask: OR mask' })
      .option('file', { type: 'number', describe: 'file number' })
      .option('record', { type: 'number', default: 0, describe: 'record number' })
      .option('read-address', { type: 'number', describe: 'read-write: first register to read' })
      .option('read-quantity', { type: 'number', describe: 'read-write: registers to read' })
      .example('$0 write registers --target rtu:///dev/ttyUSB0?baud=9600 --unit 3 --address 10 --values 1,2,3', '') as Argv<unknown> as Argv<WriteArgs>,
  handler: (args) =>
    withClient(args, async (c) => {
      const { unit, address } = args
      const need = (v: string | undefined, flag: string) => {
        if (v === undefined) throw new ArgumentError(`write ${args.what} needs ${flag}`)
        return v
      }
      switch (args.what) {
        case 'coil':
          await c.writeCoil(unit, address, /^(1|on|true)$/i.test(need(args.value, '--value')))
          break
        case 'coils':
          await c.writeCoils(unit, address, numbers(need(args.values, '--values'), '--values').map((v) => v !== 0))
          break
        case 'register':
          await c.writeRegister(unit, address, numbers(need(args.value, '--value'), '--value')[0])
          break
        case 'registers':
          await c.writeRegisters(unit, address, numbers(need(args.values, '--values'), '--values'))
          break
        case 'mask':
          if (args.and === undefined || args.or === undefined) throw new ArgumentError('write mask needs --and and --or')
          await c.maskWriteRegister(unit, address, args.and, args.or)
          break
        case 'file':
          if (args.file === undefined) throw new ArgumentError('write file needs --file')
          await c.writeFileRecord(unit, [{ file: args.file, record: args.record, values: numbers(need(args.values, '--values'), '--values') }])
          break
        default: {
          if (args.readAddress === undefined || args.readQuantity === undefined) throw new ArgumentError('write read-write needs --read-address and --read-quantity')
          const values = await c.readWriteRegisters(unit, args.readAddress, args.readQuantity, address, numbers(need(args.values, '--values'), '--values'))
          show(args, { address: args.readAddress, values }, () => values.map((v, i) => `${args.readAddress! + i}\t${v}`))
          return
        }
      }
      show(args, { ok: true }, () => ['ok'])
    }),
}

interface DiagArgs extends Common {
  sub: string
  data?: string
}

const diag: CommandModule<object, DiagArgs> = {
  command: 'diag <sub>',
  describe: 'Diagnostics (08): a sub-function by name or number, e.g. returnBusMessageCount or 0x0B',
  builder: (y: Argv) =>
    common(y)
      .positional('sub', { type: 'string', describe: DIAGNOSTIC_SUB_FUNCTIONS.map((s) => s.name).join(', ') })
      .option('data', { type: 'string', describe: 'data words, comma-separated (default: the sub-function\'s usual data)' })
      .example('$0 diag returnBusMessageCount --target rtu:///dev/ttyUSB0 --unit 1', '')
      .example('$0 diag restartCommunicationsOption --data 0xff00 --target tcp://127.0.0.1:5020', '') as Argv<unknown> as Argv<DiagArgs>,
  handler: (args) =>
    withClient(args, async (c) => {
      const entry = DIAGNOSTIC_SUB_FUNCTIONS.find((s) => s.name.toLowerCase() === args.sub.toLowerCase())
      const code = entry ? entry.code : Number(args.sub)
      if (!Number.isInteger(code) || code < 0 || code > 0xffff) {
        throw new ArgumentError(`diag: unknown sub-function ${JSON.stringify(args.sub)}; known: ${DIAGNOSTIC_SUB_FUNCTIONS.map((s) => s.name).join(', ')}`)
      }
      const data = args.data !== undefined ? numbers(args.data, '--data') : [entry?.defaultData ?? 0]
      if (entry?.responseWords === 'none') {
        await c.forceListenOnlyMode(args.unit)
        show(args, { subFunction: code, data: null }, () => ['sent (no reply is expected)'])
        return
      }
      const reply = await c.diagnostics(args.unit, code, data)
      show(args, { subFunction: code, data: reply }, () => [reply.map((w) => `0x${w.toString(16).padStart(4, '0')} (${w})`).join(' ')])
    }),
}

interface IdentifyArgs extends Common {
  code: keyof typeof READ_DEVICE_ID_CODES
  object: number
}

const identify: CommandModule<object, IdentifyArgs> = {
  command: 'identify',
  describe: 'Read Device Identification (2B/0E), following more-follows',
  builder: (y: Argv) =>
    common(y)
      .option('code', { choices: Object.keys(READ_DEVICE_ID_CODES) as (keyof typeof READ_DEVICE_ID_CODES)[], default: 'regular' as const })
      .option('object', { type: 'number', default: 0, describe: 'object id (specific)' })
      .example('$0 identify --target tcp://127.0.0.1:5020 --code extended', '') as Argv<unknown> as Argv<IdentifyArgs>,
  handler: (args) =>
    withClient(args, async (c) => {
      const code = READ_DEVICE_ID_CODES[args.code]
      const objects =
        code === READ_DEVICE_ID_CODES.specific
          ? (await c.readDeviceIdentification(args.unit, code, args.object)).objects
          : await c.readDeviceIdentificationAll(args.unit, code)
      show(args, { objects }, () => objects.map((o) => `0x${o.id.toString(16).padStart(2, '0')}\t${o.value}`))
    }),
}

/** The client commands. */
export { read as readCommand, write as writeCommand, diag as diagCommand, identify as identifyCommand }
