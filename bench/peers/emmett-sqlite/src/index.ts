import { getSQLiteEventStore, readMessagesBatch, sqliteConnection } from '@event-driven-io/emmett-sqlite'

type Data = object

/**
 * Emmett's SQLite store (@event-driven-io/emmett-sqlite 0.38.5 on sqlite3), the peer library the
 * issue names, used as its README shows: `getSQLiteEventStore({ fileName })`. It sets WAL and keeps
 * SQLite's default `synchronous = FULL`, like our store. Replay reads with its `readMessagesBatch`.
 */
export const emmettSqlite = async (fileName: string, eventType: string) => {
  const store = getSQLiteEventStore({ fileName, schema: { autoMigration: 'CreateOrUpdate' } })
  const reader = sqliteConnection({ fileName })
  return {
    name: 'Emmett SQLite 0.38.5',
    append: async (stream: string, events: ReadonlyArray<Data>) => {
      await store.appendToStream(
        stream,
        events.map((data) => ({ type: eventType, data: { ...data } })),
      )
    },
    readStream: async (stream: string) => (await store.readStream(stream)).events.length,
    replay: async (apply: (data: Data) => void) => {
      let n = 0
      let after = 0n
      for (;;) {
        const { messages } = await readMessagesBatch(reader, { after, batchSize: 1000 })
        if (messages.length === 0) return n
        for (const m of messages) {
          apply(m.data as Data)
          after = m.metadata.globalPosition
        }
        n += messages.length
      }
    },
    close: async () => {
      reader.close()
    },
  }
}
