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
    'RedisStore',
    'STORED_TABLES',
    'SequentialBlock',
    'ServerContext',
    'SparseBlock',
    'SqliteStore',
    'StoredUnit',
    'UNKNOWN_UNIT_EXCEPTIONS',
    'UnitMap',
    'asyncUnit',
    'bits',
    'currentClient',
    'deviceFailure',
    'enterClient',
    'illegalAddress',
    'illegalFunction',
    'illegalValue',
    'isPromiseLike',
    'leaveClient',
    'mapAwaitable',
    'openRedisStore',
    'openSqliteStore',
    'openStore',
    'parseRedisUrl',
    'parseStoreSpec',
    'redisKey',
    'registers',
    'sparseBits',
    'sparseRegisters',
    'sqliteTableName',
  ]
  assert.equal(Object.keys(datastore).sort(), names)
})
test.run()
