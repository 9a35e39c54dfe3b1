import { createRtuFramer, encodeRequest } from '../../../core/index.ts'
const f = createRtuFramer({ expect: 'request', probe: true })
const enc = createRtuFramer({ expect: 'request' })
const frames = [0, 1, 2].map((i) => enc.encode(1, encodeRequest({ function: 'readInputRegisters', address: 10 + i, quantity: 1 })))
const sink = { frame: (a: any) => console.log('frame', a.raw.toString('hex')), error: (e: any) => console.log('err', e.message) }
console.log('push garbage', f.push(Buffer.from('0141', 'hex'), sink))
f.silence(sink); console.log('after silence 1')
console.log('push frames', f.push(Buffer.concat(frames), sink))
f.silence(sink); console.log('after silence 2')
f.end(sink); console.log('after end')
