/**
 * Who sent the request being executed, so a write event can name its client ("127.0.0.1:54321",
 * or the port path of a serial line) without widening every UnitData method.
 *
 * The server's dispatch enters the client before it hands a frame to the request handler and
 * leaves it when the handler returns, which covers every data call the handler makes
 * synchronously: the first (for the built-in write functions, the only) data call of a request.
 * Units that finish a write later (a database, Redis) read currentClient() when they are called
 * and keep it for the event. A call made outside that window (after an await) sees undefined —
 * never another request's client, since JavaScript runs one synchronous stretch at a time.
 * A plain variable rather than AsyncLocalStorage: nothing is added to the promise machinery on
 * the request path.
 */

let current: string | undefined

/** The client of the request being dispatched right now, or undefined outside a dispatch. */
export function currentClient(): string | undefined {
  return current
}

/** Makes `client` the current one; returns the previous one, for leaveClient. */
export function enterClient(client: string | undefined): string | undefined {
  const previous = current
  current = client
  return previous
}

/** Restores the client enterClient returned. */
export function leaveClient(previous: string | undefined): void {
  current = previous
}
