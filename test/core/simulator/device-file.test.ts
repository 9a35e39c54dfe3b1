import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { ArgumentError, buildDevices, defaultDeviceFile } from '../../../core/index.ts'

const test = suite('simulator device file')

test('the default device: input register N holds N, odd discrete inputs are on, the §6.18 FIFO, unit 1', () => {
  const { context, units } = buildDevices(defaultDeviceFile())
  const data = units.get(1)!.data
  assert.equal(data.readRegisters('inputRegisters', 9997, 3), [9997, 9998, 9999])
  assert.equal(data.readBits('discreteInputs', 0, 3), [false, true, false])
  assert.equal(data.readFifoQueue(0x04de), [440, 4740])
  assert.is(context.unknownUnitException(), 0x0b)
  assert.equal(context.units(), [1])
})

test('values, sparse tables, identity and policies are taken from the file', () => {
  const { context, units } = buildDevices({
    unknownUnit: 'ignore',
    units: { '7': { holdingRegisters: { start: 100, length: 4, values: { '101': 5 } }, coils: { sparse: { '3': true } }, identity: { '0': 'X', '1': 'Y', '2': 'Z' } } },
  })
  const d = units.get(7)!
  assert.equal(d.data.readRegisters('holdingRegisters', 100, 4), [0, 5, 0, 0])
  assert.equal(d.data.readBits('coils', 3, 1), [true])
  assert.equal(d.device.identity.read(1, 0).objects.map((o) => o.value), ['X', 'Y', 'Z'])
  assert.is(context.unknownUnitException(), undefined)
})

test('errors name the bad key and say why', () => {
  for (const [file, why] of [
    [{ units: { '1': { holdingRegisters: { length: 'ten' } } } }, 'units.1.holdingRegisters.length'],
    [{ units: { '1': { holdingRegister: {} } } }, 'units.1.holdingRegister: unknown key'],
    [{ units: { '1': { coils: { values: [2] } } } }, 'units.1.coils.values[0]: expected true/false'],
    [{ unknownUnit: 'drop', units: { '1': {} } }, 'unknownUnit: expected one of'],
    [{ units: {} }, 'units: at least one unit'],
  ] as const) {
    try {
      buildDevices(file as any)
      assert.unreachable(why)
    } catch (err) {
      assert.instance(err, ArgumentError)
      assert.match((err as Error).message, why)
    }
  }
})
test.run()
