/**
 * jsmodbus v5 as the benchmark drives it, through its own classes (node_modules/jsmodbus/dist):
 *
 *   client encode (fc 10):  new WriteMultipleRegistersRequestBody(address, values) →
 *                           new ModbusTCPRequest(...) / ModbusRTURequest(...) → createPayload()
 *                           (what the TCP and RTU client request handlers' register() build)
 *   client decode (fc 03):  ModbusTCP/RTUClientResponseHandler.handleData(adu) → shift() → then the
 *                           client request handler's handle(), where jsmodbus checks the MBAP
 *                           protocol id (TCP) or the CRC (RTU), run on a stub transaction
 *   server encode (fc 03):  new ReadHoldingRegistersResponseBody(byteCount, values) →
 *                           new ModbusTCPResponse(...) / ModbusRTUResponse(...) → createPayload()
 *                           (what ModbusServerResponseHandler builds via fromRequest())
 *   server decode (fc 10):  ModbusServerRequestHandler(ModbusTCPRequest/ModbusRTURequest.fromBuffer)
 *                           .handle(adu) → shift() → body.valuesAsArray
 *
 * jsmodbus has no ASCII or Binary framing. WriteMultipleRegistersRequestBody caps its byteCount at
 * 0xF6 (a 120-register request), which breaks two of the 123-register cells; see CAPPED.
 */
import { createRequire } from 'node:module'
import type { FramerKind } from '../../core/index.ts'
import { READ_VALUES, TID, UNIT, WRITE_ADDRESS, WRITE_VALUES, type CaseId, type Decoded, type Peer } from '../cases.ts'

const require = createRequire(import.meta.url)
const dist = (file: string): any => require(`jsmodbus/dist/${file}`).default

const WriteMultipleRegistersRequestBody = dist('request/write-multiple-registers.js')
const ReadHoldingRegistersResponseBody = dist('response/read-holding-registers.js')
const ModbusTCPRequest = dist('tcp-request.js')
const ModbusRTURequest = dist('rtu-request.js')
const ModbusTCPResponse = dist('tcp-response.js')
const ModbusRTUResponse = dist('rtu-response.js')
const ModbusTCPClientResponseHandler = dist('tcp-client-response-handler.js')
const ModbusRTUClientResponseHandler = dist('rtu-client-response-handler.js')
const ModbusTCPClientRequestHandler = dist('tcp-client-request-handler.js')
const ModbusRTUClientRequestHandler = dist('rtu-client-request-handler.js')
const ModbusServerRequestHandler = dist('modbus-server-request-handler.js')

/** What jsmodbus's byteCount cap does to the 123-register request, per cell. */
const CAPPED = {
  encode: 'WriteMultipleRegistersRequestBody caps byteCount at 0xF6 (120 registers): ModbusTCPRequest.createPayload() cuts 123 registers short',
  decode: 'ModbusRTURequest.fromBuffer() expects the CRC after the capped byteCount (0xF6): a 123-register request reads as corrupt and is dropped',
}

/**
 * The `this` a client request handler's handle() sees: a current request that matches the reply,
 * and no-op bookkeeping. handle() itself — the protocol id check, the CRC check — is jsmodbus's.
 */
function stubTransaction(onResolve: (response: any) => void, onReject: (err: unknown) => void): object {
  const current = {
    request: { id: TID, body: { fc: 0x03 } },
    resolve: onResolve,
    reject: onReject,
    done() {},
  }
  return {
    _currentRequest: current,
    _clearCurrentRequest() {},
    _clearAllRequests() {},
    _flush() {},
  }
}

/** jsmodbus as a peer. */
export const jsmodbus: Peer = {
  name: 'jsmodbus',

  encoder(c: CaseId, kind: FramerKind) {
    if (kind === 'ascii' || kind === 'binary') return { missing: `jsmodbus has no ${kind === 'ascii' ? 'ASCII' : 'Binary'} framing` }
    let encode: () => Buffer
    if (c === 'write') {
      const values = [...WRITE_VALUES]
      encode =
        kind === 'tcp'
          ? () => {
              const body = new WriteMultipleRegistersRequestBody(WRITE_ADDRESS, values)
              return new ModbusTCPRequest(TID, 0, body.byteCount + 1, UNIT, body).createPayload()
            }
          : () => new ModbusRTURequest(UNIT, new WriteMultipleRegistersRequestBody(WRITE_ADDRESS, values)).createPayload()
    } else {
      const values = [...READ_VALUES]
      encode =
        kind === 'tcp'
          ? () => {
              const body = new ReadHoldingRegistersResponseBody(2 * values.length, values)
              return new ModbusTCPResponse(TID, 0, body.byteCount + 1, UNIT, body).createPayload()
            }
          : () => new ModbusRTUResponse(UNIT, undefined, new ReadHoldingRegistersResponseBody(2 * values.length, values)).createPayload()
    }
    let last: Buffer = Buffer.alloc(0)
    return {
      once: encode,
      run(n) {
        for (let i = 0; i < n; i++) last = encode()
        if (last.length === 0) throw new Error('unreachable')
      },
      note: c === 'write' && kind === 'tcp' ? CAPPED.encode : undefined,
    }
  },

  decoder(c: CaseId, kind: FramerKind, adu: Buffer) {
    if (kind === 'ascii' || kind === 'binary') return { missing: `jsmodbus has no ${kind === 'ascii' ? 'ASCII' : 'Binary'} framing` }
    if (c === 'read') {
      const responses = kind === 'tcp' ? new ModbusTCPClientResponseHandler() : new ModbusRTUClientResponseHandler()
      const handle = (kind === 'tcp' ? ModbusTCPClientRequestHandler : ModbusRTUClientRequestHandler).prototype.handle
      let resolved: any
      let rejected: unknown
      const transaction = stubTransaction(
        (r) => (resolved = r),
        (e) => (rejected = e),
      )
      const decodeOne = () => {
        responses.handleData(adu)
        handle.call(transaction, responses.shift())
      }
      return {
        once() {
          resolved = undefined
          decodeOne()
          if (rejected) throw rejected
          if (!resolved) throw new Error('jsmodbus: no response resolved')
          return { unit: resolved.unitId, values: resolved.body.values }
        },
        run(n) {
          for (let i = 0; i < n; i++) decodeOne()
        },
      }
    }
    const requests = new ModbusServerRequestHandler(kind === 'tcp' ? ModbusTCPRequest.fromBuffer : ModbusRTURequest.fromBuffer)
    let last: any
    return {
      once(): Decoded {
        requests.handle(adu)
        const req = requests.shift()
        if (!req) throw new Error('jsmodbus: no request decoded')
        return { unit: req.unitId, address: req.body.address, values: req.body.valuesAsArray }
      },
      run(n) {
        for (let i = 0; i < n; i++) {
          requests.handle(adu)
          last = requests.shift()
        }
        if (!last) throw new Error('unreachable')
      },
      note: kind === 'rtu' ? CAPPED.decode : undefined,
    }
  },
}
