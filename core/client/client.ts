/**
 * The Modbus client: a method for every function code and diagnostics sub-function (the
 * PyModbus client mixin and REPL, with the unit given per request — no global "current unit"),
 * plus execute() for any request, user function codes included.
 *
 * Errors: a device's exception reply is ModbusExceptionError (with its code); no reply in time is
 * TimeoutError; a failed connection or port is TransportError; a malformed reply is PduError.
 */
import { ModbusExceptionError } from '../errors.ts'
import { hex } from '../errors.ts'
import { decodeResponse, encodeRequest, type Encodable } from '../pdu/codec.ts'
import { defaultRegistry } from '../pdu/default-registry.ts'
import { exceptionName } from '../pdu/exception.ts'
import type { Registry } from '../pdu/registry.ts'
import type * as T from '../pdu/types.ts'
import type { Message } from '../pdu/types.ts'
import type { Channel, ChannelStats } from './channel.ts'

/** Per-request settings; unset ones come from the client. */
export interface RequestOptions {
  timeout?: number
  retries?: number
}

/** Client-wide settings. */
export interface ClientOptions {
  /** Reply timeout, ms. Default 1000. */
  timeout?: number
  /** Extra attempts after a timeout. Default 0 on TCP/UDP, 2 on serial lines (set by connectClient). */
  retries?: number
  registry?: Registry
}

/** A Modbus client over any channel. */
export class ModbusClient {
  private readonly timeout: number
  private readonly retries: number
  private readonly registry: Registry

  constructor(
    readonly channel: Channel,
    options: ClientOptions = {},
  ) {
    this.timeout = options.timeout ?? 1000
    this.retries = options.retries ?? 0
    this.registry = options.registry ?? defaultRegistry
  }

  /** Channel counters: requests, responses, timeouts, retries, discarded replies, transport errors. */
  get stats(): ChannelStats {
    return this.channel.stats
  }

  /**
   * Sends any request and returns the decoded reply (null for a broadcast to unit 0 on a serial
   * line). Throws ModbusExceptionError when the device answers with an exception.
   */
  async execute<R extends Message = Message>(unit: number, request: Encodable, options: RequestOptions = {}): Promise<R | null> {
    const requestPdu = encodeRequest(request, this.registry)
    const fc = requestPdu[0]
    const pdu = await this.channel.transact(unit, requestPdu, {
      timeout: options.timeout ?? this.timeout,
      retries: options.retries ?? this.retries,
    })
    if (pdu === null) return null
    if (pdu[0] & 0x80) {
      const name = this.registry.nameOf(fc)
      throw new ModbusExceptionError(fc, pdu[1], `unit ${unit} answered ${name} with exception ${hex(pdu[1])} (${exceptionName(pdu[1])})`)
    }
    return decodeResponse(pdu, 0, pdu.length, this.registry) as R
  }

  private async call<R extends Message>(unit: number, request: Encodable, options?: RequestOptions): Promise<R> {
    return (await this.execute<R>(unit, request, options)) as R
  }

  /** 01: `quantity` coils from `address`. */
  async readCoils(unit: number, address: number, quantity: number, o?: RequestOptions): Promise<boolean[]> {
    const r = await this.call<T.BitsResponse<'readCoils'>>(unit, { function: 'readCoils', address, quantity }, o)
    return r ? r.values.slice(0, quantity) : []
  }
  /** 02 */
  async readDiscreteInputs(unit: number, address: number, quantity: number, o?: RequestOptions): Promise<boolean[]> {
    const r = await this.call<T.BitsResponse<'readDiscreteInputs'>>(unit, { function: 'readDiscreteInputs', address, quantity }, o)
    return r ? r.values.slice(0, quantity) : []
  }
  /** 03 */
  async readHoldingRegisters(unit: number, address: number, quantity: number, o?: RequestOptions): Promise<number[]> {
    const r = await this.call<T.RegistersResponse<'readHoldingRegisters'>>(unit, { function: 'readHoldingRegisters', address, quantity }, o)
    return r ? r.values : []
  }
  /** 04 */
  async readInputRegisters(unit: number, address: number, quantity: number, o?: RequestOptions): Promise<number[]> {
    const r = await this.call<T.RegistersResponse<'readInputRegisters'>>(unit, { function: 'readInputRegisters', address, quantity }, o)
    return r ? r.values : []
  }
  /** 05 */
  async writeCoil(unit: number, address: number, value: boolean, o?: RequestOptions): Promise<void> {
    await this.call(unit, { function: 'writeSingleCoil', address, value }, o)
  }
  /** 06 */
  async writeRegister(unit: number, address: number, value: number, o?: RequestOptions): Promise<void> {
    await this.call(unit, { function: 'writeSingleRegister', address, value }, o)
  }
  /** 0F */
  async writeCoils(unit: number, address: number, values: boolean[], o?: RequestOptions): Promise<void> {
    await this.call(unit, { function: 'writeMultipleCoils', address, values }, o)
  }
  /** 10 */
  async writeRegisters(unit: number, address: number, values: number[], o?: RequestOptions): Promise<void> {
    await this.call(unit, { function: 'writeMultipleRegisters', address, values }, o)
  }
  /** 16: (current AND andMask) OR (orMask AND NOT andMask). */
  async maskWriteRegister(unit: number, address: number, andMask: number, orMask: number, o?: RequestOptions): Promise<void> {
    await this.call(unit, { function: 'maskWriteRegister', address, andMask, orMask }, o)
  }
  /** 17: writes `values` at writeAddress, then reads. */
  async readWriteRegisters(unit: number, readAddress: number, readQuantity: number, writeAddress: number, values: number[], o?: RequestOptions): Promise<number[]> {
    const r = await this.call<T.RegistersResponse<'readWriteMultipleRegisters'>>(unit, { function: 'readWriteMultipleRegisters', readAddress, readQuantity, writeAddress, values }, o)
    return r ? r.values : []
  }
  /** 14 */
  async readFileRecord(unit: number, records: T.FileRecordRead[], o?: RequestOptions): Promise<number[][]> {
    const r = await this.call<T.ReadFileRecordResponse>(unit, { function: 'readFileRecord', records }, o)
    return r ? r.records.map((x) => x.values) : []
  }
  /** 15 */
  async writeFileRecord(unit: number, records: T.FileRecordWrite[], o?: RequestOptions): Promise<void> {
    await this.call(unit, { function: 'writeFileRecord', records }, o)
  }
  /** 18 */
  async readFifoQueue(unit: number, address: number, o?: RequestOptions): Promise<number[]> {
    const r = await this.call<T.RegistersResponse<'readFifoQueue'>>(unit, { function: 'readFifoQueue', address }, o)
    return r ? r.values : []
  }
  /** 07 */
  async readExceptionStatus(unit: number, o?: RequestOptions): Promise<number> {
    return (await this.call<T.ReadExceptionStatusResponse>(unit, { function: 'readExceptionStatus' }, o)).status
  }
  /** 0B */
  async getCommEventCounter(unit: number, o?: RequestOptions): Promise<T.GetCommEventCounterResponse> {
    return this.call(unit, { function: 'getCommEventCounter' }, o)
  }
  /** 0C */
  async getCommEventLog(unit: number, o?: RequestOptions): Promise<T.GetCommEventLogResponse> {
    return this.call(unit, { function: 'getCommEventLog' }, o)
  }
  /** 11 */
  async reportServerId(unit: number, o?: RequestOptions): Promise<T.ReportServerIdResponse> {
    return this.call(unit, { function: 'reportServerId' }, o)
  }
  /** 2B/0E: one request; follow `moreFollows` with readDeviceIdentificationAll. */
  async readDeviceIdentification(unit: number, readCode: number, objectId = 0, o?: RequestOptions): Promise<T.ReadDeviceIdentificationResponse> {
    return this.call(unit, { function: 'readDeviceIdentification', readCode, objectId }, o)
  }
  /** 2B/0E for a whole category, following more-follows across as many requests as it takes. */
  async readDeviceIdentificationAll(unit: number, readCode = 1, o?: RequestOptions): Promise<T.DeviceObject[]> {
    const objects: T.DeviceObject[] = []
    let objectId = 0
    for (let i = 0; i < 256; i++) {
      const r = await this.readDeviceIdentification(unit, readCode, objectId, o)
      objects.push(...r.objects)
      if (!r.moreFollows || r.nextObjectId <= objectId) break
      objectId = r.nextObjectId
    }
    return objects
  }
  /** 08 with any sub-function; returns the reply's data words (null when no reply is sent, as for 04). */
  async diagnostics(unit: number, subFunction: number, data: number[] = [0], o?: RequestOptions): Promise<number[]> {
    const r = await this.call<T.Diagnostics>(unit, { function: 'diagnostics', subFunction, data }, o)
    return r ? r.data : []
  }
  /** 08/00: the data echoed back. */
  returnQueryData(unit: number, data: number[], o?: RequestOptions): Promise<number[]> {
    return this.diagnostics(unit, 0x00, data, o)
  }
  /** 08/01: restart the port; `clearLog` also empties the event log. */
  async restartCommunicationsOption(unit: number, clearLog = false, o?: RequestOptions): Promise<void> {
    await this.diagnostics(unit, 0x01, [clearLog ? 0xff00 : 0x0000], o)
  }
  /** 08/02 */
  async returnDiagnosticRegister(unit: number, o?: RequestOptions): Promise<number> {
    return (await this.diagnostics(unit, 0x02, [0], o))[0]
  }
  /** 08/03: the ASCII end-of-frame character that follows CR. */
  async changeAsciiInputDelimiter(unit: number, char: number, o?: RequestOptions): Promise<void> {
    await this.diagnostics(unit, 0x03, [(char & 0xff) << 8], o)
  }
  /** 08/04: the device stops answering; no reply is expected, so this resolves after the timeout. */
  async forceListenOnlyMode(unit: number, o?: RequestOptions): Promise<void> {
    try {
      await this.diagnostics(unit, 0x04, [0], { retries: 0, ...o })
    } catch (err) {
      if (!(err instanceof Error && (err as { code?: string }).code === 'MB_ERR_TIMEOUT')) throw err
    }
  }
  /** 08/0A */
  async clearCountersAndDiagnosticRegister(unit: number, o?: RequestOptions): Promise<void> {
    await this.diagnostics(unit, 0x0a, [0], o)
  }
  /** 08/0B-08/13: a counter by sub-function. */
  private async counter(unit: number, sub: number, o?: RequestOptions): Promise<number> {
    return (await this.diagnostics(unit, sub, [0], o))[0]
  }
  returnBusMessageCount(unit: number, o?: RequestOptions): Promise<number> {
    return this.counter(unit, 0x0b, o)
  }
  returnBusCommunicationErrorCount(unit: number, o?: RequestOptions): Promise<number> {
    return this.counter(unit, 0x0c, o)
  }
  returnBusExceptionErrorCount(unit: number, o?: RequestOptions): Promise<number> {
    return this.counter(unit, 0x0d, o)
  }
  returnServerMessageCount(unit: number, o?: RequestOptions): Promise<number> {
    return this.counter(unit, 0x0e, o)
  }
  returnServerNoResponseCount(unit: number, o?: RequestOptions): Promise<number> {
    return this.counter(unit, 0x0f, o)
  }
  returnServerNakCount(unit: number, o?: RequestOptions): Promise<number> {
    return this.counter(unit, 0x10, o)
  }
  returnServerBusyCount(unit: number, o?: RequestOptions): Promise<number> {
    return this.counter(unit, 0x11, o)
  }
  returnBusCharacterOverrunCount(unit: number, o?: RequestOptions): Promise<number> {
    return this.counter(unit, 0x12, o)
  }
  returnIopOverrunCount(unit: number, o?: RequestOptions): Promise<number> {
    return this.counter(unit, 0x13, o)
  }
  /** 08/14 */
  async clearOverrunCounterAndFlag(unit: number, o?: RequestOptions): Promise<void> {
    await this.diagnostics(unit, 0x14, [0], o)
  }
  /** 08/15 get: the 54 Modbus Plus statistic words. */
  async getModbusPlusStatistics(unit: number, o?: RequestOptions): Promise<number[]> {
    return (await this.diagnostics(unit, 0x15, [0x0003], o)).slice(1)
  }
  /** 08/15 clear. */
  async clearModbusPlusStatistics(unit: number, o?: RequestOptions): Promise<void> {
    await this.diagnostics(unit, 0x15, [0x0004], o)
  }

  /** Releases the connection or port. */
  close(): Promise<void> {
    return this.channel.close()
  }
}
