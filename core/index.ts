/**
 * modbridge core: the Modbus protocol. This is the only entry point other folders import.
 */
export * from './errors.ts'
export * from './limits.ts'
export { crc16, writeCrc16, checkCrc16 } from './checksum/crc16.ts'
export { lrc } from './checksum/lrc.ts'
export * from './pdu/types.ts'
export { Registry, NEED_MORE, UNKNOWN_LENGTH } from './pdu/registry.ts'
export type { FunctionSpec, PduCodec, Family } from './pdu/registry.ts'
export { defaultRegistry } from './pdu/default-registry.ts'
export { encodeRequest, encodeResponse, decodeRequest, decodeResponse, decodeRaw, prepare } from './pdu/codec.ts'
export type { Side, PduWriter, Encodable } from './pdu/codec.ts'
export { EXCEPTION_FLAG, exceptionName, isException } from './pdu/exception.ts'
export { packBits, unpackBits, packedSize } from './pdu/bit-packing.ts'
export {
  DIAGNOSTIC_SUB_FUNCTIONS,
  MODBUS_PLUS_OPERATIONS,
  MODBUS_PLUS_STATISTIC_WORDS,
  diagnosticSubFunction,
} from './pdu/serial-line.ts'
export type { DiagnosticSubFunction } from './pdu/serial-line.ts'
export {
  MEI_READ_DEVICE_ID,
  READ_DEVICE_ID_CODES,
  CONFORMITY_LEVELS,
  READ_DEVICE_ID_MEI,
  encapsulatedInterfaceSpec,
} from './pdu/device-id.ts'
export type { MeiCodec } from './pdu/device-id.ts'
export type { Adu, FrameSink, Framer, FramerKind, FramerStats } from './framers/types.ts'
export { createTcpFramer } from './framers/tcp.ts'
export { createRtuFramer } from './framers/rtu.ts'
export type { RtuFramer, RtuFramerOptions } from './framers/rtu.ts'
export { createAsciiFramer } from './framers/ascii.ts'
export type { AsciiFramer } from './framers/ascii.ts'
export { createBinaryFramer } from './framers/binary.ts'
export { createFramer, FRAMER_KINDS } from './framers/create.ts'
export type { CreateFramerOptions } from './framers/create.ts'
export { inspectFrames } from './framers/inspect.ts'
export type { InspectedFrame, InspectedFrameError, InspectedError, InspectOptions } from './framers/inspect.ts'
export { generateFrames } from './framers/generate.ts'
export type { GeneratedFrame, GenerateOptions } from './framers/generate.ts'
export * from './payload/index.ts'
export { parseAddress, formatAddress, framerKindOf, isSerial, ADDRESS_GRAMMAR } from './transport/address.ts'
export type { Address, NetworkAddress, SerialAddress, Parity } from './transport/address.ts'
export { bitsPerCharacter, characterTimeUs, t15Us, t35Us, wireTimeUs } from './transport/line-timing.ts'
export * from './datastore/index.ts'
export * from './device/index.ts'
export type { ByteLink } from './transport/link.ts'
export { openSerialLink } from './transport/serial.ts'
export { connectTcp, socketLink } from './transport/tcp-link.ts'
export { RequestHandler, exceptionCodeOf } from './server/handler.ts'
export type { HandlerOptions } from './server/handler.ts'
export { EXECUTORS } from './server/executors.ts'
export type { Executor } from './server/executors.ts'
export { dispatchNetwork, dispatchSerial, devicesOf } from './server/dispatch.ts'
export type { DeviceDirectory } from './server/dispatch.ts'
export { ModbusTcpServer } from './server/tcp-server.ts'
export type { TcpServerOptions } from './server/tcp-server.ts'
export { ModbusUdpServer } from './server/udp-server.ts'
export { ModbusSerialServer } from './server/serial-server.ts'
export type { SerialServerOptions } from './server/serial-server.ts'
export { createServer } from './server/create-server.ts'
export type { ModbusServer, CreateServerOptions } from './server/create-server.ts'
export { ModbusClient } from './client/client.ts'
export type { ClientOptions, RequestOptions } from './client/client.ts'
export { connectClient } from './client/connect.ts'
export type { ConnectOptions } from './client/connect.ts'
export type { Channel, ChannelStats, TransactionOptions } from './client/channel.ts'
export { MbapChannel } from './client/mbap-channel.ts'
export { SerialChannel } from './client/serial-channel.ts'
export { buildDevices, loadDeviceFile, defaultDeviceFile } from './simulator/device-file.ts'
export type { DeviceFile, UnitSpec, TableSpec, SimulatedDevices } from './simulator/device-file.ts'
