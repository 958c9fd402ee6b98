import { runReadModelStoreConformance } from '@dealer-crm/testing'
import { afterAll, it } from 'vitest'
import { createPostgresEventStore, createPostgresReadModelStore } from '../src/index.js'
import { connectionString, dropSchema, freshSchema, serverAvailable, testPool } from './database.js'

const available = await serverAvailable()

if (available) {
  const admin = testPool(2)
  afterAll(async () => admin.end())

  runReadModelStoreConformance('PostgreSQL (tables in the store’s schema)', async ({ registry }) => {
    const schema = freshSchema('rm')
    const store = await createPostgresEventStore({ connectionString: connectionString(), schema, registry })
    const pools = [testPool(4)]
    return {
      store,
      readModels: createPostgresReadModelStore(store.pool, schema),
      // Another app server: its own pool, so its lease is taken on its own connection.
      another: async () => createPostgresReadModelStore(pools[0] as NonNullable<(typeof pools)[0]>, schema),
      teardown: async () => {
        for (const pool of pools) await pool.end()
        await dropSchema(admin, schema)
      },
    }
  })
} else {
  it.skip('PostgreSQL read-model conformance (no server)', () => undefined)
}
