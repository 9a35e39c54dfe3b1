/**
 * The JSON Schema (draft 2020-12) of a device file: the shape of every key, as an editor or any
 * validator can check it. Rules that join several keys (a point inside its table, points that
 * overlap, a behaviour that suits its point) are checked in code after the schema (device-checks.ts,
 * points.ts, behaviours.ts), and reported together with the schema's errors.
 *
 * This module is the source; core/simulator/device-file.schema.json is the same object written out
 * for editors (`"$schema": "…/device-file.schema.json"` in a device file), kept equal by a test.
 */
import { UNKNOWN_UNIT_EXCEPTIONS } from '../datastore/server-context.ts'

/** Behaviour kinds a point may have. */
export const BEHAVIOUR_KINDS = ['counter', 'ramp', 'sine', 'randomWalk', 'timestamp', 'uptime', 'copy'] as const

/** Point types: numbers and strings over registers, booleans over coils and discrete inputs. */
export const POINT_TYPES = ['int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'float32', 'float64', 'string', 'bool', 'bits'] as const

/** The four tables, as device files name them. */
export const TABLE_NAMES = ['coils', 'discreteInputs', 'holdingRegisters', 'inputRegisters'] as const

/** Update interval limits of behaviours, ms. */
export const MIN_INTERVAL_MS = 10
export const MAX_INTERVAL_MS = 86_400_000

// Key patterns for the numbered maps: decimal without leading zeros, inside the range.
const BYTE_KEY = '^(?:[0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])$'
const U16_KEY = '^(?:[0-9]|[1-9][0-9]{1,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])$'
// Device identification object ids: 0x00-0x06 and 0x80-0xFF; 0x07-0x7F are reserved (§6.21).
const OBJECT_KEY = '^(?:[0-6]|12[89]|1[3-9][0-9]|2[0-4][0-9]|25[0-5])$'
const FILE_KEY = '^(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])$'

const number = { type: 'number' }
const interval = { type: 'integer', minimum: MIN_INTERVAL_MS, maximum: MAX_INTERVAL_MS, description: 'update interval, ms (default: the file-level "interval", else 1000)' }
const period = { type: 'integer', minimum: 1, description: 'ms' }

function behaviour(kind: (typeof BEHAVIOUR_KINDS)[number], required: string[], properties: Record<string, object>): object {
  return { if: { properties: { kind: { const: kind } }, required: ['kind'] }, then: { required, properties } }
}

function table(value: string): object {
  return {
    type: 'object',
    description: 'sequential (start, length, values) or sparse (address → value)',
    additionalProperties: false,
    properties: {
      start: { $ref: '#/$defs/u16' },
      length: { type: 'integer', minimum: 0, maximum: 65536 },
      values: {
        type: ['array', 'object'],
        description: 'initial values from start (array) or at addresses (object)',
        items: { $ref: value },
        propertyNames: { $ref: '#/$defs/address' },
        additionalProperties: { $ref: value },
      },
      sparse: { type: 'object', propertyNames: { $ref: '#/$defs/address' }, additionalProperties: { $ref: value } },
    },
  }
}

/** The device-file schema as a plain object. */
export const DEVICE_FILE_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'modbridge device file',
  description: 'Units a modbridge simulator serves (modbridge serve --device): tables, files, FIFOs, identity, named points and their behaviours, or remote units it forwards to.',
  type: 'object',
  required: ['units'],
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    unknownUnit: { enum: Object.keys(UNKNOWN_UNIT_EXCEPTIONS), description: 'what a request to a unit not in the file gets' },
    single: { type: 'boolean', description: 'true: the one unit answers every unit id' },
    interval: { ...interval, description: 'default update interval of behaviours, ms (default 1000)' },
    units: { type: 'object', minProperties: 1, propertyNames: { $ref: '#/$defs/unitId' }, additionalProperties: { $ref: '#/$defs/unit' } },
  },
  $defs: {
    unitId: { type: 'string', pattern: BYTE_KEY },
    address: { type: 'string', pattern: U16_KEY },
    fileNumber: { type: 'string', pattern: FILE_KEY },
    objectId: { type: 'string', pattern: OBJECT_KEY },
    u16: { type: 'integer', minimum: 0, maximum: 65535 },
    bitValue: { type: ['boolean', 'integer'], minimum: 0, maximum: 1 },
    hex: { type: 'string', pattern: '^(?:\\s*[0-9a-fA-F]{2})*\\s*$' },
    pointName: { type: 'string', pattern: '^\\S(?:.*\\S)?$', maxLength: 64 },
    unit: { type: 'object', if: { required: ['remote'] }, then: { $ref: '#/$defs/remoteUnit' }, else: { $ref: '#/$defs/localUnit' } },
    remoteUnit: {
      type: 'object',
      description: 'a unit forwarded to another device: its address (tcp://, rtu://, ...) and the unit id there',
      required: ['remote'],
      additionalProperties: false,
      properties: { remote: { type: 'string', minLength: 1 }, unit: { type: 'integer', minimum: 0, maximum: 255 } },
    },
    localUnit: {
      type: 'object',
      additionalProperties: false,
      properties: {
        coils: { $ref: '#/$defs/bitTable' },
        discreteInputs: { $ref: '#/$defs/bitTable' },
        holdingRegisters: { $ref: '#/$defs/registerTable' },
        inputRegisters: { $ref: '#/$defs/registerTable' },
        files: { type: 'object', propertyNames: { $ref: '#/$defs/fileNumber' }, additionalProperties: { type: 'array', maxItems: 10000, items: { $ref: '#/$defs/u16' } } },
        fifos: { type: 'object', propertyNames: { $ref: '#/$defs/address' }, additionalProperties: { type: 'array', items: { $ref: '#/$defs/u16' } } },
        identity: { type: 'object', propertyNames: { $ref: '#/$defs/objectId' }, additionalProperties: { type: 'string' } },
        serverId: { $ref: '#/$defs/hex' },
        running: { type: 'boolean' },
        additionalData: { $ref: '#/$defs/hex' },
        exceptionStatus: { type: 'integer', minimum: 0, maximum: 255 },
        zeroMode: { type: 'boolean' },
        points: { type: 'object', propertyNames: { $ref: '#/$defs/pointName' }, additionalProperties: { $ref: '#/$defs/point' } },
      },
    },
    bitTable: table('#/$defs/bitValue'),
    registerTable: table('#/$defs/u16'),
    point: {
      type: 'object',
      required: ['table', 'address', 'type'],
      additionalProperties: false,
      properties: {
        table: { enum: [...TABLE_NAMES] },
        address: { $ref: '#/$defs/u16' },
        type: { enum: [...POINT_TYPES], description: 'numbers and string on register tables; bool (one bit) and bits (length bits) on coils and discrete inputs' },
        length: { type: 'integer', minimum: 1, maximum: 2000, description: 'string: registers (two characters each, at most 125); bits: bits' },
        byteOrder: { enum: ['big', 'little'] },
        wordOrder: { enum: ['big', 'little'] },
        scale: { type: 'number', exclusiveMinimum: 0, description: 'value = raw × scale' },
        unit: { type: 'string', description: 'engineering unit, e.g. m3/h' },
        description: { type: 'string' },
        value: { type: ['number', 'string', 'boolean', 'array'], items: { type: 'boolean' }, description: 'initial value (after scale); 64-bit integers may be decimal strings' },
        behaviour: { $ref: '#/$defs/behaviour' },
      },
    },
    behaviour: {
      type: 'object',
      required: ['kind'],
      properties: { kind: { enum: [...BEHAVIOUR_KINDS] }, interval },
      allOf: [
        behaviour('counter', [], { step: number, min: number, max: number }),
        behaviour('ramp', ['from', 'to', 'period'], { from: number, to: number, period }),
        behaviour('sine', ['amplitude', 'period'], { amplitude: number, offset: number, period }),
        behaviour('randomWalk', ['step', 'min', 'max'], { step: { type: 'number', minimum: 0 }, min: number, max: number, seed: { type: 'integer', minimum: 0, maximum: 4294967295 } }),
        behaviour('timestamp', [], {}),
        behaviour('uptime', [], {}),
        behaviour('copy', ['of'], { of: { $ref: '#/$defs/pointName' }, scale: number }),
      ],
      unevaluatedProperties: false,
    },
  },
} as const
