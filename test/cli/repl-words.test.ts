import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { splitWords } from '../../cli/repl-words.ts'

const test = suite('repl line words: shell-like quoting')
const run = (line: string, words: string[]) => test(JSON.stringify(line), () => assert.equal(splitWords(line), words))
run('read holding -n 3', ['read', 'holding', '-n', '3'])
run('  write   registers  ', ['write', 'registers'])
run(`write registers -t string --value "hello world"`, ['write', 'registers', '-t', 'string', '--value', 'hello world'])
run(`--value 'it''s'`, ['--value', 'its'])
run(`--value "a \\"b\\" c"`, ['--value', 'a "b" c'])
run(`a\\ b`, ['a b'])
run(`""`, [''])
test('an unclosed quote is an error', () => {
  try {
    splitWords('write --value "open')
    assert.unreachable()
  } catch (err) {
    assert.match((err as Error).message, 'unclosed double quote')
  }
})
test.run()
