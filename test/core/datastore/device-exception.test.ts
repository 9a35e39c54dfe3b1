import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ModbusExceptionError } from '../../../core/errors.ts'
import { deviceFailure, illegalAddress, illegalFunction, illegalValue } from '../../../core/datastore/index.ts'

const test = suite('device exception')

const cases = [
  [illegalFunction, 0x01],
  [illegalAddress, 0x02],
  [illegalValue, 0x03],
  [deviceFailure, 0x04],
] as const

for (const [make, code] of cases) {
  test(`${make.name} is exception 0x0${code}, with the function code left for the handler`, () => {
    const err = make('why')
    assert.instance(err, ModbusExceptionError)
    assert.is(err.exceptionCode, code)
    assert.is(err.functionCode, 0)
    assert.is(err.code, 'MB_ERR_EXCEPTION_RESPONSE')
    assert.is(err.message, 'why')
  })
}
test.run()
