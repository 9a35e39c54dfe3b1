/**
 * The device model: identity (§6.21), serial-line diagnostics (SL §6, §6.8-§6.10) and createDevice.
 */
export type { Device, DiagnosticsModel, IdentityModel } from './types.ts'
export { CONFORMITY, DeviceIdentity, IDENTITY_OBJECTS, MAX_OBJECT_LENGTH, reassemble } from './identity.ts'
export { CommEventLog, LOG_EVENT, RECEIVE_EVENT, SEND_EVENT, sendEventBit } from './comm-events.ts'
export { DEFAULT_ASCII_DELIMITER, DIAGNOSTIC_COUNTERS, SerialDiagnostics } from './diagnostics.ts'
export type { DiagnosticCounterName, DiagnosticCounters } from './diagnostics.ts'
export { DEFAULT_IDENTITY, DEFAULT_SERVER_ID, createDevice } from './device.ts'
export type { DeviceOptions } from './device.ts'
