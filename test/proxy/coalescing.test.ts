import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { connectClient } from '../../core/index.ts'
import { validateConfig } from '../../proxy/config.ts'
import { Gateway } from '../../proxy/gateway.ts'
import { startSimulatedBus } from '../../proxy/simulated-bus.ts'

const test = suite('gateway: read coalescing (policies.coalesceReads)')

for (const coalesce of [true, false]) {
  test(`identical reads from three clients in flight together ${coalesce ? 'share one' : 'each take a'} bus transaction`, async () => {
    const sim = await startSimulatedBus([1], 9600)
    const gateway = new Gateway(
      validateConfig({
        listen: ['tcp://127.0.0.1:0'],
        buses: { sim: { address: 'rtu:///virtual?baud=9600', timeout: 2000 } },
        routes: [{ units: 1, bus: 'sim' }],
        policies: { coalesceReads: coalesce },
      }),
      { links: { sim: sim.open } },
    )
    await gateway.start()
    const clients = [0, 1, 2].map(() => connectClient(gateway.listening[0], { timeout: 5000 }))
    try {
      const results = await Promise.all(clients.map((c) => c.readInputRegisters(1, 40, 3)))
      assert.equal(results, [[40, 41, 42], [40, 41, 42], [40, 41, 42]])
      const s = gateway.buses.get('sim')!.stats()
      assert.is(s.transactions, coalesce ? 1 : 3)
      assert.is(s.coalesced, coalesce ? 2 : 0)
      assert.is(sim.server.stats.frames, coalesce ? 1 : 3, 'requests that reached the simulated device')
    } finally {
      for (const c of clients) await c.close()
      await gateway.close()
      await sim.close()
    }
  })
}
test.run()
