/**
 * The servers the benchmark measures, and how each is started in a process of its own: the Node
 * ones through `node --import tsx` (one process, so its pid is the server's), the libmodbus one
 * compiled here on first use, pymodbus through Debian's /usr/bin/python3.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { VALUES } from './workload.ts'

const HERE = dirname(fileURLToPath(import.meta.url))
/** The repository root, the working directory of every child. */
export const ROOT = join(HERE, '..', '..')
/** Compiled helpers; the folder ignores itself in git (a `.gitignore` of `*`). */
const BUILD = join(ROOT, 'bench', '.build')
const PYTHON = '/usr/bin/python3'

/** A command that starts a target, or the reason it cannot run here. */
export type Launch = { command: string; args: string[] } | { skip: string }

/** One server under test. */
export interface Target {
  name: string
  /** What it is, for the table's notes. */
  description: string
  /** Node peers are compared with modbridge as a group ("the faster Node peer"). */
  nodePeer: boolean
  launch(): Launch
}

/** `node --import tsx <file>` for a script in this folder. */
export function nodeScript(file: string, ...args: string[]): { command: string; args: string[] } {
  return { command: process.execPath, args: ['--import', 'tsx', join(HERE, file), ...args] }
}

function errorText(err: unknown): string {
  const e = err as { stderr?: Buffer | string; message?: string }
  const stderr = e.stderr ? String(e.stderr).trim() : ''
  return stderr || e.message || String(err)
}

const LIBMODBUS_SOURCE = join(HERE, 'libmodbus-server.c')

/** Compiles libmodbus-server.c into bench/.build/ unless the binary is newer than the source. */
function buildLibmodbus(): Launch {
  const binary = join(BUILD, 'libmodbus-server')
  if (existsSync(binary) && statSync(binary).mtimeMs >= statSync(LIBMODBUS_SOURCE).mtimeMs) return { command: binary, args: [VALUES.join(',')] }
  mkdirSync(BUILD, { recursive: true })
  writeFileSync(join(BUILD, '.gitignore'), '*\n')
  const failure = compileLibmodbusServer(binary)
  return failure ? { skip: failure } : { command: binary, args: [VALUES.join(',')] }
}

/**
 * Compiles libmodbus-server.c (cc -O2, flags from pkg-config) into `binary`; returns why it could
 * not, or undefined. The binary takes the register values as its one argument: `VALUES.join(',')`.
 */
export function compileLibmodbusServer(binary: string): string | undefined {
  let flags: string[]
  try {
    flags = execFileSync('pkg-config', ['--cflags', '--libs', 'libmodbus'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
      .trim()
      .split(/\s+/)
      .filter(Boolean)
  } catch (err) {
    return `libmodbus not found by pkg-config (apt install libmodbus-dev): ${errorText(err)}`
  }
  try {
    execFileSync('cc', ['-O2', '-o', binary, LIBMODBUS_SOURCE, ...flags], { stdio: ['ignore', 'pipe', 'pipe'] })
  } catch (err) {
    return `cc failed: ${errorText(err)}`
  }
  return undefined
}

function pymodbus(): Launch {
  const probe = spawnSync(PYTHON, ['-c', 'import pymodbus'], { encoding: 'utf8' })
  if (probe.error) return { skip: `${PYTHON} not found` }
  if (probe.status !== 0) return { skip: `pymodbus is not installed for ${PYTHON} (apt install python3-pymodbus)` }
  return { command: PYTHON, args: [join(HERE, 'pymodbus-server.py'), VALUES.join(',')] }
}

function pymodbusVersion(): string {
  const probe = spawnSync(PYTHON, ['-c', 'import pymodbus; print(pymodbus.__version__)'], { encoding: 'utf8' })
  return probe.status === 0 ? probe.stdout.trim() : '?'
}

function npmVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version
  } catch {
    return '?'
  }
}

/** libmodbus's version by pkg-config, or '?'. */
export function libmodbusVersion(): string {
  try {
    return execFileSync('pkg-config', ['--modversion', 'libmodbus'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return '?'
  }
}

/** Every target, modbridge first. */
export function targets(): Target[] {
  return [
    { name: 'modbridge', description: 'modbridge createServer(tcp://), default device', nodePeer: false, launch: () => nodeScript('targets/modbridge.ts') },
    {
      name: 'modbus-serial',
      description: `modbus-serial ${npmVersion('modbus-serial')} ServerTCP, vector with getMultipleHoldingRegisters`,
      nodePeer: true,
      launch: () => nodeScript('targets/modbus-serial.ts'),
    },
    {
      name: 'jsmodbus',
      description: `jsmodbus ${npmVersion('jsmodbus')} ModbusTCPServer over net.Server, holding buffer`,
      nodePeer: true,
      launch: () => nodeScript('targets/jsmodbus.ts'),
    },
    {
      name: 'libmodbus',
      description: `libmodbus ${libmodbusVersion()} (C, cc -O2), select() loop: modbus_receive + modbus_reply`,
      nodePeer: false,
      launch: buildLibmodbus,
    },
    { name: 'pymodbus', description: `pymodbus ${pymodbusVersion()} asyncio ModbusTcpServer, sequential block`, nodePeer: false, launch: pymodbus },
  ]
}
