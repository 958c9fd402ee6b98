import { runReadModelStoreConformance } from '@dealer-crm/testing'
import { createSqliteEventStore, createSqliteReadModelStore } from '../src/index.js'
import { tempDatabase } from './temp-file.js'

runReadModelStoreConformance('SQLite (tables in the store’s file)', async ({ registry }) => {
  const file = tempDatabase()
  const store = createSqliteEventStore({ path: file.path, registry })
  const others: Array<{ close: () => Promise<void> }> = []
  return {
    store,
    readModels: createSqliteReadModelStore(store.sqliteLog),
    another: async () => {
      const other = createSqliteEventStore({ path: file.path, registry })
      others.push(other)
      return createSqliteReadModelStore(other.sqliteLog)
    },
    teardown: async () => {
      for (const other of others) await other.close()
      file.remove()
    },
  }
})
