import { createConnection } from 'node:net'
import { buildDevices, createTcpFramer, defaultDeviceFile, encodeRequest, ModbusTcpServer } from '../../../core/index.ts'
const { context } = buildDevices(defaultDeviceFile([1]))
const limits = JSON.parse(process.argv[2] ?? '{}')
const qty = Number(process.argv[3] ?? 125)
const server = new ModbusTcpServer({ context, host: '127.0.0.1', port: 0, ...limits })
const { port } = await server.listen()
const mbap = createTcpFramer()
const s = createConnection({ host: '127.0.0.1', port })
await new Promise((r) => s.once('connect', r))
s.pause()
let closed = false
s.on('close', () => (closed = true)); s.on('error', (e) => console.log('client error', e.message))
const N = 50000, CH = 100
let sent = 0, stuck = false
while (sent < N && !closed) {
  const parts = []
  for (let i = 0; i < CH && sent < N; i++, sent++) parts.push(mbap.encode(1, encodeRequest({ function: 'readHoldingRegisters', address: 0, quantity: qty }), sent & 0xffff))
  if (!s.write(Buffer.concat(parts))) {
    const ok = await new Promise((r) => { const t = setTimeout(() => r(false), 1000); s.once('drain', () => { clearTimeout(t); r(true) }) })
    if (!ok) { stuck = true; break }
  }
}
for (let i = 0; i < 20; i++) { await new Promise((r) => setTimeout(r, 100)); console.log(i, JSON.stringify(server.stats), closed) }
console.log({ sent, stuck, closed, clientWritable: s.writableLength, stats: server.stats })
s.destroy(); await server.close()
