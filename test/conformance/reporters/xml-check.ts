/**
 * A tiny XML well-formedness check for the JUnit tests: balanced tags, one root, quoted
 * attributes, only known entities, no raw `<` or `&` in text or attributes, no characters XML 1.0
 * forbids. Returns the element tree with entities decoded so tests can count and read elements.
 */

/** An element of the checked document. */
export interface XmlElement {
  name: string
  attrs: Record<string, string>
  children: XmlElement[]
  text: string
}

const ENTITY = /&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g
const FORBIDDEN = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/

function decode(raw: string, where: string): string {
  if (/[<]/.test(raw)) throw new Error(`raw < in ${where}: ${raw}`)
  if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(raw)) throw new Error(`bare & in ${where}: ${raw}`)
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }
  return raw.replace(ENTITY, (_, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16))
    if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10))
    return named[e]
  })
}

/** Parses `xml` or throws an Error naming the first problem. */
export function checkXml(xml: string): XmlElement {
  if (FORBIDDEN.test(xml)) throw new Error('a character XML 1.0 forbids')
  let rest = xml.replace(/^<\?xml[^?]*\?>\s*/, '')
  const stack: XmlElement[] = []
  let root: XmlElement | null = null
  const TAG = /^<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/
  while (rest.length > 0) {
    if (rest.startsWith('<')) {
      const m = TAG.exec(rest)
      if (!m) throw new Error(`malformed tag at: ${rest.slice(0, 40)}`)
      const [whole, closing, name, attrText, selfClosing] = m
      rest = rest.slice(whole.length)
      if (closing) {
        const open = stack.pop()
        if (!open || open.name !== name) throw new Error(`</${name}> closes <${open?.name ?? 'nothing'}>`)
        continue
      }
      const attrs: Record<string, string> = {}
      for (const a of attrText.matchAll(/([A-Za-z_][\w.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
        if (a[1] in attrs) throw new Error(`duplicate attribute ${a[1]} on <${name}>`)
        attrs[a[1]] = decode(a[2] ?? a[3], `attribute ${a[1]} of <${name}>`)
      }
      const el: XmlElement = { name, attrs, children: [], text: '' }
      if (stack.length > 0) stack[stack.length - 1].children.push(el)
      else if (root) throw new Error(`second root element <${name}>`)
      else root = el
      if (!selfClosing) stack.push(el)
    } else {
      const end = rest.indexOf('<')
      const raw = end < 0 ? rest : rest.slice(0, end)
      rest = end < 0 ? '' : rest.slice(end)
      const text = decode(raw, 'text')
      if (stack.length === 0) {
        if (text.trim() !== '') throw new Error(`text outside the root: ${text.trim().slice(0, 40)}`)
      } else stack[stack.length - 1].text += text
    }
  }
  if (stack.length > 0) throw new Error(`<${stack[stack.length - 1].name}> is never closed`)
  if (!root) throw new Error('no root element')
  return root
}

/** Every element named `name` below (and including) `el`, in document order. */
export function findAll(el: XmlElement, name: string): XmlElement[] {
  const found = el.name === name ? [el] : []
  for (const c of el.children) found.push(...findAll(c, name))
  return found
}
