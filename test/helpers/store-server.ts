/**
 * A loopback Modbus TCP server whose units keep their tables in a store (SQLite, Redis), wired the
 * way `serve --store` does it, and a crowd of clients for the atomicity tests.
 */
import { asyncUnit } from '../../core/datastore/async-unit.ts'
import type { MemoryUnit } from '../../core/datastore/memory-unit.ts'
import type { UnitStore } from '../../core/datastore/open-store.ts'
import { buildDevices, connectClient, createServer, type DeviceFile, type ModbusClient, type SimulatedDevices } from '../../core/index.ts'

/** A running server over a store. */
export interface StoreServer {
  address: string
  devices: SimulatedDevices
  close(): Promise<void>
}

/** Builds `file`'s devices, hands each unit's tables to `open`'s store, and serves them on 127.0.0.1:0. */
export async function serveStore(file: DeviceFile, open: (templates: Map<number, MemoryUnit>) => Promise<UnitStore>): Promise<StoreServer & { store: UnitStore }> {
  const devices = buildDevices(file)
  const store = await open(new Map([...devices.units].map(([id, u]) => [id, u.data])))
  for (const [id, u] of devices.units) u.device.data = asyncUnit(store.units.get(id)!)
  const server = createServer('tcp://127.0.0.1:0', { context: devices.context })
  const address = await server.listen()
  return {
    address,
    devices,
    store,
    close: async () => {
      await server.close()
      await store.close()
    },
  }
}

/** `n` connected clients of `address`. */
export async function clients(address: string, n: number): Promise<ModbusClient[]> {
  const out: ModbusClient[] = []
  for (let i = 0; i < n; i++) out.push(connectClient(address, { timeout: 5000 }))
  return out
}

/** Closes every client. */
export async function closeAll(list: readonly ModbusClient[]): Promise<void> {
  await Promise.all(list.map((c) => c.close()))
}

/**
 * `clients.length` clients each set their own bit of `register` with mask writes (AND ~bit, OR
 * bit), all at once, `rounds` times (clearing and setting alternately, ending set). A lost
 * update leaves a bit clear, so atomic mask writes end at (1 << clients) - 1.
 */
export async function maskWriteRace(list: readonly ModbusClient[], unit: number, register: number, rounds: number): Promise<void> {
  await Promise.all(
    list.map(async (c, i) => {
      const bit = 1 << i
      for (let r = rounds - 1; r >= 0; r--) {
        const set = r % 2 === 0
        await c.maskWriteRegister(unit, register, ~bit & 0xffff, set ? bit : 0)
      }
    }),
  )
}

/**
 * Every client writes values of its own to `register` with read/write multiple and reads the
 * same register back in the same request, `rounds` times, all at once. Returns the requests whose
 * read did not return the client's own write (another client's write came in between).
 */
export async function readWriteRace(list: readonly ModbusClient[], unit: number, register: number, rounds: number): Promise<string[]> {
  const wrong: string[] = []
  await Promise.all(
    list.map(async (c, i) => {
      for (let r = 0; r < rounds; r++) {
        const mine = i * 1000 + r
        const [read] = await c.readWriteRegisters(unit, register, 1, register, [mine])
        if (read !== mine) wrong.push(`client ${i} round ${r}: wrote ${mine}, read ${read}`)
      }
    }),
  )
  return wrong
}
