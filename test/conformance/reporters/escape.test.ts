import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { html, markdownInline, oneLine, visibleControls, xmlAttr, xmlText } from '../../../conformance/reporters/escape.ts'

const test = suite('report escaping')

test('control characters become visible \\xNN escapes; tab, newline and carriage return stay', () => {
  assert.is(visibleControls('a\x00b\x1b[31m\x7f\x85\tc\nd\re'), 'a\\x00b\\x1b[31m\\x7f\\x85\tc\nd\re')
})
test('an unpaired surrogate and U+FFFF are made visible; a surrogate pair (emoji) is kept', () => {
  assert.is(visibleControls('x\ud800y\udc00z\uffff'), 'x\\ud800y\\udc00z\\uffff')
  assert.is(visibleControls('ok \u{1f600}'), 'ok \u{1f600}')
})
test('xml text escapes &, < and > but leaves quotes alone', () => {
  assert.is(xmlText(`a < b & c > "d" 'e'`), `a &lt; b &amp; c &gt; "d" 'e'`)
})
test('xml attributes also escape both quotes and keep tab, newline and CR as character references', () => {
  assert.is(xmlAttr(`"x" 'y' <&>\t\n\r`), '&quot;x&quot; &apos;y&apos; &lt;&amp;&gt;&#9;&#10;&#13;')
})
test('html escapes markup and both quotes, and makes ESC visible', () => {
  assert.is(html(`<a href="x">'&'</a>\x1b`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;\\x1b')
})
test('oneLine collapses newlines and runs of spaces', () => {
  assert.is(oneLine('  a\n\n b\t c  '), 'a b c')
})
test('markdown inline text escapes emphasis, code, links, tables and inline HTML', () => {
  assert.is(markdownInline('*a* _b_ `c` [d] | <e> & #f'), '\\*a\\* \\_b\\_ \\`c\\` \\[d\\] \\| &lt;e&gt; &amp; \\#f')
})

test.run()
