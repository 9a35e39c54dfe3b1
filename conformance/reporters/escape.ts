/**
 * Escaping for the report writers: XML (JUnit), HTML, and terminal or Markdown text. Case titles,
 * messages and descriptions come from devices and vectors, so any of them may hold markup
 * characters or raw control bytes.
 */

// XML 1.0 cannot carry C0 controls other than tab, newline and carriage return at all, not even as
// character references, nor lone surrogates or U+FFFE/U+FFFF. C1 controls and DEL are legal but
// invisible. All of them are written as visible escapes instead, so a stray byte in a device's
// reply text shows up in the report rather than breaking the file or vanishing.
const INVISIBLE = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

/** Replaces control characters (other than tab, newline, carriage return) and unpaired surrogates with `\xNN` / `\uNNNN`. */
export function visibleControls(text: string): string {
  return text.replace(INVISIBLE, (c) => {
    const code = c.charCodeAt(0)
    return code <= 0xff ? '\\x' + code.toString(16).padStart(2, '0') : '\\u' + code.toString(16).padStart(4, '0')
  })
}

/** Text for an XML element body: controls made visible, `&`, `<` and `>` escaped. */
export function xmlText(text: string): string {
  return visibleControls(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/**
 * Text for a double- or single-quoted XML attribute. Tab, newline and carriage return become
 * character references, because attribute-value normalisation would otherwise turn them into spaces.
 */
export function xmlAttr(text: string): string {
  return xmlText(text)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
}

/** Text safe both as HTML element content and inside a quoted HTML attribute. */
export function html(text: string): string {
  return visibleControls(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

/** One line of plain text (terminal, Markdown): controls made visible, runs of whitespace collapsed to one space. */
export function oneLine(text: string): string {
  return visibleControls(text).replace(/\s+/g, ' ').trim()
}

/** Inline Markdown text: one line, with the characters Markdown or inline HTML would interpret backslash-escaped or entity-escaped. */
export function markdownInline(text: string): string {
  return oneLine(text)
    .replace(/[\\`*_[\]#|~]/g, (c) => '\\' + c)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
}
