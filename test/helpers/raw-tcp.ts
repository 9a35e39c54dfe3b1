/** A raw Modbus TCP client for tests that check the exact bytes on the wire. */
import { createConnection, type Socket } from 'node:net'
import { createTcpFramer } from '../../core/index.ts'
import { waitFor } from './wait.ts'

/** A connection that sends hand-made ADUs and keeps every reply ADU (hex) by transaction id. */
export interface RawClient {
  socket: Socket
  replies: Map<number, string>
  order: number[]
  send(tid: number, unit: number, pdu: Buffer): void
  reply(tid: number, deadlineMs?: number): Promise<string>
  close(): Promise<void>
}

/** Connects to 127.0.0.1:port. */
export async function rawClient(port: number): Promise<RawClient> {
  const socket = createConnection({ host: '127.0.0.1', port })
  await new Promise<void>((r, j) => socket.once('connect', () => r()).once('error', j))
  const framer = createTcpFramer()
  const replies = new Map<number, string>()
  const order: number[] = []
  socket.on('data', (c) =>
    framer.push(c, {
      frame: (a) => {
        replies.set(a.tid, a.raw.toString('hex'))
        order.push(a.tid)
      },
      error: () => {},
    }),
  )
  socket.on('error', () => {})
  return {
    socket,
    replies,
    order,
    send: (tid, unit, pdu) => socket.write(framer.encode(unit, pdu, tid)),
    reply: async (tid, deadlineMs = 5000) => (await waitFor(() => replies.get(tid), `the reply to tid ${tid}`, deadlineMs))!,
    close: () =>
      new Promise<void>((r) => {
        if (socket.destroyed) return r()
        socket.once('close', () => r())
        socket.destroy()
      }),
  }
}
