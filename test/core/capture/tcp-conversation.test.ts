import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { MAX_SEGMENT, TCP_FLAGS } from '../../../core/capture/ip-packets.ts'
import { TcpConversation } from '../../../core/capture/tcp-conversation.ts'

const client = { ip: 0x7f000001, port: 40000 }
const server = { ip: 0x7f000001, port: 502 }
const seq = (f: Buffer) => f.readUInt32BE(38)
const ack = (f: Buffer) => f.readUInt32BE(42)
const flags = (f: Buffer) => f[47]
const from = (f: Buffer) => f.readUInt16BE(34)
const payload = (f: Buffer) => f.length - 54

// ---
const conversation = suite('tcp conversation: sequence numbers that follow on, whatever the interleaving')

conversation('the handshake: SYN, SYN-ACK, ACK, each side\'s ISN taken once', () => {
  const c = new TcpConversation(client, server, 1000)
  const [syn, synAck, last] = c.open()
  assert.is(flags(syn), TCP_FLAGS.syn)
  assert.is(seq(syn), 1000)
  assert.is(flags(synAck), TCP_FLAGS.syn | TCP_FLAGS.ack)
  assert.is(ack(synAck), 1001)
  assert.is(flags(last), TCP_FLAGS.ack)
  assert.is(seq(last), 1001)
  assert.is(ack(last), seq(synAck) + 1)
  assert.equal(c.open(), [], 'once')
  assert.ok(c.isOpen)
})

conversation('pipelined data both ways: each segment starts where that side left off and acknowledges all the other side sent', () => {
  const c = new TcpConversation(client, server, 0xfffffff0)
  c.open()
  const [q1] = c.send('client', Buffer.alloc(12))
  const [q2] = c.send('client', Buffer.alloc(12))
  const [r2] = c.send('server', Buffer.alloc(9))
  const [r1] = c.send('server', Buffer.alloc(11))
  assert.is(seq(q2), (seq(q1) + 12) >>> 0, 'wraps at 2^32')
  assert.is(ack(r2), (seq(q2) + 12) >>> 0)
  assert.is(seq(r1), (seq(r2) + 9) >>> 0)
  assert.is(ack(q2), ack(q1), 'nothing from the server in between')
  assert.is(flags(q1), TCP_FLAGS.psh | TCP_FLAGS.ack)
})

conversation('data before open() opens the connection first; a long payload is cut into full segments', () => {
  const c = new TcpConversation(client, server)
  const frames = c.send('server', Buffer.alloc(MAX_SEGMENT * 2 + 5))
  assert.is(frames.length, 3 + 3)
  assert.equal(frames.slice(3).map(payload), [MAX_SEGMENT, MAX_SEGMENT, 5])
  assert.ok(frames.slice(3).every((f) => from(f) === 502))
})

conversation('a bare ACK carries no data and moves no sequence number, and is made only when it acknowledges something new; the close is FIN, FIN, ACK, once', () => {
  const c = new TcpConversation(client, server, 5)
  c.open()
  assert.equal(c.acknowledge('server'), [], 'the handshake acknowledged everything: a bare ACK now would be a duplicate')
  const [request] = c.send('client', Buffer.alloc(12))
  const [bare] = c.acknowledge('server')
  assert.is(payload(bare), 0)
  assert.is(ack(bare), seq(request) + 12)
  assert.equal(c.acknowledge('server'), [], 'once')
  const [d] = c.send('server', Buffer.alloc(3))
  assert.is(seq(d), seq(bare))
  const [finA, finB, last] = c.close('client')
  assert.is(flags(finA), TCP_FLAGS.fin | TCP_FLAGS.ack)
  assert.is(from(finA), 40000)
  assert.is(ack(finB), seq(finA) + 1)
  assert.is(ack(last), seq(finB) + 1)
  assert.not.ok(c.isOpen)
  assert.equal(c.close('server'), [])
})

conversation.run()
