import { createRtuFramer, encodeRequest } from '../../../core/index.ts'
import { LineReceiver } from '../../../core/transport/line-receiver.ts'
const enc = createRtuFramer({ expect: 'request' })
const frames = [0, 1, 2].map((i) => enc.encode(1, encodeRequest({ function: 'readInputRegisters', address: 10 + i, quantity: 1 })))
const t0 = performance.now()
const ts = () => (performance.now() - t0).toFixed(1)
const line = new LineReceiver({ framing: 'rtu', expect: 'request', probe: true, silenceMs: 3, sink: { frame: (a: any) => console.log(ts(), 'frame', a.raw.toString('hex')), error: (e: any) => console.log(ts(), 'err', e.message) } })
const rtu = (line as any).rtu
for (const m of ['silence', 'end']) { const o = rtu[m].bind(rtu); rtu[m] = (s: any) => { console.log(ts(), m, 'buffered', rtu.input.length); o(s); console.log(ts(), m, 'after', rtu.input.length) } }
line.push(Buffer.from('0141', 'hex'))
setTimeout(() => { console.log(ts(), 'push frames'); line.push(Buffer.concat(frames)) }, 10)
setTimeout(() => line.stop(), 100)
