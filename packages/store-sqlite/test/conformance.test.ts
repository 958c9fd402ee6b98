import { runEventStoreConformance } from '@dealer-crm/testing'
import Database from 'better-sqlite3'
import { createSqliteEventStore } from '../src/index.js'
import { tempDatabase } from './temp-file.js'

runEventStoreConformance('SQLite (better-sqlite3, WAL, synchronous FULL)', async ({ registry }) => {
  const file = tempDatabase()
  const store = createSqliteEventStore({ path: file.path, registry })
  return {
    store,
    // Another connection to the file, as another process: its clock gives its commit times too.
    writer: async (clock) => createSqliteEventStore({ path: file.path, registry, clock }),
    teardown: async () => file.remove(),
    tamper: async (streamName, streamPosition) => {
      store.database
        .prepare(
          `UPDATE es_events SET data = json_set(data, '$.text', 'forged')
           WHERE stream_name = ? AND stream_position = ?`,
        )
        .run(streamName, streamPosition)
    },
  }
})

runEventStoreConformance('SQLite (caller-supplied connection, synchronous NORMAL)', async ({ registry }) => {
  const file = tempDatabase()
  const database = new Database(file.path)
  const store = createSqliteEventStore({ database, synchronous: 'NORMAL', registry })
  return {
    store,
    writer: async (clock) =>
      createSqliteEventStore({ path: file.path, synchronous: 'NORMAL', registry, clock }),
    teardown: async () => {
      database.close()
      file.remove()
    },
  }
})
