/**
 * modbridge core: the public API of the Modbus protocol — what a library user needs, and nothing
 * more. Inside this repository, proxy/, conformance/ and cli/ import internals (line receivers,
 * transports, handlers, timing) by their paths; a user of the package imports from here.
 *
 * - errors and limits: typed errors with MB_ERR_* codes; the spec's limits
 * - PDUs: message types, the function-code registry with each code's semantics, encode/decode
 * - framers: MBAP, RTU, ASCII and Binary, streaming with push()
 * - client: connectClient (any address), ModbusClient, the channel contract
 * - server: createServer (any address), the network listener, devices and datastores
 * - security: tls:// (Modbus/TCP Security) settings, connectTls, the certificate role reader,
 *   address access lists
 * - payload: typed values over registers in any byte and word order
 */
export * from './errors.ts'
export * from './limits.ts'
export * from './pdu/types.ts'
export { crc16, writeCrc16, checkCrc16 } from './checksum/crc16.ts'
export { lrc } from './checksum/lrc.ts'

export { Registry, NEED_MORE, UNKNOWN_LENGTH } from './pdu/registry.ts'
export type { FunctionSpec, PduCodec, Family, RequestFacts } from './pdu/registry.ts'
export { fixedReply, echoReply, openReply } from './pdu/semantics.ts'
export type { Access, Effect, ReplyRule, RequestSemantics, Table } from './pdu/semantics.ts'
export { defaultRegistry } from './pdu/default-registry.ts'
export { encodeRequest, encodeResponse, decodeRequest, decodeResponse, decodeRaw, prepare } from './pdu/codec.ts'
export type { Side, PduWriter, Encodable } from './pdu/codec.ts'
export { EXCEPTION_FLAG, exceptionName, isException } from './pdu/exception.ts'
export { packBits, unpackBits, packedSize } from './pdu/bit-packing.ts'
export { DIAGNOSTIC_SUB_FUNCTIONS, MODBUS_PLUS_OPERATIONS, MODBUS_PLUS_STATISTIC_WORDS, diagnosticSubFunction, splitServerId } from './pdu/serial-line.ts'
export type { DiagnosticSubFunction } from './pdu/serial-line.ts'
export { MEI_READ_DEVICE_ID, READ_DEVICE_ID_CODES, CONFORMITY_LEVELS, READ_DEVICE_ID_MEI, encapsulatedInterfaceSpec } from './pdu/device-id.ts'
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

export * from './payload/index.ts'

export { parseAddress, formatAddress, isSerial, ADDRESS_GRAMMAR } from './transport/address.ts'
export type { Address, NetworkAddress, SerialAddress, Parity } from './transport/address.ts'
export { MODBUS_TLS_PORT } from './transport/tls-settings.ts'
export type { TlsSettings, TlsVersion } from './transport/tls-settings.ts'
export { connectTls, connectStream } from './transport/tls-link.ts'
export { MODBUS_ROLE_OID, readModbusRole } from './transport/tls-role.ts'
export type { TlsPeer } from './transport/tls-peer.ts'
export { compileAccessList } from './transport/access-list.ts'
export type { AccessList, AccessMatcher } from './transport/access-list.ts'

export type { Awaitable, BitTable, DataBlock, RegisterTable, TableName, UnitData, WriteEvent } from './datastore/types.ts'
export { deviceFailure, illegalAddress, illegalFunction, illegalValue } from './datastore/device-exception.ts'
export { SequentialBlock, bits, registers } from './datastore/sequential-block.ts'
export { SparseBlock, sparseBits, sparseRegisters } from './datastore/sparse-block.ts'
export { FileStore } from './datastore/file-store.ts'
export { FifoStore } from './datastore/fifo-store.ts'
export { MemoryUnit } from './datastore/memory-unit.ts'
export type { MemoryUnitOptions, WriteListener } from './datastore/memory-unit.ts'
export { asyncUnit } from './datastore/async-unit.ts'
export type { AsyncSource } from './datastore/async-unit.ts'
export { ServerContext } from './datastore/server-context.ts'
export type { RemoteLine, RemoteUnit } from './server/remote-unit.ts'
export { openStore, parseStoreSpec } from './datastore/open-store.ts'
export type { OpenStoreOptions, StoreSpec, UnitStore } from './datastore/open-store.ts'
export { openSqliteStore } from './datastore/sqlite-unit.ts'
export type { SqliteStoreOptions } from './datastore/sqlite-unit.ts'
export { openRedisStore } from './datastore/redis-unit.ts'
export type { RedisStoreOptions } from './datastore/redis-unit.ts'
export type { ServerContextOptions, SingleContextOptions, UnknownUnitPolicy } from './datastore/server-context.ts'
export type { Device, DiagnosticsModel, IdentityModel } from './device/types.ts'
export { DeviceIdentity, IDENTITY_OBJECTS } from './device/identity.ts'
export { SerialDiagnostics } from './device/diagnostics.ts'
export type { DiagnosticCounterName, DiagnosticCounters } from './device/diagnostics.ts'
export { DEFAULT_IDENTITY, DEFAULT_SERVER_ID, createDevice } from './device/device.ts'
export type { DeviceOptions } from './device/device.ts'
export { buildDevices, loadDeviceFile, readDeviceFile, deviceFileErrors, defaultDeviceFile } from './simulator/device-file.ts'
export type { DeviceFile, UnitSpec, TableSpec, SimulatedDevices, SimulatedUnit, RemoteUnitSpec } from './simulator/device-file.ts'
export { DEVICE_FILE_SCHEMA } from './simulator/device-schema.ts'
export { BehaviourRunner } from './simulator/behaviour-runner.ts'
export type { RunnerOptions } from './simulator/behaviour-runner.ts'
export type { BehaviourSpec } from './simulator/behaviours.ts'
export type { Point, PointSpec, PointValue } from './simulator/points.ts'

export { createServer } from './server/create-server.ts'
export type { ModbusServer, CreateServerOptions } from './server/create-server.ts'
export { ModbusTcpServer } from './server/tcp-server.ts'
export type { TcpServerOptions } from './server/tcp-server.ts'
export { ModbusUdpServer } from './server/udp-server.ts'
export type { UdpServerOptions } from './server/udp-server.ts'
export { ModbusSerialServer } from './server/serial-server.ts'
export type { SerialServerOptions } from './server/serial-server.ts'
export { ModbusListener } from './server/listener.ts'
export type { ListenerClient, ListenerLimits, ListenerOptions, ListenerStats, Responder } from './server/listener.ts'
export type { Executor } from './server/executors.ts'
export type { HandlerOptions } from './server/handler.ts'

export { ModbusClient } from './client/client.ts'
export type { ClientOptions, RequestOptions } from './client/client.ts'
export { connectClient, openChannel } from './client/connect.ts'
export type { ConnectOptions, ChannelOptions, OpenChannel } from './client/connect.ts'
export type { Channel, ChannelStats, StrayHandler, TransactionOptions } from './client/channel.ts'
