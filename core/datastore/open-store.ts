/**
 * openStore: a store named the way `serve --store` takes it — `sqlite:PATH` or
 * `redis://host:port/db` — opened for the units of a device file.
 */
import { ArgumentError } from '../errors.ts'
import type { MemoryUnit } from './memory-unit.ts'
import { openRedisStore } from './redis-unit.ts'
import { openSqliteStore } from './sqlite-unit.ts'
import type { StoredUnit } from './stored-unit.ts'

/** A store named on the command line. */
export type StoreSpec = { kind: 'sqlite'; path: string } | { kind: 'redis'; url: string }

/** What every store offers: a StoredUnit per unit id, and close. */
export interface UnitStore {
  readonly units: ReadonlyMap<number, StoredUnit>
  close(): Promise<void>
}

/** Options of openStore. */
export interface OpenStoreOptions {
  /** Told why a request answered 0x04 (a bad or missing value, a locked database, a failed command). */
  onError?: (message: string) => void
  /** Told when a Redis connection is lost and back. */
  onStatus?: (level: 'info' | 'warn', message: string) => void
}

/** Parses `sqlite:PATH` (`sqlite:./plant.db`, `sqlite:/var/lib/plant.db`) or a redis:// / rediss:// URL. */
export function parseStoreSpec(text: string): StoreSpec {
  if (text.startsWith('sqlite:')) {
    const path = text.slice('sqlite:'.length)
    if (path === '') throw new ArgumentError('store: sqlite: needs a file path, e.g. sqlite:./plant.db')
    return { kind: 'sqlite', path }
  }
  if (text.startsWith('redis://') || text.startsWith('rediss://')) return { kind: 'redis', url: text }
  throw new ArgumentError(`store: ${JSON.stringify(text)} is neither sqlite:PATH nor redis://host:port/db`)
}

/**
 * Opens the store `text` names for `templates` (unit id → the device file's MemoryUnit) and says
 * what it found, for the log ("12 rows seeded from the device file" or "values kept").
 */
export async function openStore(text: string, templates: ReadonlyMap<number, MemoryUnit>, options: OpenStoreOptions = {}): Promise<{ store: UnitStore; description: string }> {
  const spec = parseStoreSpec(text)
  if (spec.kind === 'sqlite') {
    const store = await openSqliteStore(spec.path, templates, { onError: options.onError })
    const found = store.seeded > 0 ? `${store.seeded} rows seeded from the device file` : 'stored values kept'
    return { store, description: `sqlite ${spec.path} (${found})` }
  }
  const store = await openRedisStore(spec.url, templates, options)
  const found = store.seeded > 0 ? `${store.seeded} fields seeded from the device file` : 'stored values kept'
  return { store, description: `redis ${store.target.label} (keys ${store.target.prefix}:<unit>:co|di|hr|ir; ${found})` }
}
