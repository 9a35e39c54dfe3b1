import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { decodedLine, markedHex, plainHex, specLinks, specPart, wireNotes } from '../../../conformance/reporters/html-case.ts'
import { diffHex } from '../../../conformance/reporters/hex-diff.ts'
import { caseReport } from './fixture-report.ts'

const test = suite('one case in the HTML report')

test('each byte is marked: differs, extra (only on this side), missing (a placeholder)', () => {
  const d = diffHex('01 03 02 00 0a', '01 03 04 00 0a 00 0b')
  assert.is(
    markedHex(d.expected, d.actual),
    '<code class="hex"><span class="b">01</span> <span class="b">03</span> <mark class="b differs" title="byte 2: 04 on the other side">02</mark> ' +
      '<span class="b">00</span> <span class="b">0a</span> <span class="b missing" title="byte 5: missing">··</span> <span class="b missing" title="byte 6: missing">··</span></code>',
  )
  assert.is(
    markedHex(d.actual, d.expected),
    '<code class="hex"><span class="b">01</span> <span class="b">03</span> <mark class="b differs" title="byte 2: 02 on the other side">04</mark> ' +
      '<span class="b">00</span> <span class="b">0a</span> <mark class="b extra" title="byte 5: nothing on the other side">00</mark> <mark class="b extra" title="byte 6: nothing on the other side">0b</mark></code>',
  )
  const same = diffHex('01 03', '01 03')
  assert.not.match(markedHex(same.expected, same.actual), /mark|missing/)
  assert.is(markedHex(null), '<code class="hex nobytes">no bytes</code>')
})
test('plain hex is one element per byte, escaped', () => {
  assert.is(plainHex(' 01  0a '), '<code class="hex"><span class="b">01</span> <span class="b">0a</span></code>')
  assert.is(plainHex('<i>'), '<code class="hex"><span class="b">&lt;i&gt;</span></code>')
  assert.is(plainHex(''), '<code class="hex nobytes">no bytes</code>')
})
test('a decoded side names unit and transaction; a failed one says does not decode', () => {
  assert.is(decodedLine(null), '')
  assert.is(decodedLine({ ok: true, unit: 3, tid: 9, pdu: Buffer.from([3]), text: 'x <y>' }), '<p class="decoded">decodes as <span class="msg">x &lt;y&gt;</span> <span class="muted">(unit 3, transaction 9)</span></p>')
  assert.is(decodedLine({ ok: false, reason: 'CRC & <b>' }), '<p class="decoded bad">does not decode: CRC &amp; &lt;b&gt;</p>')
})
test('the spec part lists each cited section with its link, page and summary; unknown ones link the document', () => {
  const part = specPart('SL §2.2; §9.99')
  assert.match(part, '<h5>Spec: SL §2.2; §9.99</h5>')
  assert.match(part, '<a href="https://modbus.org/docs/Modbus_over_serial_line_V1_02.pdf#page=8" rel="noreferrer">Serial Line guide §2.2 MODBUS Addressing rules</a> <span class="muted">p. 8</span> <span class="spec-summary">Address 0 is broadcast')
  assert.match(part, '<li><a href="https://modbus.org/docs/Modbus_Application_Protocol_V1_1b3.pdf" rel="noreferrer">Application Protocol §9.99</a></li>')
  assert.is(specPart('Binary framing'), '<div class="spec"><h5>Spec: Binary framing</h5></div>')
  assert.match(specLinks('MB TCP guide §3.1.3'), '>TCP §3.1.3</a>')
  assert.is(specLinks('no <section>'), 'no &lt;section&gt;')
})
test('wire notes: kind, when, bytes, decoded or not a frame, why', () => {
  const c = caseReport({
    id: 'w',
    wire: [
      { kind: 'duplicate', hex: '01 03 02 00 0a 38 43', afterMs: 12.5, why: 'a second reply', frame: true },
      { kind: 'stray', hex: 'ff ff', afterMs: null, why: 'noise <x>', frame: false },
    ],
  })
  const html = wireNotes(c, 'rtu')
  assert.match(html, '<h5>Frames outside the exchange (2)</h5>')
  assert.match(html, '<span class="badge wire">duplicate</span> <span class="muted">a second reply to this case’s request · 12.5 ms after the request</span>')
  assert.match(html, 'decodes as <span class="msg">readHoldingRegisters · values [10]</span>')
  assert.match(html, '<p class="decoded bad">not a frame: bytes that form none</p><p class="why">noise &lt;x&gt;</p>')
  assert.is(wireNotes(caseReport({ id: 'none' }), 'rtu'), '')
})
test('a late reply that arrived during another case says which', () => {
  const c = caseReport({ id: 'l', wire: [{ kind: 'late', hex: '01 03 02 00 0a 38 43', afterMs: 1500, why: 'a late reply', frame: true, arrivedIn: 'fc03.<next>' }] })
  assert.match(wireNotes(c, 'rtu'), ' · 1500 ms after the request · arrived while <code>fc03.&lt;next&gt;</code> ran</span>')
})

test.run()
