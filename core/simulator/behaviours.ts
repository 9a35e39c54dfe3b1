/**
 * Behaviours: how a point's value changes on its own, one update per interval.
 *
 *   counter     step (default 1) from min (default 0) to max (default the type's top); past max it
 *               wraps to min (with a negative step: past min to max)
 *   ramp        from → to over period ms, then again from `from` (a sawtooth)
 *   sine        offset + amplitude × sin(2π t / period)
 *   randomWalk  ± up to step per update, kept within min..max; `seed` makes it repeatable
 *   timestamp   Unix time, seconds
 *   uptime      seconds since the simulator started
 *   copy        another point's value of the same unit (× scale)
 *
 * Values are the point's (after its scale); what does not fit the type is clamped when written.
 * counter and randomWalk go on from the point's current value, so a client that writes the point
 * resets them; the others depend on time alone (copy on its source).
 */
import { BEHAVIOUR_KINDS } from './device-schema.ts'
import { aType, isNumericPoint, valueRange, type Point, type PointValue } from './points.ts'

/** One of BEHAVIOUR_KINDS. */
export type BehaviourKind = (typeof BEHAVIOUR_KINDS)[number]

interface Common {
  /** Update interval, ms; default the file's `interval`, else 1000. */
  interval?: number
}
/** counter: see the module comment. */
export interface CounterSpec extends Common { kind: 'counter'; step?: number; min?: number; max?: number }
/** ramp: see the module comment. */
export interface RampSpec extends Common { kind: 'ramp'; from: number; to: number; period: number }
/** sine: see the module comment. */
export interface SineSpec extends Common { kind: 'sine'; amplitude: number; offset?: number; period: number }
/** randomWalk: see the module comment. */
export interface RandomWalkSpec extends Common { kind: 'randomWalk'; step: number; min: number; max: number; seed?: number }
/** timestamp: see the module comment. */
export interface TimestampSpec extends Common { kind: 'timestamp' }
/** uptime: see the module comment. */
export interface UptimeSpec extends Common { kind: 'uptime' }
/** copy: see the module comment. */
export interface CopySpec extends Common { kind: 'copy'; of: string; scale?: number }

/** A behaviour as a device file gives it. */
export type BehaviourSpec = CounterSpec | RampSpec | SineSpec | RandomWalkSpec | TimestampSpec | UptimeSpec | CopySpec

/** Default update interval, ms. */
export const DEFAULT_INTERVAL_MS = 1000

/** Point types a timestamp fits (Unix seconds need more than 16 bits; float32 would round them by minutes). */
const TIMESTAMP_TYPES = new Set(['int32', 'uint32', 'int64', 'uint64', 'float64'])

/** The largest integer a float type holds exactly: a counter's default top on floats. */
function counterTop(point: Point): number {
  if (point.type === 'float32') return 2 ** 24 * point.scale
  if (point.type === 'float64') return Number.MAX_SAFE_INTEGER * point.scale
  return valueRange(point)[1]
}

/** counter's min and max with their defaults. */
export function counterBounds(spec: CounterSpec, point: Point): [number, number] {
  return [spec.min ?? 0, spec.max ?? counterTop(point)]
}

/**
 * Checks a behaviour against its point (the shapes were checked by the schema); returns the
 * problems, each starting with the key it is about ('' for the behaviour itself).
 */
export function behaviourProblems(spec: BehaviourSpec, point: Point, points: ReadonlyMap<string, Point>): [key: string, why: string][] {
  const out: [string, string][] = []
  if (spec.kind === 'copy') {
    const source = points.get(spec.of)
    if (source === undefined) out.push(['of', `no point ${JSON.stringify(spec.of)} in this unit (points: ${[...points.keys()].join(', ')})`])
    else if (source === point) out.push(['of', 'a point cannot copy itself'])
    else if (isNumericPoint(source.type) !== isNumericPoint(point.type) || (!isNumericPoint(point.type) && source.type !== point.type)) {
      out.push(['of', `${aType(point.type)} point cannot copy ${aType(source.type)} point (numbers copy numbers; string, bool and bits their own type)`])
    } else if (spec.scale !== undefined && !isNumericPoint(point.type)) out.push(['scale', 'only numbers are scaled'])
    return out
  }
  if (!isNumericPoint(point.type)) return [['kind', `${aType(spec.kind)} needs a number point; ${aType(point.type)} point may only copy`]]
  const [low, high] = valueRange(point)
  const fits = (key: string, v: number) => {
    if (v < low || v > high) out.push([key, `${v} is outside what ${aType(point.type)} point holds (${low}..${high})`])
  }
  switch (spec.kind) {
    case 'counter': {
      const [min, max] = counterBounds(spec, point)
      fits('min', min)
      fits('max', max)
      if (min >= max) out.push(['max', `max ${max} must be above min ${min}`])
      break
    }
    case 'ramp':
      fits('from', spec.from)
      fits('to', spec.to)
      break
    case 'sine': {
      const [lo, hi] = [(spec.offset ?? 0) - Math.abs(spec.amplitude), (spec.offset ?? 0) + Math.abs(spec.amplitude)]
      if (lo < low || hi > high) out.push(['amplitude', `offset ${spec.offset ?? 0} ± amplitude ${Math.abs(spec.amplitude)} spans ${lo}..${hi}, beyond what ${aType(point.type)} point holds (${low}..${high})`])
      break
    }
    case 'randomWalk':
      fits('min', spec.min)
      fits('max', spec.max)
      if (spec.min > spec.max) out.push(['max', `max ${spec.max} is below min ${spec.min}`])
      break
    case 'timestamp':
      if (!TIMESTAMP_TYPES.has(point.type)) out.push(['kind', `a timestamp needs an int32, uint32, int64, uint64 or float64 point, not ${point.type}`])
      break
  }
  return out
}

/**
 * A seeded pseudo-random generator (mulberry32): the same seed gives the same sequence of
 * numbers in [0, 1). Not for anything secret.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** What an update needs besides the behaviour: the time, the start, and the values it reads. */
export interface UpdateInput {
  /** Now, ms since the epoch. */
  now: number
  /** When the behaviours started, ms since the epoch. */
  start: number
  /** True for the first update (at the start): counter and randomWalk then only settle into range. */
  first: boolean
  /** The point's current value (counter, randomWalk). */
  current?: PointValue
  /** The copied point's value (copy). */
  source?: PointValue
  /** randomWalk's generator. */
  random?: () => number
}

function numberOf(v: PointValue | undefined): number {
  if (typeof v === 'number') return v
  if (typeof v === 'bigint') return Number(v)
  return 0
}

/** The value `spec` gives its point for this update. */
export function behaviourValue(spec: BehaviourSpec, point: Point, input: UpdateInput): PointValue {
  const elapsed = input.now - input.start
  switch (spec.kind) {
    case 'counter': {
      const [min, max] = counterBounds(spec, point)
      const step = spec.step ?? 1
      const current = numberOf(input.current)
      const start = step < 0 ? max : min
      if (current < min || current > max) return start
      if (input.first) return current
      const next = current + step
      return next > max ? min : next < min ? max : next
    }
    case 'ramp':
      return spec.from + ((spec.to - spec.from) * (elapsed % spec.period)) / spec.period
    case 'sine':
      return (spec.offset ?? 0) + spec.amplitude * Math.sin((2 * Math.PI * elapsed) / spec.period)
    case 'randomWalk': {
      const current = numberOf(input.current)
      if (current < spec.min || current > spec.max) return (spec.min + spec.max) / 2
      if (input.first) return current
      const next = current + (input.random!() * 2 - 1) * spec.step
      return Math.min(spec.max, Math.max(spec.min, next))
    }
    case 'timestamp':
      return Math.floor(input.now / 1000)
    case 'uptime':
      return Math.floor(elapsed / 1000)
    case 'copy': {
      const v = input.source
      if (spec.scale === undefined || typeof v === 'boolean' || typeof v === 'string' || Array.isArray(v) || v === undefined) return v ?? 0
      return Number(v) * spec.scale
    }
  }
}
