/**
 * Loads and validates the golden vectors in vectors/. The unit tests and the conformance runner
 * both read vectors through this module, so a vector means the same thing to each.
 * The checks mirror vectors/schema.json; they are hand-written to avoid a schema dependency.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ArgumentError } from '../core/index.ts'
import type { ErrorCode } from '../core/index.ts'

/** The vectors folder of this checkout. */
export const VECTORS_DIR = fileURLToPath(new URL('../vectors/', import.meta.url))

/** One PDU vector. */
export interface PduVector {
  id: string
  spec: string
  direction: 'request' | 'response'
  hex: string
  fields?: Record<string, unknown>
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

/** Framer names. */
export type FramerKind = 'tcp' | 'rtu' | 'ascii' | 'binary'

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

const HEX = /^[0-9a-fA-F ]*$/
const PDU_KEYS = new Set(['id', 'spec', 'direction', 'hex', 'fields', 'error', 'field', 'exception', 'note'])
const FRAME_KEYS = new Set(['id', 'spec', 'expect', 'text', 'chunks', 'end', 'frames', 'errors', 'stats', 'buffered', 'encodes', 'note'])

function fail(file: string, id: string, why: string): never {
  throw new ArgumentError(`vectors/${file} case ${JSON.stringify(id)}: ${why}`)
}

function readJson(file: string): any {
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

function checkUnknownKeys(file: string, id: string, obj: object, allowed: Set<string>): void {
  for (const key of Object.keys(obj)) if (!allowed.has(key)) fail(file, id, `unknown key ${JSON.stringify(key)}`)
}

/** Every PDU vector, validated; ids are unique across files. */
export function loadPduVectors(): PduVector[] {
  const out: PduVector[] = []
  const ids = new Set<string>()
  for (const file of jsonFiles('pdu')) {
    const doc = readJson(file)
    if (typeof doc.function !== 'string' || !Number.isInteger(doc.code) || !Array.isArray(doc.cases)) {
      fail(file, '-', 'a PDU file needs "function" (string), "code" (integer) and "cases" (array)')
    }
    for (const c of doc.cases) {
      const id = String(c.id)
      checkUnknownKeys(file, id, c, PDU_KEYS)
      if (typeof c.id !== 'string' || ids.has(id)) fail(file, id, 'id missing or not unique')
      ids.add(id)
      if (typeof c.spec !== 'string') fail(file, id, '"spec" must cite a section')
      if (c.direction !== 'request' && c.direction !== 'response') fail(file, id, '"direction" must be request or response')
      if (typeof c.hex !== 'string' || !HEX.test(c.hex)) fail(file, id, '"hex" must be a hex string')
      const outcomes = Number('fields' in c) + Number('error' in c) + Number('exception' in c)
      if (outcomes !== 1) fail(file, id, 'exactly one of "fields", "error", "exception"')
      if ('error' in c && !/^MB_ERR_[A-Z_]+$/.test(c.error)) fail(file, id, '"error" must be an MB_ERR_* code')
      out.push({ ...c, file, function: doc.function, code: doc.code })
    }
  }
  return out
}

/** Every frame vector for one framer (or all framers), validated. */
export function loadFrameVectors(framer?: FramerKind): FrameVector[] {
  const kinds: FramerKind[] = framer ? [framer] : ['tcp', 'rtu', 'ascii', 'binary']
  const out: FrameVector[] = []
  const ids = new Set<string>()
  for (const kind of kinds) {
    for (const file of jsonFiles(`frames/${kind}`)) {
      const doc = readJson(file)
      if (doc.framer !== kind || !Array.isArray(doc.cases)) fail(file, '-', `"framer" must be ${kind} and "cases" an array`)
      for (const c of doc.cases) {
        const id = String(c.id)
        checkUnknownKeys(file, id, c, FRAME_KEYS)
        if (typeof c.id !== 'string' || ids.has(id)) fail(file, id, 'id missing or not unique')
        ids.add(id)
        if (typeof c.spec !== 'string') fail(file, id, '"spec" must cite a section')
        if (!Array.isArray(c.chunks) || c.chunks.some((s: unknown) => typeof s !== 'string')) fail(file, id, '"chunks" must be strings')
        if (!c.text && c.chunks.some((s: string) => !HEX.test(s))) fail(file, id, 'hex chunks only (or set "text": true)')
        if (!Array.isArray(c.frames)) fail(file, id, '"frames" must be an array')
        for (const f of c.frames) if (!Number.isInteger(f.unit) || typeof f.pdu !== 'string' || !HEX.test(f.pdu)) fail(file, id, 'each frame needs unit and hex pdu')
        out.push({ ...c, framer: kind, file })
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
