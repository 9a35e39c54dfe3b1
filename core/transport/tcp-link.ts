/**
 * TCP connections as ByteLinks (RTU over TCP) and a connect helper with a timeout.
 */
import { Socket, createConnection } from 'node:net'
import { TimeoutError, TransportError } from '../errors.ts'
import type { ByteLink } from './link.ts'

/** Connects to host:port; rejects with TransportError (refused, unreachable) or TimeoutError. */
export function connectTcp(host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host, port })
    socket.setNoDelay(true)
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new TimeoutError(`connecting to ${host}:${port} took longer than ${timeoutMs} ms`))
    }, timeoutMs)
    socket.once('connect', () => {
      clearTimeout(timer)
      socket.removeAllListeners('error')
      resolve(socket)
    })
    socket.once('error', (err) => {
      clearTimeout(timer)
      reject(new TransportError(`cannot connect to ${host}:${port}: ${err.message}`, { cause: err }))
    })
  })
}

/** Wraps a connected socket as a ByteLink. */
export function socketLink(socket: Socket, label: string): ByteLink {
  const closeListeners: ((err?: Error) => void)[] = []
  let closed = false
  let failure: Error | undefined
  socket.on('error', (err) => {
    failure = new TransportError(`${label}: ${err.message}`, { cause: err })
  })
  socket.on('close', () => {
    if (closed) return
    closed = true
    for (const l of closeListeners) l(failure ?? new TransportError(`${label}: connection closed by peer`))
  })
  return {
    label,
    get isOpen() {
      return !closed && !socket.destroyed
    },
    onData: (l) => void socket.on('data', l),
    onClose: (l) => void closeListeners.push(l),
    write: (data) =>
      new Promise((resolve, reject) => {
        if (closed || socket.destroyed) return reject(new TransportError(`${label} is closed`))
        socket.write(data, (err) => (err ? reject(new TransportError(`${label}: write failed: ${err.message}`, { cause: err })) : resolve()))
      }),
    close: () =>
      new Promise((resolve) => {
        if (closed || socket.destroyed) {
          closed = true
          return resolve()
        }
        closed = true
        socket.once('close', () => resolve())
        socket.end()
        socket.destroySoon()
      }),
  }
}
