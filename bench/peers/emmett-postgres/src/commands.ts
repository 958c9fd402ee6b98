import { CommandHandler } from '@event-driven-io/emmett'
import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql'
import pg from 'pg'

type Data = { readonly amountFen: number; readonly repairOrder: string }
type Visited = { type: string; data: Data }
interface VisitLog {
  readonly visits: number
  readonly revenueFen: number
  readonly repairOrders: number
}

/**
 * Emmett's command handler (@event-driven-io/emmett 0.42.0) over its PostgreSQL store, as its README
 * shows: `CommandHandler({ evolve, initialState })(store, id, decide)`. It loads the whole stream
 * on every command (Emmett has no state cache); the decision and fold are the bench's visit log.
 */
export const emmettPostgresCommands = async (adminUrl: string, database: string, eventType: string) => {
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`DROP DATABASE IF EXISTS ${database}`)
  await admin.query(`CREATE DATABASE ${database}`)
  const url = new URL(adminUrl)
  url.pathname = `/${database}`
  const store = getPostgreSQLEventStore(url.toString())
  const handle = CommandHandler<VisitLog, Visited>({
    initialState: () => ({ visits: 0, revenueFen: 0, repairOrders: 0 }),
    evolve: (state, event) => ({
      visits: state.visits + 1,
      revenueFen: state.revenueFen + event.data.amountFen,
      repairOrders: state.repairOrders + (event.data.repairOrder === '' ? 0 : 1),
    }),
  })
  return {
    name: 'Emmett PostgreSQL 0.42.0',
    prefill: async (stream: string, events: ReadonlyArray<Data>) => {
      await store.appendToStream(
        stream,
        events.map((data) => ({ type: eventType, data: { ...data } })),
      )
    },
    command: async (stream: string, data: Data) => {
      await handle(store, stream, () => {
        if (data.amountFen < 0) throw new Error('a visit cannot cost less than nothing')
        return [{ type: eventType, data: { ...data } }]
      })
    },
    close: async () => {
      await store.close()
      await admin
        .query(`DROP DATABASE IF EXISTS ${database}`)
        .catch((error: Error) =>
          process.stdout.write(`  left database ${database} behind: ${error.message}\n`),
        )
      await admin.end()
    },
  }
}
