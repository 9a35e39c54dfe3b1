/**
 * Paths into a device file as error messages print them: `units.1.holdingRegisters.values[3]`,
 * with keys that are not plain words quoted (`points["flow rate"]`).
 */

/** One step into a JSON value: an object key or an array index. */
export type PathSegment = string | number

/** Formats segments as a dotted path, after `base` (an already formatted path) when given. */
export function formatPath(segments: readonly PathSegment[], base = ''): string {
  let out = base
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`
    else if (/^[A-Za-z0-9_$-]+$/.test(s)) out += out === '' ? s : `.${s}`
    else out += `[${JSON.stringify(s)}]`
  }
  return out
}

/**
 * Turns a JSON Pointer (RFC 6901, as Ajv reports instance paths) into segments, walking `root`
 * so that a step into an array becomes an index.
 */
export function pointerSegments(pointer: string, root: unknown): PathSegment[] {
  if (pointer === '') return []
  const out: PathSegment[] = []
  let node: unknown = root
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~')
    if (Array.isArray(node)) {
      out.push(Number(key))
      node = node[Number(key)]
    } else {
      out.push(key)
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined
    }
  }
  return out
}

/** A value as an error message shows it: short, quoted when a string. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (Array.isArray(value)) return `an array of ${value.length}`
  if (value !== null && typeof value === 'object') return 'an object'
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value)
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 40 ? `${text.slice(0, 37)}...` : text
}
