/**
 * modbus-serial's ServerTCP as a benchmark target, with a vector whose synchronous
 * getMultipleHoldingRegisters returns the workload's values (the fastest path its handler offers:
 * one call per request instead of one per register). Prints `{"port":N}` once listening.
 *
 * ServerTCP treats port 0 as "use 502", so a free port is found first by binding port 0 and
 * releasing it. Its sockets get TCP_NODELAY, like every other target's (modbridge sets it
 * itself; without it Nagle's algorithm would hold back replies written while one is unacked).
 */
import { createRequire } from 'node:module'
import { createServer, type Server, type Socket } from 'node:net'
import { UNIT, registerBytes } from '../workload.ts'
import { announce } from './announce.ts'

const require = createRequire(import.meta.url)
const { ServerTCP } = require('modbus-serial') as typeof import('modbus-serial')

const REGISTERS = 10_000
const bytes = registerBytes(REGISTERS)
const holding: number[] = Array.from({ length: REGISTERS }, (_, i) => bytes.readUInt16BE(2 * i))

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const a = probe.address()
      const port = a && typeof a === 'object' ? a.port : 0
      probe.close(() => resolve(port))
    })
  })
}

const port = await freePort()
const server = new ServerTCP(
  { getMultipleHoldingRegisters: (addr: number, length: number) => holding.slice(addr, addr + length) },
  { host: '127.0.0.1', port, unitID: UNIT },
)
// ServerTCP keeps its net.Server in a private field; the listener only sets TCP_NODELAY.
const net = (server as unknown as { _server: Server })._server
net.on('connection', (socket: Socket) => socket.setNoDelay(true))
server.on('initialized', () => announce(port))
server.on('serverError', (err: unknown) => {
  process.stderr.write(`modbus-serial: ${String(err)}\n`)
  process.exit(1)
})
