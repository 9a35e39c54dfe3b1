/** openStore: `serve --store` names, parsed and opened. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { openStore, parseStoreSpec } from '../../../core/datastore/index.ts'
import { ArgumentError } from '../../../core/errors.ts'
import { buildDevices } from '../../../core/index.ts'

const test = suite('open store')
const dir = mkdtempSync(join(tmpdir(), 'modbridge-open-store-'))

test.after(() => rmSync(dir, { recursive: true, force: true }))

test('sqlite:PATH and redis:// / rediss:// URLs parse; anything else is an ArgumentError', () => {
  assert.equal(parseStoreSpec('sqlite:./plant.db'), { kind: 'sqlite', path: './plant.db' })
  assert.equal(parseStoreSpec('sqlite:/var/lib/x.db'), { kind: 'sqlite', path: '/var/lib/x.db' })
  assert.equal(parseStoreSpec('redis://127.0.0.1:6379/0'), { kind: 'redis', url: 'redis://127.0.0.1:6379/0' })
  assert.equal(parseStoreSpec('rediss://127.0.0.1/1'), { kind: 'redis', url: 'rediss://127.0.0.1/1' })
  for (const bad of ['sqlite:', 'plant.db', 'mysql://127.0.0.1/x', '']) {
    try {
      parseStoreSpec(bad)
      assert.unreachable(bad)
    } catch (err) {
      assert.instance(err, ArgumentError)
    }
  }
})

test('an SQLite store says whether it seeded rows or kept the stored values', async () => {
  const templates = () => new Map([...buildDevices({ units: { '1': { coils: { start: 0, length: 3 } } } }).units].map(([id, u]) => [id, u.data]))
  const path = join(dir, 'a.db')
  const first = await openStore(`sqlite:${path}`, templates())
  assert.is(first.description, `sqlite ${path} (3 rows seeded from the device file)`)
  assert.equal([...first.store.units.keys()], [1])
  await first.store.close()
  const second = await openStore(`sqlite:${path}`, templates())
  assert.is(second.description, `sqlite ${path} (stored values kept)`)
  await second.store.close()
})

test.run()
