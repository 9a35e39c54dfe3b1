/**
 * The paths bench:proxy compares between the load generator and one real libmodbus TCP server
 * (bench/server/libmodbus-server.c, compiled once into a temporary folder for the run):
 *
 *   direct    the generator connects to the server itself (the server's own ceiling)
 *   socat     `socat TCP-LISTEN:S,fork,reuseaddr,bind=127.0.0.1 TCP:127.0.0.1:P`: a plain byte
 *             relay, one forked process and one server connection per client connection
 *   gateway   modbridge's Gateway in this process, with the configuration defaults: one
 *             connection to the server, up to maxInFlight (128 here: what libmodbus allows) requests pipelined on it
 *
 * Everything binds or connects to 127.0.0.1 only. Given a CPU, the server and the relay are pinned
 * to it (socat's forks inherit the mask; the gateway pins this whole process), so either relay
 * gets the same share: one core, shared with the server.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer as createNetServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { validateConfig } from '../../proxy/config.ts'
import { Gateway } from '../../proxy/gateway.ts'
import { announcedPort, onCpu, onLine, start, stop, type Child } from '../server/children.ts'
import { compileLibmodbusServer } from '../server/targets.ts'
import { VALUES } from '../server/workload.ts'

/** One path to the server, as the load generator sees it. */
export interface Relay {
  name: 'direct' | 'socat' | 'gateway'
  port: number
  /** The relay's process for CPU time (`children`: with its forks); none for the direct path. */
  cpu?: { pid: number; children: boolean }
  close(): Promise<void>
}

/** The running libmodbus server. */
export interface DeviceServer {
  port: number
  pid: number
  close(): Promise<void>
}

/** Compiles and starts the libmodbus server (on `cpu` when given); throws with the reason when it cannot. */
export async function startLibmodbus(cpu?: number): Promise<DeviceServer> {
  const dir = mkdtempSync(join(tmpdir(), 'modbridge-bench-'))
  // Also on Ctrl-C: children.ts ends the process with exit(), which runs this.
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }))
  const binary = join(dir, 'libmodbus-server')
  const failure = compileLibmodbusServer(binary)
  if (failure) {
    rmSync(dir, { recursive: true, force: true })
    throw new Error(failure)
  }
  const launch = onCpu(cpu, binary, [VALUES.join(',')])
  const child = start(launch.command, launch.args)
  const cleanup = async () => {
    await stop(child)
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    const port = await announcedPort(child, 10)
    return { port, pid: child.process.pid as number, close: cleanup }
  } catch (err) {
    await cleanup()
    throw err
  }
}

/** The direct path: no relay. */
export function direct(server: DeviceServer): Relay {
  return { name: 'direct', port: server.port, close: async () => {} }
}

/** A port free on 127.0.0.1 a moment ago (socat binds it next; nothing else here binds ports). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const a = probe.address()
      const port = typeof a === 'object' && a ? a.port : 0
      probe.close(() => resolve(port))
    })
  })
}

/** Resolves once socat logs that it listens (`-d -d` writes it on stderr). */
function listening(child: Child, seconds: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`socat did not listen within ${seconds} s: ${child.stderr()}`)), seconds * 1000)
    const check = () => {
      if (!/listening on/.test(child.stderr())) return
      clearTimeout(timer)
      child.process.stderr?.off('data', check)
      resolve()
    }
    child.process.stderr?.on('data', check)
    child.process.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`socat exited (${code}): ${child.stderr()}`))
    })
    check()
  })
}

/** socat as a byte relay on a free port in front of the server (on `cpu` when given). */
export async function startSocat(server: DeviceServer, cpu?: number): Promise<Relay> {
  const port = await freePort()
  const launch = onCpu(cpu, 'socat', ['-d', '-d', `TCP-LISTEN:${port},fork,reuseaddr,bind=127.0.0.1`, `TCP:127.0.0.1:${server.port}`])
  const child = start(launch.command, launch.args)
  onLine(child, () => {})
  try {
    await listening(child, 5)
  } catch (err) {
    await stop(child)
    throw err
  }
  return { name: 'socat', port, cpu: { pid: child.process.pid as number, children: true }, close: () => stop(child) }
}

/**
 * The modbridge gateway in this process, configuration defaults, every unit routed to the server.
 * With `cpu`, every thread of this process is pinned to it (`taskset -a -p`).
 */
export async function startGateway(server: DeviceServer, cpu?: number): Promise<Relay & { gateway: Gateway }> {
  if (cpu !== undefined) spawnSync('taskset', ['-a', '-p', '-c', String(cpu), String(process.pid)], { stdio: 'ignore' })
  const gateway = new Gateway(
    validateConfig({
      listen: ['tcp://127.0.0.1:0'],
      // BENCH_GATEWAY_CONNECTIONS=n: n connections to the device (buses.*.connections; default the config's 1).
      // maxInFlight is set to what this device allows, as the README tells users to: libmodbus's server reads
      // pipelined requests one after another from its socket, so nothing below the clients' own 16 × 8 is
      // needed (the config's default of 16 suits devices whose limit is unknown). BENCH_GATEWAY_IN_FLIGHT=n overrides.
      buses: { dev: { address: `tcp://127.0.0.1:${server.port}`, ...(process.env.BENCH_GATEWAY_CONNECTIONS ? { connections: Number(process.env.BENCH_GATEWAY_CONNECTIONS) } : {}), maxInFlight: Number(process.env.BENCH_GATEWAY_IN_FLIGHT ?? 128) } },
      routes: [{ units: '1-247', bus: 'dev' }],
    }),
  )
  await gateway.start()
  const port = Number(gateway.listening[0].split(':').pop())
  return { name: 'gateway', port, gateway, cpu: { pid: process.pid, children: false }, close: () => gateway.close() }
}
