/**
 * `modbridge frame decode|encode|generate`: the message parser and generator.
 */
import { readFileSync } from 'node:fs'
import type { Argv, CommandModule } from 'yargs'
import { ArgumentError, createFramer, FRAMER_KINDS, prepare, type FramerKind, type Message } from '../core/index.ts'
import { generateFrames } from '../core/framers/generate.ts'
import { inspectFrames } from '../core/framers/inspect.ts'
import { integerOption } from './numbers.ts'
import { printJson } from './output.ts'

/** Bytes from a `--hex` string (spaces, colons and 0x prefixes allowed). */
export function parseHexArg(text: string): Buffer {
  const clean = text.replace(/0x/gi, '').replace(/[\s:,]+/g, '')
  if (clean.length % 2 !== 0 || /[^0-9a-f]/i.test(clean)) throw new ArgumentError(`--hex "${text}" is not a string of hex bytes`)
  return Buffer.from(clean, 'hex')
}

/** Bytes from a `--text` string, with \r and \n escapes understood (ASCII frames). */
export function parseTextArg(text: string): Buffer {
  return Buffer.from(text.replace(/\\r/g, '\r').replace(/\\n/g, '\n'), 'latin1')
}

function parseMessage(text: string, flag: string): Message {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    throw new ArgumentError(`${flag} is not valid JSON: ${(err as Error).message}`)
  }
  if (typeof value !== 'object' || value === null || !('function' in value)) {
    throw new ArgumentError(`${flag} must be a JSON object with a "function" field, e.g. {"function":"readHoldingRegisters","address":18,"quantity":8}`)
  }
  return value as Message
}

function lines(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
}

const framerOption = {
  framer: { choices: FRAMER_KINDS as FramerKind[], demandOption: true, describe: 'framing: tcp (MBAP), rtu, ascii or binary' },
} as const

interface DecodeArgs {
  framer: FramerKind
  hex?: string
  text?: string
  file?: string
  direction: 'auto' | 'request' | 'response'
  pretty: boolean
}

const decode: CommandModule<object, DecodeArgs> = {
  command: 'decode',
  describe: 'Print every frame found in some bytes, decoded as request and as response, with every error',
  builder: (y: Argv) =>
    y
      .options(framerOption)
      .option('hex', { type: 'string', describe: 'the bytes, in hex' })
      .option('text', { type: 'string', describe: 'the bytes as text (ASCII frames); \\r and \\n are understood' })
      .option('file', { type: 'string', describe: 'one frame per line: hex, or ASCII text starting with ":"' })
      .option('direction', { choices: ['auto', 'request', 'response'] as const, default: 'auto' as const, describe: 'RTU framing side; auto tries both' })
      .option('pretty', { type: 'boolean', default: false, describe: 'indent the JSON' })
      .check((a) => {
        if ([a.hex, a.text, a.file].filter((x) => x !== undefined).length !== 1) throw new ArgumentError('give exactly one of --hex, --text, --file')
        return true
      })
      .example('$0 frame decode --framer rtu --hex "01 03 00 00 00 0a c5 cd"', 'an RTU read request')
      .example('$0 frame decode --framer ascii --text ":010300000001FB\\r\\n"', 'an ASCII frame') as Argv<DecodeArgs>,
  handler(args) {
    const inputs: Buffer[] = []
    if (args.hex !== undefined) inputs.push(parseHexArg(args.hex))
    else if (args.text !== undefined) inputs.push(parseTextArg(args.text))
    else for (const line of lines(args.file!)) inputs.push(line.startsWith(':') ? Buffer.from(line + '\r\n', 'latin1') : parseHexArg(line))
    for (const bytes of inputs) {
      for (const item of inspectFrames(args.framer, bytes, { direction: args.direction })) printJson(item, args.pretty)
    }
  },
}

interface EncodeArgs {
  framer: FramerKind
  unit: number
  tid: number
  request?: string
  response?: string
  file?: string
  direction: 'request' | 'response'
  text: boolean
}

const encode: CommandModule<object, EncodeArgs> = {
  command: 'encode',
  describe: 'Build an ADU from a JSON request or response (the objects `frame decode` prints)',
  builder: (y: Argv) =>
    y
      .options(framerOption)
      .option('unit', { default: 1, requiresArg: true, describe: 'unit id 0..255 (serial: slave address)', coerce: integerOption('--unit', 0, 255) })
      .option('tid', { default: 0, requiresArg: true, describe: 'MBAP transaction id 0..65535 (tcp only)', coerce: integerOption('--tid', 0, 0xffff) })
      .option('request', { type: 'string', describe: 'a request as JSON' })
      .option('response', { type: 'string', describe: 'a response as JSON; {"function":…,"exception":N} for an exception' })
      .option('file', { type: 'string', describe: 'one JSON object per line; prints one ADU per line' })
      .option('direction', { choices: ['request', 'response'] as const, default: 'request' as const, describe: 'side of the objects in --file' })
      .option('text', { type: 'boolean', default: false, describe: 'ascii framer: print the frame as text, not hex' })
      .check((a) => {
        if ([a.request, a.response, a.file].filter((x) => x !== undefined).length !== 1) throw new ArgumentError('give exactly one of --request, --response, --file')
        return true
      })
      .example(`$0 frame encode --framer ascii --unit 1 --tid 7 --request '{"function":"readHoldingRegisters","address":18,"quantity":8}'`, '')
      .example(`$0 frame encode --framer rtu --unit 1 --response '{"function":"readHoldingRegisters","exception":2}'`, 'an exception response') as Argv<EncodeArgs>,
  handler(args) {
    const framer = createFramer(args.framer)
    const jobs: { msg: Message; side: 'request' | 'response' }[] = []
    if (args.request !== undefined) jobs.push({ msg: parseMessage(args.request, '--request'), side: 'request' })
    else if (args.response !== undefined) jobs.push({ msg: parseMessage(args.response, '--response'), side: 'response' })
    else for (const line of lines(args.file!)) jobs.push({ msg: parseMessage(line, '--file line'), side: args.direction })
    for (const { msg, side } of jobs) {
      const adu = framer.encodeWith(args.unit, prepare(msg, side), args.tid)
      process.stdout.write((args.text && args.framer === 'ascii' ? JSON.stringify(adu.toString('latin1')) : adu.toString('hex')) + '\n')
    }
  },
}

interface GenerateArgs {
  framer: FramerKind
  direction: 'request' | 'response'
  unit: number
  tid: number
}

const generate: CommandModule<object, GenerateArgs> = {
  command: 'generate',
  describe: 'One line per function code and diagnostics sub-function: its name and ADU in hex',
  builder: (y: Argv) =>
    y
      .options(framerOption)
      .option('direction', { choices: ['request', 'response'] as const, default: 'request' as const })
      .option('unit', { default: 0xff, requiresArg: true, describe: 'unit id 0..255', coerce: integerOption('--unit', 0, 255) })
      .option('tid', { default: 1, requiresArg: true, describe: 'transaction id 0..65535 (tcp)', coerce: integerOption('--tid', 0, 0xffff) })
      .example('$0 frame generate --framer tcp --direction request', '') as Argv<GenerateArgs>,
  handler(args) {
    for (const g of generateFrames(args.framer, { direction: args.direction, unit: args.unit, tid: args.tid })) {
      process.stdout.write(`${g.name}\t${g.adu.toString('hex')}\n`)
    }
  },
}

/** The `frame` command group. */
export const frameCommand: CommandModule = {
  command: 'frame <command>',
  describe: 'Decode, encode and generate frames (message parser and generator)',
  builder: (y: Argv) => y.command(decode).command(encode).command(generate).demandCommand(1),
  handler: () => {},
}
