/**
 * What a server does for each built-in function, as a table keyed by function name. Each
 * executor reads or writes the device and returns the normal response (or null: no response).
 * Results may be promises when the device's data is asynchronous; in-memory data stays sync.
 */
import { currentClient, enterClient, leaveClient } from '../datastore/request-client.ts'
import type { Awaitable } from '../datastore/types.ts'
import { illegalFunction, illegalValue } from '../datastore/device-exception.ts'
import type { Device } from '../device/types.ts'
import { MAX_FIFO_COUNT } from '../limits.ts'
import type * as T from '../pdu/types.ts'
import type { Encodable as Message } from '../pdu/codec.ts'

/**
 * Executes one decoded request against a device. Declared as a method so that an executor may
 * name the request type it handles (the handler dispatches by function name, so it gets that type).
 */
export type Executor = { execute(request: Message, device: Device): Awaitable<Message | null> }['execute']

/** Applies `f` to a value or a promise of it, without a promise when there is none. */
export function then<A, B>(value: Awaitable<A>, f: (a: A) => B | Promise<B>): Awaitable<B> {
  return value instanceof Promise ? value.then(f) : f(value)
}

function maskWrite(device: Device, r: T.MaskWriteRegister): Awaitable<Message> {
  const echo = (): Message => ({ function: 'maskWriteRegister', address: r.address, andMask: r.andMask, orMask: r.orMask })
  if (device.data.maskWriteRegister) return then(device.data.maskWriteRegister(r.address, r.andMask, r.orMask), echo)
  // §6.16: result = (current AND and_mask) OR (or_mask AND NOT and_mask).
  // Spec over PyModbus: PyModbus 2.0 computes (current AND and_mask) OR or_mask.
  return then(device.data.readRegisters('holdingRegisters', r.address, 1), ([current]) =>
    then(device.data.writeRegisters(r.address, [((current & r.andMask) | (r.orMask & ~r.andMask)) & 0xffff]), echo),
  )
}

async function readFileRecords(device: Device, r: T.ReadFileRecordRequest): Promise<Message> {
  const read = device.data.readFileRecord
  if (!read) throw illegalFunction('this device has no files')
  const records: { values: number[] }[] = []
  for (const sub of r.records) records.push({ values: await read.call(device.data, sub.file, sub.record, sub.length) })
  return { function: 'readFileRecord', records }
}

async function writeFileRecords(device: Device, r: T.WriteFileRecord): Promise<Message> {
  const write = device.data.writeFileRecord
  if (!write) throw illegalFunction('this device has no files')
  // The dispatch names the client only for the first, synchronous data call; the later
  // sub-requests run after an await, so the client is entered again around each.
  const client = currentClient()
  for (const sub of r.records) {
    const previous = enterClient(client)
    let written: unknown
    try {
      written = write.call(device.data, sub.file, sub.record, sub.values)
    } finally {
      leaveClient(previous)
    }
    await written
  }
  return r
}

/** The built-in executors. */
export const EXECUTORS: Record<string, Executor> = {
  readCoils: (r: T.ReadRequest<'readCoils'>, d) =>
    then(d.data.readBits('coils', r.address, r.quantity), (values) => ({ function: 'readCoils', values })),
  readDiscreteInputs: (r: T.ReadRequest<'readDiscreteInputs'>, d) =>
    then(d.data.readBits('discreteInputs', r.address, r.quantity), (values) => ({ function: 'readDiscreteInputs', values })),
  readHoldingRegisters: (r: T.ReadRequest<'readHoldingRegisters'>, d) =>
    then(d.data.readRegisters('holdingRegisters', r.address, r.quantity), (values) => ({ function: 'readHoldingRegisters', values })),
  readInputRegisters: (r: T.ReadRequest<'readInputRegisters'>, d) =>
    then(d.data.readRegisters('inputRegisters', r.address, r.quantity), (values) => ({ function: 'readInputRegisters', values })),
  writeSingleCoil: (r: T.WriteSingleCoil, d) => then(d.data.writeBits(r.address, [r.value]), () => r),
  writeSingleRegister: (r: T.WriteSingleRegister, d) => then(d.data.writeRegisters(r.address, [r.value]), () => r),
  writeMultipleCoils: (r: T.WriteMultipleCoilsRequest, d) =>
    then(d.data.writeBits(r.address, r.values), () => ({ function: 'writeMultipleCoils', address: r.address, quantity: r.values.length })),
  writeMultipleRegisters: (r: T.WriteMultipleRegistersRequest, d) =>
    then(d.data.writeRegisters(r.address, r.values), () => ({ function: 'writeMultipleRegisters', address: r.address, quantity: r.values.length })),
  maskWriteRegister: (r: T.MaskWriteRegister, d) => maskWrite(d, r),
  // §6.17: the write is performed before the read; as one step when the data can (atomic for async stores).
  readWriteMultipleRegisters: (r: T.ReadWriteMultipleRegistersRequest, d) =>
    d.data.readWriteRegisters
      ? then(d.data.readWriteRegisters(r.writeAddress, r.values, r.readAddress, r.readQuantity), (values) => ({ function: 'readWriteMultipleRegisters', values }))
      : then(d.data.writeRegisters(r.writeAddress, r.values), () =>
          then(d.data.readRegisters('holdingRegisters', r.readAddress, r.readQuantity), (values) => ({ function: 'readWriteMultipleRegisters', values })),
        ),
  readFileRecord: (r: T.ReadFileRecordRequest, d) => readFileRecords(d, r),
  writeFileRecord: (r: T.WriteFileRecord, d) => writeFileRecords(d, r),
  readFifoQueue: (r: T.ReadFifoQueueRequest, d) => {
    if (!d.data.readFifoQueue) throw illegalFunction('this device has no FIFO queues')
    return then(d.data.readFifoQueue(r.address), (values) => {
      if (values.length > MAX_FIFO_COUNT) throw illegalValue(`FIFO at ${r.address} holds ${values.length} values; at most 31 can be read (§6.18)`)
      return { function: 'readFifoQueue', values }
    })
  },
  readExceptionStatus: (_r, d) => ({ function: 'readExceptionStatus', status: d.exceptionStatus() & 0xff }),
  diagnostics: (r: T.Diagnostics, d) => d.diagnostics.diagnostics(r),
  getCommEventCounter: (_r, d) => d.diagnostics.commEventCounter(),
  getCommEventLog: (_r, d) => d.diagnostics.commEventLog(),
  // §6.13: the server id, the run indicator, then the device's additional data.
  reportServerId: (_r, d) => ({
    function: 'reportServerId',
    data: d.serverId.toString('hex') + (d.running ? 'ff' : '00') + d.additionalData.toString('hex'),
  }),
  readDeviceIdentification: (r: T.ReadDeviceIdentificationRequest, d) => d.identity.read(r.readCode, r.objectId),
}
