import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { framingCases } from '../../../conformance/cases/framing-cases.ts'
import { scenarioCases } from '../../../conformance/cases/scenario-cases.ts'
import { unassignedCases } from '../../../conformance/cases/unassigned-cases.ts'
import { vectorCases } from '../../../conformance/cases/vector-cases.ts'
import { wireCases } from '../../../conformance/cases/wire-cases.ts'
import { SPEC_DOCUMENTS, SPEC_SECTIONS, parseSpecReferences, specHref, specSection } from '../../../conformance/reporters/spec-sections.ts'
import { loadPduVectors } from '../../../vectors/loader.ts'

const test = suite('spec sections')
const refs = (spec: string) => parseSpecReferences(spec).map((r) => `${r.document} ${r.section}`)

/** Every case any target can run: the vector cases, unassigned codes, all three framing kinds, scenarios, the run-level wire case. */
function everyCase() {
  return [
    ...vectorCases(loadPduVectors()),
    ...unassignedCases(),
    ...framingCases('mbap'),
    ...framingCases('serial'),
    ...framingCases('rtu-stream'),
    ...scenarioCases(),
    ...wireCases({ strays: () => [] }),
  ]
}

test('every section cited by any case has an entry: a title, a page and a summary', () => {
  const specs = new Set(everyCase().map((c) => c.spec))
  assert.ok(specs.size > 50, `only ${specs.size} spec texts found`)
  const missing: string[] = []
  for (const spec of specs) {
    const found = parseSpecReferences(spec)
    if (found.length === 0) missing.push(`${spec} (no section found)`)
    for (const r of found) if (!r.entry) missing.push(`${spec} → ${r.document} §${r.section}`)
  }
  assert.equal(missing, [], 'spec references without a table entry')
})
test('a bare § is the Application Protocol; a document name before § sets the document', () => {
  assert.equal(refs('§6.3'), ['application 6.3'])
  assert.equal(refs('SL §2.5.1.1'), ['serial 2.5.1.1'])
  assert.equal(refs('MB TCP guide §3.1.3 (protocol identifier 0 = Modbus)'), ['tcp 3.1.3'])
  assert.equal(refs('MIG §3.1.3; §6.1'), ['tcp 3.1.3', 'application 6.1'])
  assert.equal(refs('SL §2.1; MB Application Protocol §4.1'), ['serial 2.1', 'application 4.1'])
})
test('within a clause a bare § stays in the document named before it; a ";" starts over', () => {
  assert.equal(refs('SL §2.5.1.1, §2.5.2.1'), ['serial 2.5.1.1', 'serial 2.5.2.1'])
  assert.equal(refs('SL §2.5.1; §6.1, §4.4'), ['serial 2.5.1', 'application 6.1', 'application 4.4'])
  assert.equal(refs('Binary framing (jamod/PyModbus) with SL §6.2.2 CRC; §6.6'), ['serial 6.2.2', 'application 6.6'])
})
test('a bare § the named document does not have falls back to the Application Protocol', () => {
  assert.equal(refs('MB TCP guide §4.4.1 (unit identifier), §7 (0A, 0B)'), ['tcp 4.4.1', 'application 7'])
  assert.equal(refs('SL §2.1, §6 (broadcast)'), ['serial 2.1', 'serial 6'], 'the Serial Line guide has a §6')
})
test('sub-function notes and repeats do not add references; text without § has none', () => {
  assert.equal(refs('§6.8.1 sub 15 (PI-MBUS-300), §7'), ['application 6.8.1', 'application 7'])
  assert.equal(refs('§6.3, §6.3 example'), ['application 6.3'])
  assert.equal(refs('Binary framing'), [])
  assert.equal(refs(''), [])
})
test('an unknown section is reported without an entry, not guessed', () => {
  const [r] = parseSpecReferences('SL §9.9')
  assert.is(r.document, 'serial')
  assert.is(r.entry, undefined)
})
test('links go to the three modbus.org PDFs with a page inside each document', () => {
  const pages = { application: 50, serial: 44, tcp: 46 }
  for (const s of SPEC_SECTIONS) {
    const href = specHref(s)
    const where = s.textIn ?? s
    assert.ok(href.startsWith(SPEC_DOCUMENTS[where.document].url + '#page='), href)
    assert.ok(/^https:\/\/modbus\.org\/docs\/[\w.]+\.pdf#page=\d+$/.test(href), href)
    assert.ok(where.page >= 1 && where.page <= pages[where.document], `${s.document} §${s.section}: page ${where.page}`)
  }
  assert.is(specHref(specSection('application', '6.3')!), 'https://modbus.org/docs/Modbus_Application_Protocol_V1_1b3.pdf#page=15')
  assert.is(specHref(specSection('serial', '2.5.1.1')!), 'https://modbus.org/docs/Modbus_over_serial_line_V1_02.pdf#page=13')
  assert.is(specHref(specSection('tcp', '3.1.3')!), 'https://modbus.org/docs/Modbus_Messaging_Implementation_Guide_V1_0b.pdf#page=5')
})
test('a cited section the document does not have links to where the text is', () => {
  const s = specSection('serial', '6.4')!
  assert.match(s.summary, 'Application Protocol §6.8.1')
  assert.is(specHref(s), 'https://modbus.org/docs/Modbus_Application_Protocol_V1_1b3.pdf#page=22')
})
test('each entry is unique, titled, and summarised in one or two sentences', () => {
  const keys = SPEC_SECTIONS.map((s) => `${s.document} ${s.section}`)
  assert.is(new Set(keys).size, keys.length, 'duplicate entries')
  for (const s of SPEC_SECTIONS) {
    assert.ok(s.title.length > 3, `${s.section}: title`)
    const sentences = s.summary.split(/(?<=[.!?])\s+(?=[A-Z])/).length
    assert.ok(sentences >= 1 && sentences <= 2, `${s.document} §${s.section}: ${sentences} sentences`)
    assert.ok(s.summary.length <= 330, `${s.document} §${s.section}: summary of ${s.summary.length} characters`)
  }
})
test('pages rise with section numbers inside each document', () => {
  for (const doc of ['application', 'serial', 'tcp'] as const) {
    const list = SPEC_SECTIONS.filter((s) => s.document === doc && !s.textIn)
    for (let i = 1; i < list.length; i++) assert.ok(list[i].page >= list[i - 1].page, `${doc} §${list[i].section} before §${list[i - 1].section}`)
  }
})

test.run()
