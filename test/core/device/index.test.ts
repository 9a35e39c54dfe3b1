import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as device from '../../../core/device/index.ts'

const index = suite('device index')

index('exports the device model by name', () => {
  for (const name of [
    'createDevice',
    'DeviceIdentity',
    'reassemble',
    'SerialDiagnostics',
    'CommEventLog',
    'RECEIVE_EVENT',
    'SEND_EVENT',
    'LOG_EVENT',
    'DIAGNOSTIC_COUNTERS',
    'CONFORMITY',
  ]) {
    assert.ok(name in device, name)
  }
  assert.not.ok('default' in device)
})

index('the exports work together: a device answers identity and diagnostics', () => {
  const d = device.createDevice({
    data: { readBits: () => [], readRegisters: () => [], writeBits: () => undefined, writeRegisters: () => undefined },
  })
  assert.equal(device.reassemble([d.identity.read(1, 0)]).length, 3)
  assert.equal(d.diagnostics.diagnostics({ function: 'diagnostics', subFunction: 0, data: [7] })?.data, [7])
})

index.run()
