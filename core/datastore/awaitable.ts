/**
 * Helpers for values that may or may not be promises (`Awaitable<T>`), so code that calls a
 * UnitData stays synchronous when the data is (MemoryUnit) and only waits when it must (asyncUnit).
 */
import type { Awaitable } from './types.ts'

/** True when `value` is a promise or any other thenable. */
export function isPromiseLike<T>(value: Awaitable<T> | PromiseLike<T>): value is PromiseLike<T> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
}

/**
 * Applies `fn` to `value` at once when it is a plain value, or when the promise fulfils: a sync
 * input gives a sync result (a throw from `fn` is thrown), a promise gives a promise (a throw
 * becomes a rejection). No promise is allocated on the sync path.
 */
export function mapAwaitable<T, R>(value: Awaitable<T>, fn: (value: T) => Awaitable<R>): Awaitable<R> {
  return isPromiseLike(value) ? Promise.resolve(value).then(fn) : fn(value)
}
