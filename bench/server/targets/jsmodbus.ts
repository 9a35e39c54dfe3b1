/**
 * jsmodbus's ModbusTCPServer as a benchmark target, over a net.Server with TCP_NODELAY and a
 * holding-register buffer of 10,000 registers whose first ten hold the workload's values. It
 * answers pipelined requests in reverse order; the load generator matches by transaction id.
 * Prints `{"port":N}` once listening.
 */
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { registerBytes } from '../workload.ts'
import { announce } from './announce.ts'

const require = createRequire(import.meta.url)
const jsmodbus = require('jsmodbus') as typeof import('jsmodbus')

const net = createServer({ noDelay: true })
new jsmodbus.server.TCP(net, { holding: registerBytes(10_000) })
net.listen(0, '127.0.0.1', () => {
  const a = net.address()
  announce(a && typeof a === 'object' ? a.port : 0)
})
