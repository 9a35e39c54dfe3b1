/**
 * The REPL session: one connection to one device, on Node's repl module. Each line is a command:
 * `read`, `write`, `diag` and `identify` take the command line's options (parsed by the same
 * yargs definitions, without the connection options); `raw` sends any PDU; `unit`, `set`, `show`,
 * `stats`, `help` and `exit` manage the session. Tab completes commands, tables, sub-functions,
 * options and their values; history is kept in a file. Ctrl-C stops a running poll; on an empty
 * line it asks for a second Ctrl-C, as Node's REPL does.
 */
import repl, { type REPLServer } from 'node:repl'
import yargs, { type Argv } from 'yargs'
import { ArgumentError } from '../core/errors.ts'
import type { ModbusClient } from '../core/client/client.ts'
import { encodeResponse } from '../core/pdu/codec.ts'
import { EXCEPTION_FLAG } from '../core/pdu/exception.ts'
import type { Message } from '../core/pdu/types.ts'
import { closest, READ_KINDS, WRITE_KINDS } from './addressing.ts'
import { clientCommands, commandOptions, type ClientCommand } from './client-commands.ts'
import { DIAG_NAMES, planDiag, planIdentify, planRead, planWrite, type Defaults, type DiagArgs, type IdentifyArgs, type ReadArgs, type WriteArgs } from './client-run.ts'
import { runPlan, type Sink } from './client-session.ts'
import { parseInteger } from './numbers.ts'
import { FORMATS, type Format } from './options.ts'
import { errorText } from './output.ts'
import type { ReplArgs } from './repl-command.ts'
import { splitWords } from './repl-words.ts'
import { openClient } from './connect.ts'
import { VALUE_TYPES } from './value-type-names.ts'

/** Options of startRepl: the command's, plus streams (tests, embedding). */
export interface ReplOptions extends ReplArgs {
  input?: NodeJS.ReadableStream
  output?: NodeJS.WritableStream
}

const SESSION_COMMANDS = ['read', 'write', 'diag', 'identify', 'raw', 'unit', 'set', 'show', 'stats', 'help', 'exit', 'quit'] as const
const CLIENT_COMMANDS: readonly string[] = ['read', 'write', 'diag', 'identify']

/** The settings `set` changes, with the values each takes. */
const SETTINGS: Record<string, readonly string[]> = {
  type: VALUE_TYPES,
  'byte-order': ['big', 'little'],
  'word-order': ['big', 'little'],
  swap: ['on', 'off'],
  base: ['0', '1'],
  format: FORMATS,
  timestamp: ['on', 'off', 'auto'],
  timeout: [],
}

const HELP = `Commands (the command line's, without --target; "help read" lists a command's options):
  read <what> [options]     coils | discrete | holding | input | fifo | file | exception-status | event-counter | event-log | server-id, or 40001…
  write <what> [options]    coil | coils | register | registers | mask | file | read-write, or 00001/40001…; prints the echo
  diag <sub> [--data w,…]   any diagnostics sub-function, by name (Tab lists them) or number
  identify [--code c]       device identification: basic | regular | extended | specific (--object n)
  raw <hex>                 any request PDU, function code first: raw 03 0000 0002
  unit [n]                  show or set the unit id
  set [name value]          session defaults: ${Object.keys(SETTINGS).join(', ')}
  show                      the session settings
  stats                     the connection's counters
  help [command]            this, or a command's options
  exit                      end the session (also Ctrl-D)
Addresses are 0-based unless set base 1 or --base 1. Tab completes; ↑ and ↓ walk the history.
`

/** The mutable session state. */
interface State {
  client: ModbusClient
  unit: number
  timeout: number
  defaults: Defaults
  format: Format
  timestamp?: boolean
}

function onOff(value: string, name: string): boolean {
  if (/^(?:on|true|1)$/i.test(value)) return true
  if (/^(?:off|false|0)$/i.test(value)) return false
  throw new ArgumentError(`set ${name}: ${JSON.stringify(value)} is not on or off`)
}

/** Starts the session; resolves when it ends (exit, Ctrl-D, or end of input). */
export async function startRepl(o: ReplOptions): Promise<void> {
  const connect = (timeout: number) => openClient(o.target, { timeout, retries: o.retries })
  const state: State = {
    client: await connect(o.timeout),
    unit: o.unit,
    timeout: o.timeout,
    defaults: { type: o.type, byteOrder: o.byteOrder, wordOrder: o.wordOrder, swap: o.swap, base: o.base },
    format: o.format ?? 'table',
  }
  let running: AbortController | undefined
  let pending: Promise<void> = Promise.resolve()
  const prompt = () => `modbridge:${state.unit}> `
  const output = o.output ?? process.stdout
  output.write(`connected to ${o.target} (unit ${state.unit}); help lists the commands\n`)
  const server: REPLServer = repl.start({
    prompt: prompt(),
    input: o.input ?? process.stdin,
    output,
    eval: (line, _context, _file, done) => {
      // Commands run in the order given; input that ends (a pipe, a file) closes the session only
      // once every command read before the end has run.
      pending = pending.then(() =>
        execute(line).then(
          () => done(null, undefined),
          (err: unknown) => {
            sink.err(`error: ${errorText(err)}\n`)
            done(null, undefined)
          },
        ),
      )
    },
    completer: (line: string) => complete(line),
    ignoreUndefined: true,
    preview: false,
  })
  const sink: Sink = { out: (t) => void server.output.write(t), err: (t) => void server.output.write(t) }

  // Ctrl-C stops a running command; otherwise Node's own handling (clear the line, twice to exit).
  const nodeSigint = server.listeners('SIGINT') as (() => void)[]
  server.removeAllListeners('SIGINT')
  server.on('SIGINT', () => {
    if (running) running.abort()
    else for (const f of nodeSigint) f.call(server)
  })

  if (o.history) {
    await new Promise<void>((resolve, reject) => server.setupHistory(o.history, (err) => (err ? reject(err) : resolve())))
  }

  async function runClient(command: ClientCommand, args: object): Promise<void> {
    const plan =
      command === 'read'
        ? planRead(args as ReadArgs, state.defaults)
        : command === 'write'
          ? planWrite(args as WriteArgs, state.defaults)
          : command === 'diag'
            ? planDiag(args as DiagArgs)
            : planIdentify(args as IdentifyArgs)
    running = new AbortController()
    try {
      const a = args as { unit?: number; timestamp?: boolean }
      await runPlan(plan, state.client, a.unit ?? state.unit, { ...args, timestamp: a.timestamp ?? state.timestamp }, sink, running.signal, state.format)
    } finally {
      running = undefined
    }
  }

  async function parseClient(words: string[]): Promise<void> {
    let y: Argv = yargs(words)
      .scriptName('')
      .parserConfiguration({ 'parse-numbers': false, 'parse-positional-numbers': false })
      .exitProcess(false)
      .strict()
      .help()
      .version(false)
      .wrap(Math.min(110, process.stdout.columns || 110))
      .fail((msg, err) => {
        throw err ?? new ArgumentError(msg)
      })
    for (const c of clientCommands('repl', runClient)) y = y.command(c)
    await y.parseAsync()
  }

  async function raw(words: string[]): Promise<void> {
    const hex = words.join('').replace(/0x/gi, '')
    if (!/^(?:[0-9a-f]{2})+$/i.test(hex)) throw new ArgumentError('raw: give the request PDU in hex, function code first, e.g. raw 03 0000 0002')
    const fc = Number.parseInt(hex.slice(0, 2), 16)
    if (fc === 0 || fc >= EXCEPTION_FLAG) throw new ArgumentError(`raw: function code 0x${hex.slice(0, 2)} is not 1..127`)
    const reply = await state.client.execute<Message>(state.unit, { function: fc, data: hex.slice(2) })
    if (reply === null) return sink.out('broadcast sent; no reply is expected\n')
    if (state.format === 'json') return sink.out(JSON.stringify(reply) + '\n')
    const bytes = encodeResponse(reply).toString('hex').replace(/(..)(?!$)/g, '$1 ')
    const { function: name, ...fields } = reply as Message & Record<string, unknown>
    sink.out(`reply ${bytes}\n${String(name)} ${JSON.stringify(fields)}\n`)
  }

  async function set(words: string[]): Promise<void> {
    if (words.length === 0) return show()
    const [name, value] = words
    if (!(name in SETTINGS)) throw new ArgumentError(`set: unknown setting ${JSON.stringify(name)}; settings: ${Object.keys(SETTINGS).join(', ')}`)
    if (value === undefined || words.length > 2) throw new ArgumentError(`set ${name} takes one value${SETTINGS[name].length ? `: ${SETTINGS[name].join(', ')}` : ''}`)
    const choose = <T extends string>(choices: readonly T[]): T => {
      if (!(choices as readonly string[]).includes(value)) throw new ArgumentError(`set ${name}: choose ${choices.join(', ')}`)
      return value as T
    }
    const d = state.defaults
    switch (name) {
      case 'type': d.type = choose(VALUE_TYPES); break
      case 'byte-order': d.byteOrder = choose(['big', 'little'] as const); break
      case 'word-order': d.wordOrder = choose(['big', 'little'] as const); d.swap = undefined; break
      case 'swap': d.swap = onOff(value, name) || undefined; if (d.swap) d.wordOrder = undefined; break
      case 'base': d.base = parseInteger(value, 'set base', 0, 1); break
      case 'format': state.format = choose(FORMATS); break
      case 'timestamp': state.timestamp = value === 'auto' ? undefined : onOff(value, name); break
      default: {
        state.timeout = parseInteger(value, 'set timeout', 1, 600_000)
        const old = state.client
        state.client = await connect(state.timeout)
        await old.close()
      }
    }
    show()
  }

  function show(): void {
    const d = state.defaults
    const order = `byte-order ${d.byteOrder ?? 'big'}, word-order ${d.swap ? 'little (swap)' : (d.wordOrder ?? 'big')}`
    const stamp = state.timestamp === undefined ? 'auto' : state.timestamp ? 'on' : 'off'
    sink.out(`target ${o.target}, unit ${state.unit}, timeout ${state.timeout} ms\ntype ${d.type ?? 'uint16'}, ${order}, base ${d.base ?? 0}, format ${state.format}, timestamp ${stamp}\n`)
  }

  async function execute(line: string): Promise<void> {
    const words = splitWords(line)
    if (words.length === 0) return
    const [name, ...rest] = words
    switch (name) {
      case 'help':
        if (rest[0] && CLIENT_COMMANDS.includes(rest[0])) return parseClient([rest[0], '--help'])
        return sink.out(HELP)
      case 'exit':
      case 'quit':
        server.close()
        return
      case 'unit':
        if (rest.length > 1) throw new ArgumentError('unit takes one number')
        if (rest.length) {
          state.unit = parseInteger(rest[0], 'unit', 0, 255)
          server.setPrompt(prompt())
        }
        return sink.out(`unit ${state.unit}\n`)
      case 'set':
        return set(rest)
      case 'show':
        return show()
      case 'stats':
        return sink.out(Object.entries(state.client.stats).map(([k, v]) => `${k} ${v}`).join(', ') + '\n')
      case 'raw':
        return raw(rest)
      default:
        if (CLIENT_COMMANDS.includes(name)) return parseClient(words)
        throw new ArgumentError(`unknown command ${JSON.stringify(name)}${closest(name, SESSION_COMMANDS) ? `; did you mean ${closest(name, SESSION_COMMANDS)}?` : ''} (help lists them)`)
    }
  }

  function complete(line: string): [string[], string] {
    let words: string[]
    try {
      words = splitWords(line)
    } catch {
      return [[], '']
    }
    const current = /\s$/.test(line) || words.length === 0 ? '' : words.pop()!
    // Whole words, so a single match is completed with the space after it.
    const match = (choices: readonly string[]) => [choices.filter((c) => c.startsWith(current)).map((c) => c + ' '), current] as [string[], string]
    if (words.length === 0) return match(SESSION_COMMANDS)
    const command = words[0]
    if (command === 'help') return words.length === 1 ? match(CLIENT_COMMANDS) : [[], current]
    if (command === 'set') return words.length === 1 ? match(Object.keys(SETTINGS)) : words.length === 2 ? match(SETTINGS[words[1]] ?? []) : [[], current]
    if (!CLIENT_COMMANDS.includes(command)) return [[], current]
    const options = commandOptions(command as ClientCommand, 'repl')
    const previous = words[words.length - 1]
    if (previous.startsWith('--') && options[previous.slice(2)]?.choices) return match((options[previous.slice(2)].choices as readonly string[]).map(String))
    if (current.startsWith('-')) {
      const names = Object.entries(options).flatMap(([k, v]) => [k, ...([] as string[]).concat((v.alias as string | string[] | undefined) ?? [])])
      return match(names.filter((n) => n.length > 1).map((n) => `--${n}`).sort())
    }
    if (words.length === 1) {
      if (command === 'read') return match(READ_KINDS)
      if (command === 'write') return match(WRITE_KINDS)
      if (command === 'diag') return match(DIAG_NAMES)
    }
    return [[], current]
  }

  await new Promise<void>((resolve) => {
    server.once('exit', () => {
      void pending.then(() => state.client.close()).finally(resolve)
    })
  })
}
