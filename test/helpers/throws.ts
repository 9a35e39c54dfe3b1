/**
 * Assertions about errors, shared by the tests: what a call threw (failing when it did not), and
 * what a promise rejected with.
 */
import * as assert from 'uvu/assert'
import { ModbusExceptionError } from '../../core/index.ts'

/** The error `fn` throws; fails the test when it returns normally. */
export function caught(fn: () => unknown): unknown {
  try {
    fn()
  } catch (err) {
    return err
  }
  assert.unreachable('expected a throw')
}

/** The ModbusExceptionError `fn` throws (a device exception to send). */
export function exceptionOf(fn: () => unknown): ModbusExceptionError {
  const err = caught(fn)
  assert.instance(err, ModbusExceptionError)
  return err as ModbusExceptionError
}

/** Asserts that `p` rejects with an instance of `type`, then runs `check` on the error. */
export async function rejects(p: Promise<unknown>, type: Function, check?: (e: any) => void): Promise<void> {
  try {
    await p
    assert.unreachable('expected a rejection')
  } catch (err) {
    if (err instanceof assert.Assertion) throw err
    assert.instance(err, type, `got ${String(err)}`)
    check?.(err)
  }
}

/** The error `run` rejects (or throws) with; fails the test when it resolves. */
export async function failure(run: () => unknown): Promise<Error> {
  try {
    await run()
  } catch (err) {
    if (err instanceof assert.Assertion) throw err
    assert.instance(err, Error, `got ${String(err)}`)
    return err as Error
  }
  assert.unreachable('expected a failure')
  throw new Error('unreachable')
}

/** The exception reply `run` rejects with (a ModbusExceptionError); fails the test otherwise. */
export async function exceptionReply(run: () => unknown): Promise<ModbusExceptionError> {
  const err = await failure(run)
  assert.instance(err, ModbusExceptionError, `got ${String(err)}`)
  return err as ModbusExceptionError
}
