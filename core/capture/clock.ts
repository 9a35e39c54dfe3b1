/**
 * Packet timestamps: microseconds since 1970 from the monotonic clock every part of modbridge times
 * its frames with (performance.now()), so a capture's timestamps and a report's response times agree.
 */

/** Microseconds since 1970-01-01 UTC of a performance.now() reading (default: now). */
export function timestampUs(at = performance.now()): number {
  return (performance.timeOrigin + at) * 1000
}
