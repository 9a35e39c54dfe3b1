/**
 * The Redis store (`serve --store redis://127.0.0.1:6379/0`): a unit's four tables in Redis
 * hashes, so other programs read and write the values while the server runs (the `redis` client,
 * loaded only when a store is opened).
 *
 * Key layout — one hash per unit and table, field = protocol address in decimal (0-based, as on
 * the wire):
 *
 *   modbridge:<unit>:co   coils              value "0" or "1"
 *   modbridge:<unit>:di   discrete inputs    value "0" or "1"
 *   modbridge:<unit>:hr   holding registers  value "0".."65535" (decimal)
 *   modbridge:<unit>:ir   input registers    value "0".."65535" (decimal)
 *
 * (`?prefix=name` in the URL replaces "modbridge".) Every read goes to Redis, so a value another
 * program sets (`HSET modbridge:1:hr 5 1234`) is what the next Modbus read returns, and a Modbus
 * write is in Redis before the reply is sent. A value that is missing or not valid ("abc",
 * "70000") answers exception 0x04 and is reported with its key and field; it is never passed on.
 *
 * Seeding: on connecting (and on every reconnection) the fields the device file has and Redis
 * lacks are set with HSETNX; fields present are kept. A Redis that restarted empty so serves the
 * device file's initial values again. Which addresses exist is the device file's map.
 *
 * Atomicity: a read is one HMGET and a write one HSET; mask write (16) and read/write multiple
 * (17) each run as one Lua script, which Redis executes with no other client's command in
 * between — atomic against every writer of the hash, not only this process.
 *
 * Redis going away: requests answer 0x04 at once while the client is disconnected (no offline
 * queue, so nothing waits for minutes), the loss and the return are reported once each through
 * `onStatus`, and the client reconnects with back-off (100 ms doubling to 2 s) for as long as the
 * store is open.
 */
import { createHash } from 'node:crypto'
import { ArgumentError, TransportError } from '../errors.ts'
import type { MemoryUnit } from './memory-unit.ts'
import { badStoredValue, storedBit, storedRegister } from './stored-value.ts'
import { StoredUnit, type StoreBackend } from './stored-unit.ts'
import type { BitTable, RegisterTable, TableName } from './types.ts'
import { STORED_TABLES, UnitMap } from './unit-map.ts'

/** The key suffix of each table. */
const TABLE_KEYS: Record<TableName, string> = { coils: 'co', discreteInputs: 'di', holdingRegisters: 'hr', inputRegisters: 'ir' }

/** The Redis hash holding `table` of unit `unit`, e.g. modbridge:1:hr. */
export function redisKey(prefix: string, unit: number, table: TableName): string {
  return `${prefix}:${unit}:${TABLE_KEYS[table]}`
}

/** What the store needs of a node-redis client (v5/v6). */
interface RedisClient {
  readonly isReady: boolean
  connect(): Promise<unknown>
  on(event: string, listener: (...args: never[]) => void): unknown
  hmGet(key: string, fields: string[]): Promise<(string | null)[]>
  hSet(key: string, values: Record<string, string>): Promise<number>
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>
  evalSha(sha: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>
  close(): Promise<unknown>
  destroy(): void
}

/** Options of openRedisStore. */
export interface RedisStoreOptions {
  /** How long the first connection may take, ms. Default 3000. */
  connectTimeoutMs?: number
  /**
   * How long one command may take, ms; past it the request answers 0x04 (a Redis that is connected
   * but stuck must not hold Modbus requests until the client gives up). Default: the URL's `timeout`
   * parameter, else 1000.
   */
  commandTimeoutMs?: number
  /** Told why a request answered 0x04 (a bad or missing value, a failed command); silent while Redis is known to be down. */
  onError?: (message: string) => void
  /** Told when the connection is lost ('warn') and when it is back ('info'). */
  onStatus?: (level: 'info' | 'warn', message: string) => void
  /** Loads the `redis` module (default: a dynamic import); for tests. */
  loadLibrary?: () => Promise<unknown>
}

/** A parsed store URL: what the client connects to, the key prefix, and a label without credentials. */
export interface RedisTarget {
  url: string
  prefix: string
  label: string
  /** The URL's `timeout` parameter (ms per command), if given. */
  timeoutMs?: number
}

/** Parses redis://[user:password@]host[:port][/db][?prefix=name&timeout=ms] (or rediss:// for TLS). */
export function parseRedisUrl(text: string): RedisTarget {
  let u: URL
  try {
    u = new URL(text)
  } catch {
    throw new ArgumentError(`redis store: ${JSON.stringify(text)} is not a URL; expected redis://host:port/db`)
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new ArgumentError(`redis store: ${JSON.stringify(text)} does not start with redis:// or rediss://`)
  if (u.hostname === '') throw new ArgumentError(`redis store: ${JSON.stringify(text)} names no host`)
  const db = u.pathname === '' || u.pathname === '/' ? '0' : u.pathname.slice(1)
  if (!/^\d{1,5}$/.test(db)) throw new ArgumentError(`redis store: database ${JSON.stringify(db)} in ${JSON.stringify(text)} is not a number`)
  const prefix = u.searchParams.get('prefix') ?? 'modbridge'
  if (!/^[\w.:-]{1,64}$/.test(prefix)) throw new ArgumentError(`redis store: prefix ${JSON.stringify(prefix)} must be 1..64 letters, digits, _ . : -`)
  for (const key of u.searchParams.keys()) if (key !== 'prefix' && key !== 'timeout') throw new ArgumentError(`redis store: unknown URL parameter ${JSON.stringify(key)} (prefix, timeout)`)
  const timeout = u.searchParams.get('timeout')
  if (timeout !== null && !(/^\d{1,6}$/.test(timeout) && Number(timeout) >= 1)) throw new ArgumentError(`redis store: timeout ${JSON.stringify(timeout)} must be a number of milliseconds, 1..999999`)
  const auth = u.username || u.password ? `${u.username}${u.password ? ':' + u.password : ''}@` : ''
  const hostPort = `${u.hostname}${u.port ? ':' + u.port : ''}`
  return { url: `${u.protocol}//${auth}${hostPort}/${db}`, prefix, label: `${u.protocol}//${hostPort}/${db}`, ...(timeout === null ? {} : { timeoutMs: Number(timeout) }) }
}

/** A Lua script, run by its SHA1 (EVALSHA) and sent whole only when Redis does not have it cached. */
class Script {
  private readonly sha: string
  constructor(private readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex')
  }

  async run(client: RedisClient, key: string, args: string[]): Promise<unknown> {
    const options = { keys: [key], arguments: args }
    try {
      return await client.evalSha(this.sha, options)
    } catch (err) {
      if (!/NOSCRIPT/.test((err as Error).message)) throw err
      return client.eval(this.source, options)
    }
  }
}

/** HSETNX field value … ; returns how many fields were set. */
const FILL = new Script(`local n = 0
for i = 1, #ARGV, 2 do n = n + redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 1]) end
return n`)

/** §6.16 on one field: {0, result}, or {1, raw} for a value that is not 0..65535, or {2} for none. */
const MASK_WRITE = new Script(`local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return {2} end
if not string.match(raw, '^%d%d?%d?%d?%d?$') or tonumber(raw) > 65535 then return {1, raw} end
local andMask = tonumber(ARGV[2])
local result = bit.band(bit.bor(bit.band(tonumber(raw), andMask), bit.band(tonumber(ARGV[3]), bit.bnot(andMask))), 65535)
redis.call('HSET', KEYS[1], ARGV[1], result)
return {0, result}`)

/** §6.17: ARGV = writeAddress, n, n values, readAddress, readQuantity; writes, then returns the HMGET of the read. */
const READ_WRITE = new Script(`local w = tonumber(ARGV[1])
local n = tonumber(ARGV[2])
local set = {}
for i = 1, n do
  set[2 * i - 1] = w + i - 1
  set[2 * i] = ARGV[2 + i]
end
redis.call('HSET', KEYS[1], unpack(set))
local r = tonumber(ARGV[3 + n])
local fields = {}
for i = 1, tonumber(ARGV[4 + n]) do fields[i] = r + i - 1 end
return redis.call('HMGET', KEYS[1], unpack(fields))`)

function fields(address: number, quantity: number): string[] {
  const out = new Array<string>(quantity)
  for (let i = 0; i < quantity; i++) out[i] = String(address + i)
  return out
}

/** Rejects with a TransportError when `p` has not settled within `ms`. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TransportError(`redis did not answer ${what} within ${ms} ms`)), ms)
  })
  return Promise.race([p, late]).finally(() => clearTimeout(timer))
}

/**
 * The client with a deadline on every data command. A command that timed out may still run in Redis
 * later (a write can land after its request answered 0x04), as with any client-side timeout.
 */
function timedClient(client: RedisClient, ms: number): RedisClient {
  return {
    get isReady() {
      return client.isReady
    },
    connect: () => client.connect(),
    on: (event, listener) => client.on(event, listener),
    hmGet: (key, f) => within(client.hmGet(key, f), ms, `HMGET ${key}`),
    hSet: (key, values) => within(client.hSet(key, values), ms, `HSET ${key}`),
    eval: (script, o) => within(client.eval(script, o), ms, `EVAL on ${o.keys[0]}`),
    evalSha: (sha, o) => within(client.evalSha(sha, o), ms, `EVALSHA on ${o.keys[0]}`),
    close: () => client.close(),
    destroy: () => client.destroy(),
  }
}

/** One unit's hashes. */
class RedisTables implements StoreBackend {
  constructor(
    private readonly client: RedisClient,
    private readonly prefix: string,
    private readonly unit: number,
  ) {}

  async readBits(table: BitTable, address: number, quantity: number): Promise<boolean[]> {
    const key = redisKey(this.prefix, this.unit, table)
    const raw = await this.client.hmGet(key, fields(address, quantity))
    const out = new Array<boolean>(quantity)
    for (let i = 0; i < quantity; i++) {
      const bit = storedBit(raw[i])
      if (bit === undefined) throw badStoredValue(`${key} field ${address + i}`, raw[i], true)
      out[i] = bit
    }
    return out
  }

  async readRegisters(table: RegisterTable, address: number, quantity: number): Promise<number[]> {
    const key = redisKey(this.prefix, this.unit, table)
    return this.registers(key, address, await this.client.hmGet(key, fields(address, quantity)))
  }

  async writeBits(table: BitTable, address: number, values: readonly boolean[]): Promise<void> {
    const set: Record<string, string> = {}
    for (let i = 0; i < values.length; i++) set[address + i] = values[i] ? '1' : '0'
    await this.client.hSet(redisKey(this.prefix, this.unit, table), set)
  }

  async writeRegisters(table: RegisterTable, address: number, values: readonly number[]): Promise<void> {
    const set: Record<string, string> = {}
    for (let i = 0; i < values.length; i++) set[address + i] = String(values[i])
    await this.client.hSet(redisKey(this.prefix, this.unit, table), set)
  }

  async maskWriteRegister(address: number, andMask: number, orMask: number): Promise<number> {
    const key = redisKey(this.prefix, this.unit, 'holdingRegisters')
    const reply = (await MASK_WRITE.run(this.client, key, [String(address), String(andMask), String(orMask)])) as [number, unknown?]
    if (reply[0] !== 0) throw badStoredValue(`${key} field ${address}`, reply[0] === 2 ? null : reply[1], false)
    return Number(reply[1])
  }

  async readWriteRegisters(writeAddress: number, values: readonly number[], readAddress: number, readQuantity: number): Promise<number[]> {
    const key = redisKey(this.prefix, this.unit, 'holdingRegisters')
    const args = [String(writeAddress), String(values.length), ...values.map(String), String(readAddress), String(readQuantity)]
    const raw = (await READ_WRITE.run(this.client, key, args)) as (string | null)[]
    return this.registers(key, readAddress, raw)
  }

  private registers(key: string, address: number, raw: readonly (string | null)[]): number[] {
    const out = new Array<number>(raw.length)
    for (let i = 0; i < raw.length; i++) {
      const value = storedRegister(raw[i])
      if (value < 0) throw badStoredValue(`${key} field ${address + i}`, raw[i], false)
      out[i] = value
    }
    return out
  }
}

/** An open Redis store: one StoredUnit per unit of the device file, over one connection. */
export class RedisStore {
  /** Fields the first connection set from the device file (0 when Redis had them all). */
  seeded = 0
  private readonly stored = new Map<number, StoredUnit>()
  private up = true
  private closed = false
  /** The client with its per-command deadline: what requests and refills use. */
  private readonly timed: RedisClient

  /** Use openRedisStore. */
  constructor(
    readonly target: RedisTarget,
    private readonly client: RedisClient,
    private readonly templates: ReadonlyMap<number, MemoryUnit>,
    private readonly options: RedisStoreOptions,
  ) {
    const onError = (message: string) => {
      if (this.up) options.onError?.(message)
    }
    this.timed = timedClient(client, options.commandTimeoutMs ?? target.timeoutMs ?? 1000)
    for (const [unit, template] of templates) {
      this.stored.set(unit, new StoredUnit(template, new RedisTables(this.timed, target.prefix, unit), { label: `redis ${target.label} unit ${unit}`, onError }))
    }
  }

  /** The stored unit for unit id `unit`, or undefined. */
  unit(unit: number): StoredUnit | undefined {
    return this.stored.get(unit)
  }

  /** Every stored unit by unit id. */
  get units(): ReadonlyMap<number, StoredUnit> {
    return this.stored
  }

  /** True while the connection to Redis is up. */
  get connected(): boolean {
    return this.up && this.client.isReady
  }

  /** Sets every field the device file has and Redis lacks; returns how many were set. */
  async fill(): Promise<number> {
    let set = 0
    for (const [unit, template] of this.templates) {
      const map = new UnitMap(template)
      for (const table of STORED_TABLES) {
        const key = redisKey(this.target.prefix, unit, table)
        for (const run of map.seeds(table)) {
          const args = new Array<string>(run.values.length * 2)
          for (let i = 0; i < run.values.length; i++) {
            args[2 * i] = String(run.address + i)
            args[2 * i + 1] = String(run.values[i])
          }
          set += Number(await FILL.run(this.timed, key, args))
        }
      }
    }
    return set
  }

  /** Called by openRedisStore once connected: watches the connection from then on. */
  watch(): void {
    this.client.on('error', (err: Error) => {
      if (!this.up || this.closed) return
      this.up = false
      this.options.onStatus?.('warn', `redis ${this.target.label}: connection lost (${err.message}); requests answer exception 04 until it is back`)
    })
    this.client.on('ready', () => {
      if (this.up || this.closed) return
      this.up = true
      this.fill().then(
        (n) => this.options.onStatus?.('info', `redis ${this.target.label}: connected again${n > 0 ? `; ${n} missing fields set from the device file` : ''}`),
        (err: Error) => this.options.onStatus?.('warn', `redis ${this.target.label}: connected again, but filling missing fields failed (${err.message})`),
      )
    })
  }

  /** Closes the connection; requests after this answer 0x04. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    try {
      if (this.client.isReady) await this.client.close()
      else this.client.destroy()
    } catch {
      this.client.destroy()
    }
  }
}

/**
 * Connects to the Redis at `url` (see parseRedisUrl) for the units of `templates` (unit id → the
 * device file's MemoryUnit: the map and the initial values) and sets the fields Redis lacks.
 * Throws ArgumentError for a bad URL or a missing `redis` package, TransportError when Redis
 * cannot be reached.
 */
export async function openRedisStore(url: string, templates: ReadonlyMap<number, MemoryUnit>, options: RedisStoreOptions = {}): Promise<RedisStore> {
  const target = parseRedisUrl(url)
  let createClient: (options: object) => RedisClient
  try {
    const mod = (await (options.loadLibrary ?? (() => import('redis')))()) as { createClient?: unknown }
    if (typeof mod.createClient !== 'function') throw new TypeError('the module has no createClient')
    createClient = mod.createClient as (options: object) => RedisClient
  } catch (err) {
    throw new ArgumentError(`redis store: the redis package is not available (${(err as Error).message.split('\n')[0]}); install it with: npm install redis`, { cause: err })
  }
  let ready = false
  const client = createClient({
    url: target.url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: options.connectTimeoutMs ?? 3000,
      // The first connection fails at once (a clear error at start); later losses retry with back-off.
      reconnectStrategy: (retries: number) => (ready ? Math.min(100 * 2 ** Math.min(retries, 5), 2000) : false),
    },
  })
  let firstError: Error | undefined
  client.on('error', (err: Error) => (firstError ??= err))
  try {
    await client.connect()
  } catch (err) {
    client.destroy()
    const reason = (firstError ?? (err as Error)).message
    throw new TransportError(`redis store ${target.label}: cannot connect (${reason}); is redis-server running there?`, { cause: err })
  }
  ready = true
  const store = new RedisStore(target, client, templates, options)
  try {
    store.seeded = await store.fill()
  } catch (err) {
    await store.close()
    throw new TransportError(`redis store ${target.label}: cannot set the initial values (${(err as Error).message})`, { cause: err })
  }
  store.watch()
  return store
}
