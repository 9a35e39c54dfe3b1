/**
 * modbus-serial v8 as the benchmark drives it, through its own classes and functions.
 *
 * modbus-serial builds every frame as RTU (address, PDU, bitwise CRC-16) and lets the port
 * rewrite it: TcpPort strips the CRC and prepends MBAP, AsciiPort swaps the CRC for an LRC and
 * hex-encodes. On receive the ports turn what arrived back into RTU (TcpPort and AsciiPort compute
 * a CRC for it) and ModbusRTU's `_onReceive` checks that CRC and parses with `_readFC3or4`. The
 * servers parse MBAP or take a serial chunk, add or recompute the CRC, and run the handlers of
 * servers/servertcp_handler.js, which decode the request and build the reply in one call.
 *
 * So the cells run, per frame:
 *   client encode (fc 10):  ModbusRTU.writeFC16 → port.write (TcpPort, RTUBufferedPort, AsciiPort)
 *   client decode (fc 03):  port 'data' handler → ModbusRTU._onReceive → _readFC3or4 → callback
 *   server encode (fc 03):  ServerTCP/ServerSerial 'data' handler, fed the 8-byte read request →
 *                           readMultipleRegisters handler → reply with CRC (→ MBAP) → write
 *   server decode (fc 10):  the same handler path, ending in vector.setRegisterArray(values)
 *
 * What stands in for the outside world: a serialport stub (so no native binding or device is
 * opened) and a net stub for ServerTCP (no listening socket). The servers' per-frame
 * `setTimeout(parse, 0)` is replaced by a direct call, which only makes modbus-serial faster.
 * Both are injected by loading the CommonJS file with those names bound (loadWith below); the
 * library's own code is unchanged.
 */
import { EventEmitter } from 'node:events'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { FramerKind } from '../../core/index.ts'
import { READ_VALUES, TID, UNIT, WRITE_ADDRESS, WRITE_VALUES, type CaseId, type Decoded, type Peer } from '../cases.ts'

const require = createRequire(import.meta.url)
const ROOT = dirname(require.resolve('modbus-serial'))

/** Loads one of modbus-serial's CommonJS files with some `require` ids and free names rebound. */
function loadWith(file: string, stubs: Record<string, unknown>, free: Record<string, unknown> = {}): any {
  const path = join(ROOT, file)
  const realRequire = createRequire(path)
  const module = { exports: {} as unknown }
  const names = Object.keys(free)
  const body = new Function('exports', 'require', 'module', '__filename', '__dirname', ...names, readFileSync(path, 'utf8'))
  const localRequire = (id: string): unknown => (id in stubs ? stubs[id] : realRequire(id))
  body(module.exports, localRequire, module, path, dirname(path), ...names.map((n) => free[n]))
  return module.exports
}

/** A serial port that is always open and keeps the last buffer written to it. */
class StubSerialPort extends EventEmitter {
  isOpen = true
  written: Buffer | undefined
  constructor(..._options: unknown[]) {
    super()
  }
  write(buf: Buffer): boolean {
    this.written = buf
    return true
  }
  pipe<T>(destination: T): T {
    return destination
  }
  open(): void {}
  close(): void {}
}

/** An accepted TCP connection that keeps the last buffer written to it. */
class StubSocket extends EventEmitter {
  remoteAddress = '127.0.0.1'
  localPort = 502
  written: Buffer | undefined
  address(): object {
    return {}
  }
  write(buf: Buffer): boolean {
    this.written = buf
    return true
  }
  destroy(): void {}
}

const serialportStub = { SerialPort: StubSerialPort }
const netStub = {
  createServer(): EventEmitter {
    const server = new EventEmitter() as EventEmitter & { listen(): void; close(cb?: () => void): void }
    server.listen = () => {}
    server.close = (cb) => cb?.()
    return server
  },
}
const runNow = { setTimeout: (fn: () => void) => fn() }

const ModbusRTU = require('modbus-serial')
const TcpPort = require(join(ROOT, 'ports/tcpport.js'))
const crc16: (buf: Buffer) => number = require(join(ROOT, 'utils/crc16.js'))
const RTUBufferedPort = loadWith('ports/rtubufferedport.js', { serialport: serialportStub })
const AsciiPort = loadWith('ports/asciiport.js', { serialport: serialportStub })
const ServerTCP = loadWith('servers/servertcp.js', { net: netStub }, runNow)
const ServerSerial = loadWith('servers/serverserial.js', { serialport: serialportStub }, runNow)

/** RTU length of the fc 03 reply: address, fc, byte count, 250 bytes, CRC. */
const READ_REPLY_LENGTH = 3 + 2 * READ_VALUES.length + 2

/** The 8-byte RTU read request (address 0, 125 registers) a server answers with case (a). */
function readRequestRtu(): Buffer {
  const buf = Buffer.from([UNIT, 0x03, 0, 0, 0, READ_VALUES.length, 0, 0])
  buf.writeUInt16LE(crc16(buf.subarray(0, 6)), 6)
  return buf
}

/** The same request over MBAP. */
function readRequestTcp(): Buffer {
  return Buffer.from([TID >>> 8, TID & 0xff, 0, 0, 0, 6, UNIT, 0x03, 0, 0, 0, READ_VALUES.length])
}

/** A client on `port`, wired as ModbusRTU.open() would wire it, expecting fc 03 replies under `key`. */
function readingClient(port: any, key: number, onReply: (err: unknown, res: { data: number[] }) => void): void {
  const client = new ModbusRTU(port)
  port._transactionIdRead = key
  port.on('data', client._onReceive)
  client._transactions[key] = { nextAddress: UNIT, nextCode: 3, nextLength: READ_REPLY_LENGTH, next: onReply }
}

/** A modbus-serial server on a stub connection: `feed` delivers one chunk, `written` is the reply. */
function server(kind: 'tcp' | 'rtu', vector: object): { feed(chunk: Buffer): void; written(): Buffer | undefined } {
  if (kind === 'tcp') {
    const srv = new ServerTCP(vector, { port: 0 })
    const sock = new StubSocket()
    srv._server.emit('connection', sock)
    return { feed: (chunk) => sock.emit('data', chunk), written: () => sock.written }
  }
  const reply = { written: undefined as Buffer | undefined, write(b: Buffer) { reply.written = b } }
  const srv = new ServerSerial(vector, { portResponse: reply })
  return { feed: (chunk) => srv._server.emit('data', chunk), written: () => reply.written }
}

/** What a server cell includes beyond the compared work, per framer. */
const SERVER_NOTE = {
  tcp: 'the server handler call (its setTimeout(0) made direct) also decodes the 8-byte request or builds the 8-byte reply',
  rtu:
    'as for TCP; ServerSerial frames by a 30 ms silence timer, bypassed here (one chunk, one frame), and overwrites the ' +
    'received CRC with one it computes before checking it, so it never rejects a bad CRC',
}

/** modbus-serial as a peer. */
export const modbusSerial: Peer = {
  name: 'modbus-serial',

  encoder(c: CaseId, kind: FramerKind) {
    if (kind === 'binary') return { missing: 'modbus-serial has no Binary framing' }
    if (c === 'write') {
      const values = [...WRITE_VALUES]
      const noop = () => {}
      if (kind === 'tcp') {
        const port = new TcpPort('127.0.0.1')
        port.openFlag = true
        let written: Buffer | undefined
        port._client.write = (b: Buffer) => ((written = b), true)
        const client = new ModbusRTU(port)
        return {
          async once() {
            port._transactionIdWrite = TID
            client.writeFC16(UNIT, WRITE_ADDRESS, values, noop)
            await port._writeCompleted
            return written ?? Buffer.alloc(0)
          },
          run(n) {
            for (let i = 0; i < n; i++) client.writeFC16(UNIT, WRITE_ADDRESS, values, noop)
          },
          settle: () => port._writeCompleted,
          note: 'TcpPort.write adds 2 promises per frame (its write ordering); the timed loop awaits them',
        }
      }
      const port = kind === 'rtu' ? new RTUBufferedPort('/dev/null', {}) : new AsciiPort('/dev/null', {})
      port._transactionIdWrite = 1
      const client = new ModbusRTU(port)
      return {
        once() {
          client.writeFC16(UNIT, WRITE_ADDRESS, values, noop)
          return port._client.written ?? Buffer.alloc(0)
        },
        run(n) {
          for (let i = 0; i < n; i++) client.writeFC16(UNIT, WRITE_ADDRESS, values, noop)
        },
      }
    }
    if (kind === 'ascii') return { missing: 'modbus-serial has no ASCII server' }
    const values = [...READ_VALUES]
    const srv = server(kind, { getMultipleHoldingRegisters: (_address: number, _length: number, _unit: number) => values })
    const request = kind === 'tcp' ? readRequestTcp() : readRequestRtu()
    return {
      once() {
        srv.feed(request)
        return srv.written() ?? Buffer.alloc(0)
      },
      run(n) {
        for (let i = 0; i < n; i++) srv.feed(request)
      },
      note: SERVER_NOTE[kind],
    }
  },

  decoder(c: CaseId, kind: FramerKind, adu: Buffer) {
    if (kind === 'binary') return { missing: 'modbus-serial has no Binary framing' }
    if (c === 'read') {
      let error: unknown
      let reply: { data: number[] } | undefined
      const onReply = (err: unknown, res: { data: number[] }) => {
        error = err
        reply = res
      }
      // A function result is not narrowed by the reset in once(), as a read of `reply` would be.
      const received = () => reply
      let port: any
      if (kind === 'tcp') {
        port = new TcpPort('127.0.0.1')
        readingClient(port, TID, onReply)
      } else {
        port = kind === 'rtu' ? new RTUBufferedPort('/dev/null', {}) : new AsciiPort('/dev/null', {})
        // What port.write() of the read request would have left behind.
        port._id = UNIT
        port._cmd = 3
        port._length = READ_REPLY_LENGTH
        readingClient(port, 1, onReply)
      }
      const wire: EventEmitter = port._client
      return {
        once() {
          reply = undefined
          wire.emit('data', adu)
          const got = received()
          if (error) throw error
          if (!got) throw new Error('modbus-serial: no reply delivered')
          // The reply carries no unit: _onReceive has already rejected any other than nextAddress.
          return { unit: UNIT, values: got.data }
        },
        run(n) {
          for (let i = 0; i < n; i++) wire.emit('data', adu)
        },
      }
    }
    if (kind === 'ascii') return { missing: 'modbus-serial has no ASCII server' }
    let got: Decoded | undefined
    const srv = server(kind, {
      setRegisterArray: (address: number, values: number[], unit: number) => {
        got = { unit, address, values }
      },
    })
    return {
      once() {
        got = undefined
        srv.feed(adu)
        if (!got) throw new Error('modbus-serial: setRegisterArray was not called')
        return got
      },
      run(n) {
        for (let i = 0; i < n; i++) srv.feed(adu)
      },
      note: SERVER_NOTE[kind],
    }
  },
}
