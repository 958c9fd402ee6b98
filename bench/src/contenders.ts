import { join } from 'node:path'
import { createEventStoreDbEventStore } from '@dealer-crm/store-eventstoredb'
import { createPostgresEventStore } from '@dealer-crm/store-postgres'
import { createSqliteEventStore } from '@dealer-crm/store-sqlite'
import pg from 'pg'
import { startEsdbTestServer } from '../../test/esdb-test-server/index.js'
import { benchRegistry, oursContender } from './ours.js'
import { asContender, peers } from './peers.js'
import { rawPostgres } from './raw-postgres.js'
import { rawSqlite } from './raw-sqlite.js'
import { type Contender, EVENT_TYPE } from './workload.js'

export interface OpenContext {
  readonly dir: string
  readonly pgUrl: string
  /** Distinguishes the workload run from the rebuild run, so each starts empty. */
  readonly tag: string
  /**
   * The rebuild's two processes (rebuild.ts): 'fill' starts empty and leaves its events on close;
   * 'replay' opens the events 'fill' left instead of starting empty.
   */
  readonly rebuild?: 'fill' | 'replay'
}

export interface ContenderFactory {
  readonly name: string
  /** Why the store is measured alone (opened after the others are closed), if it is. */
  readonly runAlone?: string
  /** A peer library's store: installed by `pnpm bench:peers`, left out (with a hint) until then. */
  readonly peer?: true
  readonly open: (context: OpenContext) => Promise<Contender | null>
}

const dropSchema = async (url: string, schema: string) => {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
  await client.end()
}

export const contenders: ReadonlyArray<ContenderFactory> = [
  {
    name: 'dealer-crm SQLite',
    open: async ({ dir, tag }) => {
      const store = createSqliteEventStore({ path: join(dir, `ours-${tag}.db`), registry: benchRegistry })
      return oursContender('dealer-crm SQLite', store, () => store.close())
    },
  },
  {
    name: 'dealer-crm PostgreSQL',
    open: async ({ pgUrl, tag, rebuild }) => {
      if (rebuild !== 'replay') await dropSchema(pgUrl, `bench_ours_${tag}`)
      const store = await createPostgresEventStore({
        connectionString: pgUrl,
        schema: `bench_ours_${tag}`,
        registry: benchRegistry,
      })
      return oursContender('dealer-crm PostgreSQL', store, () => store.close())
    },
  },
  { name: 'raw better-sqlite3', open: async ({ dir, tag }) => rawSqlite(join(dir, `raw-${tag}.db`)) },
  {
    name: 'raw pg',
    open: async ({ pgUrl, tag, rebuild }) => rawPostgres(pgUrl, `bench_raw_${tag}`, rebuild),
  },
  {
    name: 'dealer-crm EventStoreDB (test server)',
    // Through the real @eventstore/db-client, against the in-process protocol test server of
    // test/esdb-test-server (an in-memory log in this same Node process): it measures the adapter
    // and the client, not an EventStoreDB server. Workload only: the rebuild would time the stand-in.
    open: async ({ tag }) => {
      if (tag !== 'w') return null
      const server = await startEsdbTestServer()
      const store = createEventStoreDbEventStore({
        connectionString: server.connectionString,
        registry: benchRegistry,
      })
      return oursContender('dealer-crm EventStoreDB (test server)', store, async () => {
        await store.close()
        await server.close()
      })
    },
  },
  {
    name: 'Emmett SQLite',
    // Seen in this bench: while our SQLite store is open in the same process, even its one-by-one
    // appends soon fail with SQLITE_BUSY; alone it mostly runs through, but not always, and the
    // error is thrown outside its promises. So it runs in a child process, retried if it dies.
    runAlone:
      'in a child process of its own (its sqlite3 connections have ended the process with SQLITE_BUSY)',
    peer: true,
    open: async ({ dir, tag }) => {
      const emmett = await peers()
      if (emmett === null) return null
      const c = asContender(await emmett.emmettSqlite(join(dir, `emmett-${tag}.db`), EVENT_TYPE))
      return {
        ...c,
        // Seen in this bench: concurrent appends on its one sqlite3 connection end the process with
        // SQLITE_BUSY ("cannot commit transaction - SQL statements in progress"), thrown outside the promise.
        concurrentWriters: 'concurrent appends on its sqlite3 connection fail with SQLITE_BUSY',
      }
    },
  },
  {
    name: 'Emmett PostgreSQL',
    peer: true,
    open: async ({ pgUrl, tag }) => {
      const emmett = await peers()
      if (emmett === null || tag !== 'w') return null
      return asContender(await emmett.emmettPostgres(pgUrl, 'bench_emmett', EVENT_TYPE))
    },
  },
]
