import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { junitClassname, renderJunit } from '../../../conformance/reporters/junit.ts'
import { caseReport, fixtureReport, NASTY } from './fixture-report.ts'
import { checkXml, findAll, type XmlElement } from './xml-check.ts'

const test = suite('junit.xml')
const report = fixtureReport()
const xml = renderJunit(report)
const root = checkXml(xml)
const testcases = findAll(root, 'testcase')
const byId = (id: string): XmlElement => {
  const found = testcases.find((t) => t.attrs.name.startsWith(`${id}: `))
  return found ?? (assert.unreachable(`no testcase for ${id}`) as never)
}

test('is well-formed XML with an XML declaration and one <testsuites> root', () => {
  assert.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites '))
  assert.is(root.name, 'testsuites')
})
test('the tag-balance check itself rejects unbalanced tags, bare ampersands and raw controls', () => {
  for (const bad of ['<a><b></a></b>', '<a>x & y</a>', '<a t="<"/>', '<a>\x01</a>', '<a/><b/>', '<a>']) {
    try {
      checkXml(bad)
      assert.unreachable(`accepted ${JSON.stringify(bad)}`)
    } catch (err) {
      assert.not.match((err as Error).message, 'accepted')
    }
  }
})
test('one <testcase> per case, named "id: title", with the function code in the classname', () => {
  assert.is(testcases.length, report.cases.length)
  assert.is(byId('fc03-read-one').attrs.classname, 'modbridge.conformance.fc03')
  assert.is(byId('fc2b-basic').attrs.classname, 'modbridge.conformance.fc2b')
  assert.is(byId('rtu-bad-crc').attrs.classname, 'modbridge.conformance.framing')
  assert.is(byId('fc03-read-one').attrs.name, 'fc03-read-one: Read one holding register')
})
test('failure, error and skipped counts match the summary, at the root and summed over suites', () => {
  const s = report.summary
  assert.is(findAll(root, 'failure').length, s.failed)
  assert.is(findAll(root, 'error').length, s.errors)
  assert.is(findAll(root, 'skipped').length, s.skipped)
  assert.equal(
    [root.attrs.tests, root.attrs.failures, root.attrs.errors, root.attrs.skipped].map(Number),
    [s.total, s.failed, s.errors, s.skipped],
  )
  const suites = findAll(root, 'testsuite')
  const sum = (attr: string) => suites.reduce((n, el) => n + Number(el.attrs[attr]), 0)
  assert.equal([sum('tests'), sum('failures'), sum('errors'), sum('skipped')], [s.total, s.failed, s.errors, s.skipped])
})
test('one suite per function code, then one per category for cases without one', () => {
  const names = findAll(root, 'testsuite').map((el) => el.attrs.name)
  assert.equal(names, ['fc03', 'fc06', 'fc10', 'fc2b', 'framing', 'scenario'].map((n) => `modbridge.conformance.${n}`))
  const fc03 = findAll(root, 'testsuite')[0]
  assert.equal([fc03.attrs.tests, fc03.attrs.failures, fc03.attrs.time], ['2', '1', '0.005'])
})
test('time attributes: the run duration at the root, each case its response time in seconds, 0 without a reply', () => {
  assert.is(root.attrs.time, '2.1')
  assert.is(root.attrs.timestamp, report.startedAt)
  assert.is(byId('fc03-byte-count').attrs.time, '0.0042')
  assert.is(byId('fc10-timeout').attrs.time, '0')
})
test('a failure carries the severity as type, the message, and expected vs actual hex with carets', () => {
  const failure = findAll(byId('fc03-byte-count'), 'failure')[0]
  assert.is(failure.attrs.type, 'must')
  assert.is(failure.attrs.message, NASTY.replace('\x01', '\\x01').replace('\x1b', '\\x1b'))
  assert.match(failure.text, 'expected: 01 03 02 00 0a  (byte count 2)\nactual:   01 03 04 00 0a 00 0b  (byte count 4 & two registers)\n                ^^       ^^ ^^')
  assert.match(failure.text, 'request:  01 03 00 00 00 01 84 0a')
})
test('markup, quotes and control characters are escaped in attributes and bodies', () => {
  assert.match(xml, 'message="bad &quot;quantity&quot; &lt;0&gt; &amp; &apos;zero&apos; \\x01\\x1b[31m ]]&gt; done"')
  assert.not.match(xml, /[\x00-\x08\x0b\x0c\x0e-\x1f]/)
  assert.is(byId('poll-cycle').attrs.name, 'poll-cycle: Poll <script>alert("x")</script> & repeat')
  const multiLine = renderJunit(fixtureReport([caseReport({ id: 'n', verdict: 'fail', message: 'line 1\nline 2\ttab' })]))
  assert.match(multiLine, 'message="line 1&#10;line 2&#9;tab"')
  assert.is(findAll(checkXml(multiLine), 'failure')[0].attrs.message, 'line 1\nline 2\ttab')
})
test('an error is an <error> with the severity; a skip has its reason', () => {
  const error = findAll(byId('fc10-timeout'), 'error')[0]
  assert.is(error.attrs.type, 'must')
  assert.is(error.attrs.message, 'transport closed <EOF> & no reply')
  assert.match(error.text, 'actual:   (no bytes) nothing came back')
  assert.is(findAll(byId('fc06-write'), 'skipped')[0].attrs.message, 'profile does not claim 0x06')
  assert.is(byId('fc03-read-one').children.length, 0)
})
test('each suite lists the target and level as properties', () => {
  const props = Object.fromEntries(findAll(findAll(root, 'testsuite')[0], 'property').map((p) => [p.attrs.name, p.attrs.value]))
  assert.is(props.target, report.target.address)
  assert.is(props.level, 'strict')
  assert.is(props.function, '0x03 readHoldingRegisters')
})
test('the classname helper names function-less cases by category', () => {
  assert.is(junitClassname(caseReport({ id: 'a', functionCode: null, category: 'scenario' })), 'modbridge.conformance.scenario')
})

test.run()
