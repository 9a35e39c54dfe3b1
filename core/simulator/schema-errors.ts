/**
 * Checks a device file against DEVICE_FILE_SCHEMA with Ajv (draft 2020-12, every error at once)
 * and words each error for people: the path into the file and why, e.g.
 * `units.1.holdingRegisters.values[3]: expected an integer 0..65535, got 70000`.
 */
import { createRequire } from 'node:module'
import type { AnySchemaObject, ErrorObject, ValidateFunction } from 'ajv'
import { DEVICE_FILE_SCHEMA } from './device-schema.ts'
import { formatPath, pointerSegments, showValue } from './json-path.ts'
import { aType } from './points.ts'

// Ajv is loaded on the first validation, not at import: core/index.ts reaches this module, and
// loading and compiling take ~80 ms that a client command such as `read holding` must not pay.
let validator: ValidateFunction | undefined

function compiled(): ValidateFunction {
  if (validator) return validator
  const require = createRequire(import.meta.url)
  const { Ajv2020 } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js')
  // verbose: each error carries the failing value and its schema, which the wording below uses.
  const ajv = new Ajv2020({ allErrors: true, verbose: true, allowUnionTypes: true, strict: true, strictRequired: false })
  validator = ajv.compile(DEVICE_FILE_SCHEMA as unknown as AnySchemaObject)
  return validator
}

/** What the named $defs hold, for messages about them. */
const DEF_TEXT: Record<string, string> = {
  unitId: 'a unit id 0..255',
  address: 'an address 0..65535',
  fileNumber: 'a file number 1..65535',
  objectId: 'an object id 0..6 or 128..255 (7..127 are reserved, §6.21)',
  u16: 'an integer 0..65535',
  bitValue: 'true/false (or 0/1)',
  hex: 'hex bytes, e.g. "0a1b"',
  pointName: 'a name of 1..64 characters, not starting or ending with a space',
}

/** Messages for particular places in the schema. */
const PLACE_TEXT: Record<string, string> = {
  '#/properties/units/minProperties': 'at least one unit',
}

const TYPE_TEXT: Record<string, string> = {
  integer: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  array: 'an array',
  object: 'an object',
  null: 'null',
}

function range(s: AnySchemaObject): string {
  const min = s.minimum ?? (s.exclusiveMinimum === undefined ? undefined : `> ${s.exclusiveMinimum}`)
  if (s.minimum !== undefined && s.maximum !== undefined) return ` ${s.minimum}..${s.maximum}`
  if (typeof min === 'string') return ` ${min}`
  if (min !== undefined) return ` ≥ ${min}`
  return s.maximum !== undefined ? ` ≤ ${s.maximum}` : ''
}

/** Describes what a schema accepts, from its keywords. */
function describeSchema(s: AnySchemaObject): string {
  if (Array.isArray(s.enum)) return `one of ${s.enum.join(', ')}`
  if (s.const !== undefined) return JSON.stringify(s.const)
  const types: string[] = Array.isArray(s.type) ? s.type : s.type ? [s.type] : []
  if (types.length > 1) return types.map((t) => TYPE_TEXT[t] ?? t).join(' or ')
  switch (types[0]) {
    case 'integer':
    case 'number':
      return TYPE_TEXT[types[0]] + range(s)
    case 'string':
      return s.minLength ? 'a non-empty string' : 'a string'
    case 'array':
      return s.maxItems !== undefined ? `an array of at most ${s.maxItems} values` : 'an array'
    default:
      return TYPE_TEXT[types[0]] ?? 'something else'
  }
}

function expected(e: ErrorObject): string {
  const place = e.schemaPath.slice(0, e.schemaPath.lastIndexOf('/'))
  const def = /^#\/\$defs\/([^/]+)$/.exec(place)?.[1]
  return PLACE_TEXT[e.schemaPath] ?? (def && DEF_TEXT[def]) ?? describeSchema(e.parentSchema ?? {})
}

/** Keys a behaviour of `kind` may have: the common ones plus those of its `then` branch. */
function behaviourKeys(schema: AnySchemaObject, kind: unknown): string[] {
  const keys = Object.keys(schema.properties ?? {})
  for (const branch of (schema.allOf ?? []) as AnySchemaObject[]) {
    if (branch.if?.properties?.kind?.const === kind) keys.push(...Object.keys(branch.then?.properties ?? {}))
  }
  return keys
}

/**
 * Validates `file` against the schema; returns one message per problem (empty when the file
 * fits). Errors that only restate another (an `if` branch failing, a key left unevaluated
 * because its own value is wrong) are left out.
 */
export function schemaErrors(file: unknown): string[] {
  const validate = compiled()
  if (validate(file)) return []
  const errors = validate.errors ?? []
  const out = new Map<string, string>()
  const unevaluated: { path: string; text: string; parent: string }[] = []
  for (const e of errors) {
    const segments = pointerSegments(e.instancePath, file)
    const at = formatPath(segments)
    const label = at === '' ? '(the file)' : at
    switch (e.keyword) {
      case 'if':
      case 'propertyNames':
        continue
      case 'required': {
        const required = (e.parentSchema?.required ?? []) as string[]
        const kind = (e.data as { kind?: unknown } | undefined)?.kind
        const why = e.schemaPath.includes('/then/') && typeof kind === 'string' ? ` (${aType(kind)} behaviour needs ${required.join(', ')})` : ''
        out.set(`${at}\0${e.params.missingProperty}`, `${label}: missing "${e.params.missingProperty}"${why}`)
        continue
      }
      case 'additionalProperties': {
        const path = formatPath([...segments, e.params.additionalProperty as string])
        out.set(path, `${path}: unknown key (${Object.keys(e.parentSchema?.properties ?? {}).join(', ')})`)
        continue
      }
      case 'unevaluatedProperties': {
        const key = e.params.unevaluatedProperty as string
        const path = formatPath([...segments, key])
        const kind = (e.data as { kind?: unknown }).kind
        const keys = behaviourKeys(e.parentSchema ?? {}, kind)
        // A key of the kind is left unevaluated when the kind's branch failed on another key.
        if (!keys.includes(key)) unevaluated.push({ path, parent: at, text: `${path}: unknown key for ${aType(String(kind))} behaviour (${keys.join(', ')})` })
        continue
      }
    }
    if (e.propertyName !== undefined) {
      out.set(`${at}\0key ${e.propertyName}`, `${label}: key ${JSON.stringify(e.propertyName)} is not ${expected(e)}`)
      continue
    }
    if (!out.has(at)) out.set(at, `${label}: expected ${expected(e)}, got ${showValue(e.data)}`)
  }
  for (const u of unevaluated) {
    // A key whose own value failed is "unevaluated" too; and with an unknown kind every key is.
    if (out.has(u.path) || out.has(`${u.parent}.kind`)) continue
    out.set(u.path, u.text)
  }
  return [...out.values()]
}
