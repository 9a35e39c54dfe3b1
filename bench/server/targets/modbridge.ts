/**
 * modbridge's TCP server as a benchmark target: createServer on tcp://127.0.0.1:0 serving the
 * simulator's default device (unit 1) with holding registers 0..9 set to the workload's values.
 * Prints `{"port":N}` once listening; runs until killed.
 */
import { buildDevices, createServer, defaultDeviceFile } from '../../../core/index.ts'
import { UNIT, VALUES } from '../workload.ts'
import { announce } from './announce.ts'

const file = defaultDeviceFile([UNIT])
const unit = file.units[String(UNIT)]
unit.holdingRegisters = { ...unit.holdingRegisters, values: [...VALUES] }
const { context } = buildDevices(file)
const server = createServer('tcp://127.0.0.1:0', { context })
const address = await server.listen()
announce(Number(new URL(address).port))
