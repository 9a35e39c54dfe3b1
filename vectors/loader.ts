/**
 * Loads and validates the golden vectors in this folder. The unit tests and the conformance runner
 * both read vectors through this module, so a vector means the same thing to each.
 * The checks mirror schema.json; they are hand-written to avoid a schema dependency.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ArgumentError, FRAMER_KINDS, type ErrorCode, type FramerKind } from '../core/index.ts'

/** The vectors folder of this checkout. */
export const VECTORS_DIR = fileURLToPath(new URL('./', import.meta.url))

/** The decoded message of a positive PDU vector: a plain object naming its function. */
export type VectorFields = Record<string, unknown> & { function: string }

/** One PDU vector. */
export interface PduVector {
  id: string
  spec: string
  direction: 'request' | 'response'
  hex: string
  fields?: VectorFields
  error?: ErrorCode
  field?: string
  exception?: number
  note?: string
  /** File the case came from, relative to vectors/. */
  file: string
  /** The file's function name and code. */
  function: string
  code: number
}

/** A frame the framer must deliver. */
export interface ExpectedFrame {
  unit: number
  tid?: number
  pdu: string
}

/** One frame vector. */
export interface FrameVector {
  id: string
  spec: string
  framer: FramerKind
  expect?: 'request' | 'response'
  text?: boolean
  chunks: string[]
  end?: boolean
  frames: ExpectedFrame[]
  errors?: ErrorCode[]
  stats?: { frames?: number; droppedBytes?: number; checksumErrors?: number }
  buffered?: number
  encodes?: boolean
  note?: string
  file: string
}

type Json = Record<string, unknown>

const HEX = /^[0-9a-fA-F ]*$/
const ERROR_CODE = /^MB_ERR_[A-Z_]+$/
const PDU_KEYS = new Set(['id', 'spec', 'direction', 'hex', 'fields', 'error', 'field', 'exception', 'note'])
const FRAME_KEYS = new Set(['id', 'spec', 'expect', 'text', 'chunks', 'end', 'frames', 'errors', 'stats', 'buffered', 'encodes', 'note'])
const STATS_KEYS = ['frames', 'droppedBytes', 'checksumErrors'] as const

function fail(file: string, id: string, why: string): never {
  throw new ArgumentError(`vectors/${file} case ${JSON.stringify(id)}: ${why}`)
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function readJson(file: string): unknown {
  const text = readFileSync(join(VECTORS_DIR, file), 'utf8')
  try {
    return JSON.parse(text)
  } catch (err) {
    throw new ArgumentError(`vectors/${file}: not valid JSON (${(err as Error).message})`, { cause: err })
  }
}

function jsonFiles(dir: string): string[] {
  return readdirSync(join(VECTORS_DIR, dir))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => `${dir}/${f}`)
}

function checkUnknownKeys(file: string, id: string, obj: Json, allowed: Set<string>): void {
  for (const key of Object.keys(obj)) if (!allowed.has(key)) fail(file, id, `unknown key ${JSON.stringify(key)}`)
}

/** Typed readers of one case's optional fields: each returns undefined when the key is absent. */
function optional<T>(file: string, id: string, c: Json, key: string, what: string, ok: (v: unknown) => v is T): T | undefined {
  const v = c[key]
  if (v === undefined) return undefined
  if (!ok(v)) fail(file, id, `"${key}" must be ${what}`)
  return v
}

const isString = (v: unknown): v is string => typeof v === 'string'
const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean'
const isInteger = (v: unknown): v is number => Number.isInteger(v)
const isErrorCode = (v: unknown): v is ErrorCode => typeof v === 'string' && ERROR_CODE.test(v)
const isErrorCodes = (v: unknown): v is ErrorCode[] => Array.isArray(v) && v.every(isErrorCode)
const isFields = (v: unknown): v is VectorFields => isObject(v) && typeof v.function === 'string'

/** The cases of a vector file, each an object. */
function casesOf(file: string, cases: unknown[]): Json[] {
  return cases.map((c, i) => (isObject(c) ? c : fail(file, `#${i}`, 'a case must be an object')))
}

/** The id, after checking it is a string not seen before. */
function uniqueId(file: string, c: Json, ids: Set<string>): string {
  const id = String(c.id)
  if (typeof c.id !== 'string' || ids.has(id)) fail(file, id, 'id missing or not unique')
  ids.add(id)
  return id
}

/** Every PDU vector, validated; ids are unique across files. */
export function loadPduVectors(): PduVector[] {
  const out: PduVector[] = []
  const ids = new Set<string>()
  for (const file of jsonFiles('pdu')) {
    const doc = readJson(file)
    if (!isObject(doc) || typeof doc.function !== 'string' || !isInteger(doc.code) || !Array.isArray(doc.cases)) {
      fail(file, '-', 'a PDU file needs "function" (string), "code" (integer) and "cases" (array)')
    }
    const name = doc.function
    const code = doc.code
    for (const c of casesOf(file, doc.cases)) {
      const id = String(c.id)
      checkUnknownKeys(file, id, c, PDU_KEYS)
      uniqueId(file, c, ids)
      if (typeof c.spec !== 'string') fail(file, id, '"spec" must cite a section')
      if (c.direction !== 'request' && c.direction !== 'response') fail(file, id, '"direction" must be request or response')
      if (typeof c.hex !== 'string' || !HEX.test(c.hex)) fail(file, id, '"hex" must be a hex string')
      const outcomes = Number('fields' in c) + Number('error' in c) + Number('exception' in c)
      if (outcomes !== 1) fail(file, id, 'exactly one of "fields", "error", "exception"')
      out.push({
        id,
        spec: c.spec,
        direction: c.direction,
        hex: c.hex,
        fields: optional(file, id, c, 'fields', 'an object naming its "function"', isFields),
        error: optional(file, id, c, 'error', 'an MB_ERR_* code', isErrorCode),
        field: optional(file, id, c, 'field', 'a string', isString),
        exception: optional(file, id, c, 'exception', 'an integer', isInteger),
        note: optional(file, id, c, 'note', 'a string', isString),
        file,
        function: name,
        code,
      })
    }
  }
  return out
}

function isFrames(v: unknown): v is ExpectedFrame[] {
  return (
    Array.isArray(v) &&
    v.every((f) => isObject(f) && isInteger(f.unit) && typeof f.pdu === 'string' && HEX.test(f.pdu) && (f.tid === undefined || isInteger(f.tid)))
  )
}

function isStats(v: unknown): v is NonNullable<FrameVector['stats']> {
  return isObject(v) && Object.keys(v).every((k) => (STATS_KEYS as readonly string[]).includes(k) && isInteger(v[k]))
}

/** Every frame vector for one framer (or all framers), validated. */
export function loadFrameVectors(framer?: FramerKind): FrameVector[] {
  const kinds: readonly FramerKind[] = framer ? [framer] : FRAMER_KINDS
  const out: FrameVector[] = []
  const ids = new Set<string>()
  for (const kind of kinds) {
    for (const file of jsonFiles(`frames/${kind}`)) {
      const doc = readJson(file)
      if (!isObject(doc) || doc.framer !== kind || !Array.isArray(doc.cases)) fail(file, '-', `"framer" must be ${kind} and "cases" an array`)
      for (const c of casesOf(file, doc.cases)) {
        const id = String(c.id)
        checkUnknownKeys(file, id, c, FRAME_KEYS)
        uniqueId(file, c, ids)
        if (typeof c.spec !== 'string') fail(file, id, '"spec" must cite a section')
        const chunks = c.chunks
        if (!Array.isArray(chunks) || !chunks.every(isString)) fail(file, id, '"chunks" must be strings')
        const text = optional(file, id, c, 'text', 'a boolean', isBoolean)
        if (!text && !chunks.every((s) => HEX.test(s))) fail(file, id, 'hex chunks only (or set "text": true)')
        if (!Array.isArray(c.frames)) fail(file, id, '"frames" must be an array')
        if (!isFrames(c.frames)) fail(file, id, 'each frame needs unit and hex pdu')
        const expect = c.expect
        if (expect !== undefined && expect !== 'request' && expect !== 'response') fail(file, id, '"expect" must be request or response')
        out.push({
          id,
          spec: c.spec,
          framer: kind,
          expect,
          text,
          chunks,
          end: optional(file, id, c, 'end', 'a boolean', isBoolean),
          frames: c.frames,
          errors: optional(file, id, c, 'errors', 'an array of MB_ERR_* codes', isErrorCodes),
          stats: optional(file, id, c, 'stats', 'an object of frames, droppedBytes and checksumErrors counts', isStats),
          buffered: optional(file, id, c, 'buffered', 'an integer', isInteger),
          encodes: optional(file, id, c, 'encodes', 'a boolean', isBoolean),
          note: optional(file, id, c, 'note', 'a string', isString),
          file,
        })
      }
    }
  }
  return out
}

/** Bytes of a hex string with optional spaces. */
export function hexBytes(text: string): Buffer {
  return Buffer.from(text.replace(/\s+/g, ''), 'hex')
}

/** The bytes of a frame vector's chunks. */
export function chunkBytes(v: FrameVector): Buffer[] {
  return v.chunks.map((c) => (v.text ? Buffer.from(c, 'latin1') : hexBytes(c)))
}
