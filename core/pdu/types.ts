/**
 * Decoded PDU shapes. Every message is a plain JSON-able object whose `function` field names the
 * function code by its spec name in camelCase; `frame decode` prints exactly these objects and
 * `frame encode` accepts them, so decode → encode reproduces the bytes.
 *
 * Byte strings (report server id, opaque payloads) are lower-case hex strings; device
 * identification object values are latin1 strings, which carry any byte value unchanged.
 */

/** The spec names of every built-in function code, mapped to their codes. */
export const FUNCTION_CODES = {
  readCoils: 0x01,
  readDiscreteInputs: 0x02,
  readHoldingRegisters: 0x03,
  readInputRegisters: 0x04,
  writeSingleCoil: 0x05,
  writeSingleRegister: 0x06,
  readExceptionStatus: 0x07,
  diagnostics: 0x08,
  getCommEventCounter: 0x0b,
  getCommEventLog: 0x0c,
  writeMultipleCoils: 0x0f,
  writeMultipleRegisters: 0x10,
  reportServerId: 0x11,
  readFileRecord: 0x14,
  writeFileRecord: 0x15,
  maskWriteRegister: 0x16,
  readWriteMultipleRegisters: 0x17,
  readFifoQueue: 0x18,
  encapsulatedInterfaceTransport: 0x2b,
} as const

/** A built-in function name. */
export type FunctionName = keyof typeof FUNCTION_CODES | 'readDeviceIdentification'

/** Modbus exception codes (§7). */
export const EXCEPTION_CODES = {
  illegalFunction: 0x01,
  illegalDataAddress: 0x02,
  illegalDataValue: 0x03,
  serverDeviceFailure: 0x04,
  acknowledge: 0x05,
  serverDeviceBusy: 0x06,
  negativeAcknowledge: 0x07,
  memoryParityError: 0x08,
  gatewayPathUnavailable: 0x0a,
  gatewayTargetFailedToRespond: 0x0b,
} as const

/** An exception code name. */
export type ExceptionName = keyof typeof EXCEPTION_CODES

/** Any PDU message: built-in or user-registered. */
export interface Message {
  function: string | number
}

/** FC 01/02/03/04 request. */
export interface ReadRequest<N extends FunctionName> {
  function: N
  address: number
  quantity: number
}
/** FC 01/02 response: every bit of every byte sent (a reader keeps the first `quantity`). */
export interface BitsResponse<N extends FunctionName> {
  function: N
  values: boolean[]
}
/** FC 03/04/17/18 response. */
export interface RegistersResponse<N extends FunctionName> {
  function: N
  values: number[]
}
/** FC 05 request and response. */
export interface WriteSingleCoil {
  function: 'writeSingleCoil'
  address: number
  value: boolean
}
/** FC 06 request and response. */
export interface WriteSingleRegister {
  function: 'writeSingleRegister'
  address: number
  value: number
}
/** A request with no data: FC 07, 0B, 0C, 11. */
export interface EmptyRequest<N extends FunctionName> {
  function: N
}
/** FC 07 response: eight exception status outputs, device specific. */
export interface ReadExceptionStatusResponse {
  function: 'readExceptionStatus'
  status: number
}
/** FC 08 request and response: a sub-function and its data words. */
export interface Diagnostics {
  function: 'diagnostics'
  subFunction: number
  data: number[]
}
/** FC 0B response. */
export interface GetCommEventCounterResponse {
  function: 'getCommEventCounter'
  status: number
  eventCount: number
}
/** FC 0C response. */
export interface GetCommEventLogResponse {
  function: 'getCommEventLog'
  status: number
  eventCount: number
  messageCount: number
  events: number[]
}
/** FC 0F request. The quantity is `values.length`. */
export interface WriteMultipleCoilsRequest {
  function: 'writeMultipleCoils'
  address: number
  values: boolean[]
}
/** FC 10 request. The quantity is `values.length`. */
export interface WriteMultipleRegistersRequest {
  function: 'writeMultipleRegisters'
  address: number
  values: number[]
}
/** FC 0F/10 response. */
export interface WriteMultipleResponse<N extends FunctionName> {
  function: N
  address: number
  quantity: number
}
/**
 * FC 11 response: everything after the byte count, as hex. §6.13 lays it out as the server id
 * (device-specific length), the run indicator (0x00 OFF, 0xFF ON), then device-specific additional
 * data — so where the id ends only the device's documentation tells; `splitServerId` splits it
 * when the id length is known. Spec over PyModbus: PyModbus reads the last byte as the run
 * indicator, which misreads a device that sends additional data (libmodbus sends id, 0xFF, "LMB…").
 */
export interface ReportServerIdResponse {
  function: 'reportServerId'
  data: string
}
/** One FC 14 sub-request: `length` registers from `record` of `file`. */
export interface FileRecordRead {
  file: number
  record: number
  length: number
}
/** FC 14 request. */
export interface ReadFileRecordRequest {
  function: 'readFileRecord'
  records: FileRecordRead[]
}
/** FC 14 response: one entry per sub-request, in order. */
export interface ReadFileRecordResponse {
  function: 'readFileRecord'
  records: { values: number[] }[]
}
/** One FC 15 sub-request (and echoed sub-response). */
export interface FileRecordWrite {
  file: number
  record: number
  values: number[]
}
/** FC 15 request and response. */
export interface WriteFileRecord {
  function: 'writeFileRecord'
  records: FileRecordWrite[]
}
/** FC 16 request and response. */
export interface MaskWriteRegister {
  function: 'maskWriteRegister'
  address: number
  andMask: number
  orMask: number
}
/** FC 17 request. The write quantity is `values.length`. */
export interface ReadWriteMultipleRegistersRequest {
  function: 'readWriteMultipleRegisters'
  readAddress: number
  readQuantity: number
  writeAddress: number
  values: number[]
}
/** FC 18 request. */
export interface ReadFifoQueueRequest {
  function: 'readFifoQueue'
  address: number
}
/** FC 2B / MEI 0E request. */
export interface ReadDeviceIdentificationRequest {
  function: 'readDeviceIdentification'
  readCode: number
  objectId: number
}
/** One device identification object. */
export interface DeviceObject {
  id: number
  value: string
}
/** FC 2B / MEI 0E response (one PDU of a possibly multi-PDU answer). */
export interface ReadDeviceIdentificationResponse {
  function: 'readDeviceIdentification'
  readCode: number
  conformity: number
  moreFollows: boolean
  nextObjectId: number
  objects: DeviceObject[]
}
/** FC 2B with an MEI type other than 0x0E (e.g. 0x0D CANopen): carried opaque. */
export interface EncapsulatedInterfaceTransport {
  function: 'encapsulatedInterfaceTransport'
  meiType: number
  data: string
}
/** An exception response (§7): the function byte is the request's code | 0x80. */
export interface ExceptionResponse {
  function: string | number
  exception: number
}
/** A PDU for a function code the registry does not know: code and data bytes as hex. */
export interface RawPdu {
  function: number
  data: string
}

/** Every built-in request. */
export type ModbusRequest =
  | ReadRequest<'readCoils'>
  | ReadRequest<'readDiscreteInputs'>
  | ReadRequest<'readHoldingRegisters'>
  | ReadRequest<'readInputRegisters'>
  | WriteSingleCoil
  | WriteSingleRegister
  | EmptyRequest<'readExceptionStatus'>
  | Diagnostics
  | EmptyRequest<'getCommEventCounter'>
  | EmptyRequest<'getCommEventLog'>
  | WriteMultipleCoilsRequest
  | WriteMultipleRegistersRequest
  | EmptyRequest<'reportServerId'>
  | ReadFileRecordRequest
  | WriteFileRecord
  | MaskWriteRegister
  | ReadWriteMultipleRegistersRequest
  | ReadFifoQueueRequest
  | ReadDeviceIdentificationRequest
  | EncapsulatedInterfaceTransport

/** Every built-in normal response. */
export type ModbusResponse =
  | BitsResponse<'readCoils'>
  | BitsResponse<'readDiscreteInputs'>
  | RegistersResponse<'readHoldingRegisters'>
  | RegistersResponse<'readInputRegisters'>
  | WriteSingleCoil
  | WriteSingleRegister
  | ReadExceptionStatusResponse
  | Diagnostics
  | GetCommEventCounterResponse
  | GetCommEventLogResponse
  | WriteMultipleResponse<'writeMultipleCoils'>
  | WriteMultipleResponse<'writeMultipleRegisters'>
  | ReportServerIdResponse
  | ReadFileRecordResponse
  | WriteFileRecord
  | MaskWriteRegister
  | RegistersResponse<'readWriteMultipleRegisters'>
  | RegistersResponse<'readFifoQueue'>
  | ReadDeviceIdentificationResponse
  | EncapsulatedInterfaceTransport
