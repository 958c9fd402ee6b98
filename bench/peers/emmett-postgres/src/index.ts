import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql'
import pg from 'pg'

type Data = object

/**
 * Emmett's PostgreSQL store (@event-driven-io/emmett-postgresql 0.42.0), the peer library the
 * issue names. It keeps its tables in the database's default schema; the bench uses its own database.
 */
export const emmettPostgres = async (adminUrl: string, database: string, eventType: string) => {
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`DROP DATABASE IF EXISTS ${database}`)
  await admin.query(`CREATE DATABASE ${database}`)
  const url = new URL(adminUrl)
  url.pathname = `/${database}`
  const store = getPostgreSQLEventStore(url.toString())
  return {
    name: 'Emmett PostgreSQL 0.42.0',
    append: async (stream: string, events: ReadonlyArray<Data>) => {
      await store.appendToStream(
        stream,
        events.map((data) => ({ type: eventType, data: { ...data } })),
      )
    },
    readStream: async (stream: string) => (await store.readStream(stream)).events.length,
    replay: async () => Number.NaN,
    replayUnsupported: true,
    close: async () => {
      await store.close()
      // Not WITH (FORCE): a connection Emmett's pool still holds would be killed, and the error
      // its pool then emits would end the bench. The next run drops the database before it starts.
      await admin
        .query(`DROP DATABASE IF EXISTS ${database}`)
        .catch((error: Error) =>
          process.stdout.write(`  left database ${database} behind: ${error.message}\n`),
        )
      await admin.end()
    },
  }
}

export { emmettPostgresCommands } from './commands.js'
