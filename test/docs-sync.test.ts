import { readFileSync } from 'node:fs'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'

const test = suite('docs sync')
const read = (p: string) => readFileSync(new URL(p, import.meta.url), 'utf8')

test('every ErrorCode is in the README errors table, and the table lists no other', () => {
  const source = read('../core/errors.ts')
  const union = source.slice(source.indexOf('export type ErrorCode'), source.indexOf('/** Options shared'))
  const codes = new Set(union.match(/MB_ERR_[A-Z_]+/g))
  const readme = read('../README.md')
  const table = readme.slice(readme.indexOf('## Errors'), readme.indexOf('## Golden vectors'))
  const listed = new Set([...table.matchAll(/^\| `(MB_ERR_[A-Z_]+)` \|/gm)].map((m) => m[1]))
  assert.ok(codes.size >= 10, 'found the union')
  assert.equal([...listed].sort(), [...codes].sort())
})

test('the README shows both set-up commands', () => {
  const readme = read('../README.md')
  assert.match(readme, 'npm install && npm start')
  assert.match(readme, 'npm test')
})
test.run()
