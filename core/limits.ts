/**
 * Spec limits, enforced once at the codec edges. Section numbers refer to the
 * MODBUS Application Protocol Specification v1.1b3 (§) and the Serial Line guide v1.02 (SL §).
 */

/** §4.1: a PDU is at most 253 bytes (256-byte RTU ADU less address and CRC). */
export const MAX_PDU = 253
/** SL §2.5.1.1: an RTU ADU is at most 256 bytes. */
export const MAX_RTU_ADU = 256
/** §4.1 / MBAP: the length field counts unit id + PDU, so at most 254. */
export const MAX_MBAP_LENGTH = 254
/** MBAP: the length field must cover at least the unit id and the function code. */
export const MIN_MBAP_LENGTH = 2
/** MBAP header bytes: transaction id, protocol id, length, unit id. */
export const MBAP_HEADER_LENGTH = 7
/** SL §2.5.2.1: an ASCII frame is at most 513 characters (':' + 2×255 + CR LF). */
export const MAX_ASCII_ADU = 513

/** §6.1 Read Coils / §6.2 Read Discrete Inputs: 1 to 2000 (0x7D0). */
export const MAX_READ_BITS = 2000
/** §6.3 / §6.4 Read Holding/Input Registers: 1 to 125 (0x7D). */
export const MAX_READ_REGISTERS = 125
/** §6.11 Write Multiple Coils: 1 to 1968 (0x7B0). */
export const MAX_WRITE_BITS = 1968
/** §6.12 Write Multiple Registers: 1 to 123 (0x7B). */
export const MAX_WRITE_REGISTERS = 123
/** §6.17 Read/Write Multiple Registers: read 1 to 125 (0x7D). */
export const MAX_RW_READ_REGISTERS = 125
/** §6.17 Read/Write Multiple Registers: write 1 to 121 (0x79). */
export const MAX_RW_WRITE_REGISTERS = 121
/** §4.4: a 16-bit address plus a quantity may reach 0x10000 but not pass it. */
export const ADDRESS_SPACE = 0x10000
/** §6.18 Read FIFO Queue: the count register is followed by at most 31 values. */
export const MAX_FIFO_COUNT = 31
/** §6.14 Read File Record: request byte count 0x07 to 0xF5. */
export const MIN_FILE_BYTE_COUNT = 0x07
export const MAX_FILE_BYTE_COUNT = 0xf5
/** §6.14 / §6.15: the reference type of a file sub-request must be 6. */
export const FILE_REFERENCE_TYPE = 6
/** §6.14: record numbers run 0x0000 to 0x270F (10000 records per file). */
export const MAX_FILE_RECORD_NUMBER = 0x270f
/** §6.14: file numbers run 0x0001 to 0xFFFF. */
export const MIN_FILE_NUMBER = 1
/** §6.5 / §6.11: a coil is written ON with 0xFF00 and OFF with 0x0000. */
export const COIL_ON = 0xff00
export const COIL_OFF = 0x0000
/** SL §6.9 Get Comm Event Log: up to 64 event bytes. */
export const MAX_EVENT_LOG = 64
