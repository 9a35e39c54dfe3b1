import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as datastore from '../../../core/datastore/index.ts'

const test = suite('datastore index')

test('re-exports every public runtime name', () => {
  const names = [
    'FifoStore',
    'FileStore',
    'MAX_SERIAL_UNIT',
    'MemoryUnit',
    'SequentialBlock',
    'ServerContext',
    'SparseBlock',
    'UNKNOWN_UNIT_EXCEPTIONS',
    'asyncUnit',
    'bits',
    'deviceFailure',
    'illegalAddress',
    'illegalFunction',
    'illegalValue',
    'isPromiseLike',
    'mapAwaitable',
    'registers',
    'sparseBits',
    'sparseRegisters',
  ]
  assert.equal(Object.keys(datastore).sort(), names)
})
test.run()
