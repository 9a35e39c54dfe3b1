/**
 * How the reporters write function codes, durations and shares, so every output agrees.
 */
import { defaultRegistry, hex } from '../../core/index.ts'
import type { Level } from '../report.ts'

/** The function code as `0x03`, or `—` when the case is not about one function (framing, scenarios). */
export function functionCode(fc: number | null): string {
  return fc === null ? '—' : hex(fc)
}

/** The function code with its spec name, e.g. `0x03 readHoldingRegisters`; the bare code when unregistered. */
export function functionLabel(fc: number | null): string {
  if (fc === null) return 'no function code'
  const spec = defaultRegistry.get(fc)
  return spec ? `${hex(fc)} ${spec.name}` : hex(fc)
}

/** A name part for the function code: `fc03`, `fc2b` (JUnit classnames, CSS-safe ids). */
export function functionTag(fc: number): string {
  return 'fc' + fc.toString(16).padStart(2, '0')
}

/** A time in ms with sensible precision (`0.42 ms`, `12.3 ms`, `250 ms`), or `—` when null. */
export function formatMs(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—'
  return `${trimNumber(ms)} ms`
}

/** Where a case counts, from its level: `all levels` (interop cases) or `strict level only`. */
export function levelScope(level: Level): string {
  return level === 'strict' ? 'strict level only' : 'all levels'
}

/** A run duration: ms below a second, then seconds, then minutes and seconds. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return formatMs(ms)
  if (ms < 60_000) return `${trimNumber(ms / 1000)} s`
  const minutes = Math.floor(ms / 60_000)
  return `${minutes} min ${Math.round((ms - minutes * 60_000) / 1000)} s`
}

/** `part` as a percentage of `whole` with one decimal, e.g. `12.5%`; `—` when whole is 0. */
export function percent(part: number, whole: number): string {
  if (!(whole > 0)) return '—'
  return `${(Math.round((part / whole) * 1000) / 10).toFixed(1)}%`
}

/** A number to three significant digits at most, without trailing zeros or exponent notation (1234 stays 1234). */
export function trimNumber(n: number): string {
  if (Math.abs(n) >= 100) return String(Math.round(n))
  return String(Number(n.toPrecision(3)))
}

/** Seconds from ms for XML time attributes: up to six decimals, no trailing zeros. */
export function seconds(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '0'
  return String(Number((ms / 1000).toFixed(6)))
}
