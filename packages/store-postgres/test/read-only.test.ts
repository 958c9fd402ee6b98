import { isEventSourcingError, type RecordedEvent } from '@dealer-crm/eventsourcing'
import { CarOrdered, type ConformanceEvent, conformanceRegistry, NoteAdded } from '@dealer-crm/testing'
import type * as t from 'io-ts'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createPostgresEventLog,
  createPostgresEventStore,
  latestSchemaVersion,
  migrations,
  NotAStoreError,
  ReadOnlyStoreError,
} from '../src/index.js'
import { connectionString, dropSchema, freshSchema, serverAvailable, testPool } from './database.js'
import { dumpSchema } from './schema-dump.js'

const available = await serverAvailable()

const order = (subject: string) =>
  CarOrdered.make({
    orderId: `o-${subject}`,
    amountFen: 100 as t.Int,
    customer: { subjectId: subject, name: `name of ${subject}`, phone: '13900000000' },
  })

const openReadOnly = (schema: string) =>
  createPostgresEventStore<ConformanceEvent>({
    connectionString: connectionString(),
    schema,
    registry: conformanceRegistry,
    readOnly: true,
    maxConnections: 2,
  })

/** What opening `schema` read-only threw; fails the test when it opened. */
const refusal = async (schema: string): Promise<NotAStoreError> => {
  const error = await openReadOnly(schema).then(
    async (store) => {
      await store.close()
      return null
    },
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(NotAStoreError)
  expect(String((error as Error).message)).not.toContain('\n')
  return error as NotAStoreError
}

describe.skipIf(!available)('a PostgreSQL store opened read-only (ADR 0016)', () => {
  const pool = testPool(4)
  const schemas: string[] = []

  /** A store of the latest version with two customers, one note and a checkpoint. */
  const writtenStore = async (prefix: string): Promise<string> => {
    const schema = freshSchema(prefix)
    schemas.push(schema)
    const store = await createPostgresEventStore<ConformanceEvent>({
      pool,
      schema,
      registry: conformanceRegistry,
    })
    await store.appendToStream('customer-a', [order('a')])
    await store.appendToStream('customer-b', [order('b')])
    await store.appendToStream('notes-1', [NoteAdded.make({ text: 'hello', tags: ['x'] })])
    await store.checkpoints.save('projection-1', { position: 2n, state: { seen: 2 } })
    await store.close()
    return schema
  }

  afterAll(async () => {
    for (const s of schemas) await dropSchema(pool, s)
    await pool.end()
  })

  it('refuses a schema that does not exist, and creates nothing', async () => {
    const schema = freshSchema('ro_missing')
    const error = await refusal(schema)
    expect(error.found).toBeNull()
    expect(error.message).toBe(
      `schema ${schema} does not exist: there is no dealer-crm event store to read; opened read-only, nothing was changed`,
    )
    const exists = await pool.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])
    expect(exists.rowCount).toBe(0)
  })

  it("refuses another application's schema and leaves it as it was", async () => {
    const schema = freshSchema('ro_foreign')
    schemas.push(schema)
    await pool.query(
      `CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.invoices (id int PRIMARY KEY, total int)`,
    )
    await pool.query(`INSERT INTO ${schema}.invoices VALUES (1, 100), (2, 250)`)
    const before = await dumpSchema(pool, schema)
    const error = await refusal(schema)
    expect(error.message).toBe(
      `schema ${schema} is not a dealer-crm event store (it has no ${schema}.schema_migrations table); opened read-only, nothing was changed`,
    )
    expect(await dumpSchema(pool, schema)).toEqual(before)
  })

  it('refuses a store of an older schema version, names both versions, and does not migrate it', async () => {
    const schema = await writtenStore('ro_older')
    // A store as the package of the version before left it: without migration 9's table and record.
    expect(latestSchemaVersion, 'this simulation undoes migration 9; undo the latest one').toBe(9)
    await pool.query(`DROP TABLE ${schema}.tenant_roles CASCADE`)
    await pool.query(`DELETE FROM ${schema}.schema_migrations WHERE version = $1`, [latestSchemaVersion])
    const previous = migrations[migrations.length - 2]?.version
    const before = await dumpSchema(pool, schema)
    const error = await refusal(schema)
    expect(error).toMatchObject({ schema, found: previous, latest: latestSchemaVersion })
    expect(error.message).toBe(
      `schema ${schema} is a dealer-crm event store of schema version ${previous}, older than ${latestSchemaVersion}: open it writable once to migrate it; opened read-only, nothing was changed`,
    )
    expect(await dumpSchema(pool, schema)).toEqual(before)
  })

  it('refuses a store that records the latest version but lacks a table a migration adds', async () => {
    const schema = await writtenStore('ro_dropped')
    await pool.query(`DROP TABLE ${schema}.kek_retired`)
    const before = await dumpSchema(pool, schema)
    const error = await refusal(schema)
    expect(error.found).toBe(latestSchemaVersion)
    expect(error.message).toContain(`lacks ${schema}.kek_retired`)
    expect(await dumpSchema(pool, schema)).toEqual(before)
  })

  it('refuses a store of a newer schema version', async () => {
    const schema = await writtenStore('ro_newer')
    await pool.query(
      `INSERT INTO ${schema}.schema_migrations (version, name) VALUES ($1, 'from the future')`,
      [latestSchemaVersion + 1],
    )
    const error = await refusal(schema)
    expect(error.found).toBe(latestSchemaVersion + 1)
    expect(error.message).toContain(`newer than ${latestSchemaVersion}`)
  })

  describe('a store of the current version', () => {
    let schema: string
    let before: Awaited<ReturnType<typeof dumpSchema>>
    beforeAll(async () => {
      schema = await writtenStore('ro_current')
      before = await dumpSchema(pool, schema)
    })

    it('reads events, personal fields, keys and checkpoints, and changes nothing', async () => {
      const store = await openReadOnly(schema)
      try {
        const read: RecordedEvent<ConformanceEvent>[] = []
        for await (const e of store.readAll()) read.push(e)
        expect(read.map((e) => e.type)).toEqual(['CarOrdered', 'CarOrdered', 'NoteAdded'])
        expect(read[0]?.data).toMatchObject({ customer: { name: 'name of a' } })
        expect(await store.streamVersion('customer-b')).toBe(1)
        expect(await store.keyVault.existingKey('a')).toBeInstanceOf(Uint8Array)
        expect(await store.checkpoints.load('projection-1')).toEqual({ position: 2n, state: { seen: 2 } })
      } finally {
        await store.close()
      }
      expect(await dumpSchema(pool, schema)).toEqual(before)
    })

    it('refuses appends, forget and checkpoint writes with a typed error before reaching the server', async () => {
      const store = await openReadOnly(schema)
      const refused = async (work: () => Promise<unknown>, operation: string) => {
        const error = await work().then(
          () => null,
          (e: unknown) => e,
        )
        expect(error).toBeInstanceOf(ReadOnlyStoreError)
        expect(isEventSourcingError(error) && error.code).toBe('ReadOnlyStoreError')
        expect((error as Error).message).toBe(
          `${operation}: the event store in schema ${schema} was opened read-only; nothing was written`,
        )
      }
      try {
        await refused(
          () => store.appendToStream('notes-1', [NoteAdded.make({ text: 'no', tags: [] })]),
          'append to stream notes-1',
        )
        // A personal field needs the subject's key: refused before the append is tried.
        await refused(
          () => store.appendToStream('customer-c', [order('c')]),
          'creating or sealing with the key of subject c',
        )
        await refused(() => store.forget('a'), 'forgetting subject a')
        await refused(
          () => store.checkpoints.save('projection-1', { position: 3n, state: null }),
          'saving checkpoint projection-1',
        )
        await refused(() => store.checkpoints.delete('projection-1'), 'deleting checkpoint projection-1')
      } finally {
        await store.close()
      }
      expect(await dumpSchema(pool, schema)).toEqual(before)
    })

    it('runs its connections with default_transaction_read_only: even SQL sent past the API cannot write', async () => {
      const log = await createPostgresEventLog({
        connectionString: connectionString(),
        schema,
        readOnly: true,
      })
      try {
        const shown = await log.pool.query<{ default_transaction_read_only: string }>(
          'SHOW default_transaction_read_only',
        )
        expect(shown.rows[0]?.default_transaction_read_only).toBe('on')
        const error = await log.pool.query(`DELETE FROM ${schema}.checkpoints`).then(
          () => null,
          (e: unknown) => e as pg.DatabaseError,
        )
        expect(error?.code).toBe('25006') // read_only_sql_transaction
      } finally {
        await log.close()
      }
      expect(await dumpSchema(pool, schema)).toEqual(before)
    })
  })
})
