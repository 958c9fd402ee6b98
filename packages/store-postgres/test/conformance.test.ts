import { runEventStoreConformance } from '@dealer-crm/testing'
import { afterAll, it } from 'vitest'
import { createPostgresEventStore } from '../src/index.js'
import {
  connectionString,
  dropSchema,
  freshSchema,
  serverAvailable,
  tamperEvent,
  testPool,
} from './database.js'

const available = await serverAvailable()

if (available) {
  const admin = testPool(2)
  const schemas: string[] = []
  afterAll(async () => {
    for (const schema of schemas) await dropSchema(admin, schema)
    await admin.end()
  })

  runEventStoreConformance('PostgreSQL (pg, own pool from a connection string)', async ({ registry }) => {
    const schema = freshSchema('conf')
    schemas.push(schema)
    const store = await createPostgresEventStore({ connectionString: connectionString(), schema, registry })
    return {
      store,
      // Another app server on the schema whose injected clock gives its commit times (this one's: the server's).
      writer: async (clock) =>
        createPostgresEventStore({
          connectionString: connectionString(),
          schema,
          registry,
          clock,
          maxConnections: 2,
        }),
      teardown: async () => dropSchema(admin, schema),
      tamper: async (streamName, streamPosition) => {
        await tamperEvent(
          admin,
          schema,
          streamName,
          streamPosition,
          'data',
          (current) => `jsonb_set(${current}::jsonb, '{text}', '"forged"')::text`,
        )
      },
    }
  })

  runEventStoreConformance(
    'PostgreSQL (caller-supplied pool, no NOTIFY: polling only)',
    async ({ registry }) => {
      const schema = freshSchema('confpool')
      schemas.push(schema)
      const pool = testPool()
      const store = await createPostgresEventStore({
        pool,
        schema,
        registry,
        notify: false,
        pollIntervalMs: 50,
      })
      return {
        store,
        writer: async (clock) => createPostgresEventStore({ pool, schema, registry, notify: false, clock }),
        teardown: async () => {
          await dropSchema(admin, schema)
          await pool.end()
        },
      }
    },
  )
} else {
  it.skip('PostgreSQL conformance (no server)', () => undefined)
}
