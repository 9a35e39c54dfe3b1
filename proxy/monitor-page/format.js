// How the page writes numbers, times and bytes.

/** A number with `digits` decimals, or "–" when there is none (null, NaN: no data is never 0.00). */
export function fixed(n, digits = 1) {
  return typeof n === 'number' && Number.isFinite(n) ? n.toFixed(digits) : '–'
}

/** Compact hex ("0103000a") as bytes separated by spaces ("01 03 00 0a"), so a line only ever breaks between bytes. */
export function spacedHex(hex) {
  if (!hex) return ''
  const pairs = new Array(hex.length >> 1)
  for (let i = 0; i < pairs.length; i++) pairs[i] = hex.slice(2 * i, 2 * i + 2)
  return pairs.join(' ')
}

const two = (n) => String(n).padStart(2, '0')

/** Local wall-clock time of a Unix time in ms, 24-hour, with milliseconds: 14:03:27.045. */
export function clock(ms) {
  const d = new Date(ms)
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`
}

/** The same for a Unix time in seconds, without milliseconds (chart axes). */
export function clockSeconds(s) {
  const d = new Date(s * 1000)
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`
}

/** A function code as the page shows it: 0x03. */
export function code(n) {
  return `0x${n.toString(16).padStart(2, '0')}`
}
