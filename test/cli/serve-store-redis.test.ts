/**
 * `modbridge serve --store redis://…` as a real child process against a real redis-server, with
 * redis-cli as the other program: Modbus writes show up in Redis, redis-cli writes show up in
 * Modbus reads, a garbage value is refused with a logged reason, Redis absent at start ends serve
 * with one line, and Redis going away mid-run never ends it.
 */
import { execFile } from 'node:child_process'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { connectClient, ModbusExceptionError, type ModbusClient } from '../../core/index.ts'
import { startRedis, type RedisServer } from '../helpers/redis-server.ts'
import { runCli } from '../helpers/run-cli.ts'
import { startCli, type RunningCli } from '../helpers/spawn-cli.ts'
import { waitFor } from '../helpers/wait.ts'

const SERVING = /serving (tcp:\/\/127\.0\.0\.1:\d+)/
let redis: RedisServer | undefined
let cli: (RunningCli & { match: RegExpMatchArray }) | undefined
let client: ModbusClient | undefined

/** Runs redis-cli against the test's redis-server; resolves with its trimmed output. */
function redisCli(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('redis-cli', ['-h', '127.0.0.1', '-p', String(redis!.port), ...args], { timeout: 10_000 }, (err, stdout) => (err ? reject(err) : resolve(stdout.trim())))
  })
}

async function exceptionCode(p: Promise<unknown>): Promise<number> {
  try {
    await p
  } catch (err) {
    assert.instance(err, ModbusExceptionError, `got ${String(err)}`)
    return (err as ModbusExceptionError).exceptionCode
  }
  assert.unreachable('expected an exception reply')
  return -1
}

const test = suite('serve --store redis: Redis both ways, with redis-cli as the other program')

test.before(async () => {
  redis = await startRedis()
  cli = await startCli(['serve', '--listen', 'tcp://127.0.0.1:0', '--store', `${redis.url}?prefix=plant`], SERVING)
  client = connectClient(cli.match[1], { timeout: 3000 })
})

test.after(async () => {
  await client?.close()
  await cli?.stop()
  await redis?.stop()
})

test('the log names the store, and Redis holds the device file under the documented keys', async () => {
  assert.match(cli!.output(), /store: redis redis:\/\/127\.0\.0\.1:\d+\/0 \(keys plant:<unit>:co\|di\|hr\|ir; 40000 fields seeded from the device file\)/)
  assert.is(await redisCli('HLEN', 'plant:1:hr'), '10000')
  assert.is(await redisCli('HGET', 'plant:1:ir', '42'), '42')
  assert.is(await redisCli('HGET', 'plant:1:di', '3'), '1')
})

test('Modbus write → Redis: redis-cli reads what a client wrote', async () => {
  await client!.writeRegisters(1, 5, [1234, 65535])
  await client!.writeCoil(1, 9, true)
  assert.is(await redisCli('HGET', 'plant:1:hr', '5'), '1234')
  assert.is(await redisCli('HGET', 'plant:1:hr', '6'), '65535')
  assert.is(await redisCli('HGET', 'plant:1:co', '9'), '1')
})

test('Redis write → Modbus read: the next read returns what redis-cli set', async () => {
  assert.is(await redisCli('HSET', 'plant:1:hr', '7', '4321'), '0')
  assert.is(await redisCli('HSET', 'plant:1:ir', '0', '999'), '0')
  assert.is(await redisCli('HSET', 'plant:1:co', '1', '1'), '0')
  assert.equal(await client!.readHoldingRegisters(1, 7, 1), [4321])
  assert.equal(await client!.readInputRegisters(1, 0, 1), [999])
  assert.equal(await client!.readCoils(1, 0, 2), [false, true])
})

test('hostile value: "abc" set by redis-cli answers exception 04 and the reason is logged; a valid value heals it', async () => {
  await redisCli('HSET', 'plant:1:hr', '8', 'abc')
  assert.is(await exceptionCode(client!.readHoldingRegisters(1, 7, 2)), 4)
  await waitFor(() => /plant:1:hr field 8 holds "abc", not an integer 0\.\.65535/.test(cli!.output()), 'the reason in the log')
  await redisCli('HSET', 'plant:1:hr', '8', '70000')
  assert.is(await exceptionCode(client!.readHoldingRegisters(1, 8, 1)), 4)
  await redisCli('HSET', 'plant:1:hr', '8', '8')
  assert.equal(await client!.readHoldingRegisters(1, 7, 2), [4321, 8])
})

test('Redis going away mid-run: requests answer 04, serve keeps running, and answers again once Redis is back', async () => {
  await redis!.stop()
  await waitFor(() => /connection lost/.test(cli!.output()), 'the loss in the log', 10_000)
  assert.is(await exceptionCode(client!.readHoldingRegisters(1, 0, 1)), 4)
  assert.is(await exceptionCode(client!.writeRegister(1, 0, 1)), 4)
  assert.is(cli!.proc.exitCode, null, 'serve is still running')
  await redis!.start()
  await waitFor(() => /connected again/.test(cli!.output()), 'the return in the log', 15_000)
  await client!.writeRegister(1, 0, 77)
  assert.is(await redisCli('HGET', 'plant:1:hr', '0'), '77')
  assert.equal(await client!.readHoldingRegisters(1, 0, 1), [77])
})

// ---

const absent = suite('serve --store redis: no Redis at start')

absent('ends at once with exit 2 and one line naming the address', async () => {
  const down = await startRedis()
  const url = down.url
  await down.stop()
  const r = await runCli(['serve', '--listen', 'tcp://127.0.0.1:0', '--store', url], 20_000)
  assert.is(r.code, 2)
  const lines = r.stderr.split('\n').filter(Boolean)
  assert.equal(lines, [`modbridge: MB_ERR_TRANSPORT: redis store ${url}: cannot connect (connect ECONNREFUSED 127.0.0.1:${down.port}); is redis-server running there?`])
})

test.run()
absent.run()
