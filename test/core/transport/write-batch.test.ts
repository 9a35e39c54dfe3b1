import { createServer, connect, type Socket } from 'node:net'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { WriteBatch } from '../../../core/transport/write-batch.ts'
import { waitFor } from '../../helpers/wait.ts'

const test = suite('write batch: the writes of one event-loop turn leave in one flush')

test('writes of one turn are held corked, then released together in order', async () => {
  let received = Buffer.alloc(0)
  const server = createServer((s) => s.on('data', (c: Buffer) => (received = Buffer.concat([received, c]))))
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  const port = (server.address() as { port: number }).port
  const socket: Socket = connect(port, '127.0.0.1')
  await new Promise<void>((r) => socket.once('connect', () => r()))
  const batch = new WriteBatch(socket)
  for (let i = 0; i < 100; i++) batch.write(Buffer.from([i]))
  assert.is(socket.writableCorked, 1, 'corked during the turn')
  await waitFor(() => socket.writableCorked === 0, 'the batch to be released at the end of the turn')
  await waitFor(() => received.length === 100, 'all 100 bytes at the peer')
  assert.equal([...received], Array.from({ length: 100 }, (_, i) => i))
  socket.destroy()
  await new Promise<void>((r) => server.close(() => r()))
})

test.run()
