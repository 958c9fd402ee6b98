import type { InlineProjection, RecordedEvent } from '@dealer-crm/eventsourcing'
import { type ConformanceEvent, conformanceRegistry, NoteAdded } from '@dealer-crm/testing'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  catchUpSqlProjection,
  createPostgresEventStore,
  listDeadLetters,
  type PostgresEventStore,
  postgresCheckpointStore,
  postgresKeyVault,
  runSqlProjection,
  type SqlProjection,
  withTransaction,
} from '../src/index.js'
import { dropSchema, freshSchema, serverAvailable, tamperEvent, testPool } from './database.js'

const available = await serverAvailable()

const note = (text: string) => NoteAdded.make({ text, tags: [] })

describe.skipIf(!available)('PostgreSQL event store: key vault, checkpoints, SQL read models', () => {
  const schema = freshSchema('store')
  const pool = testPool()
  let store: PostgresEventStore<ConformanceEvent>

  const noteCount: InlineProjection<ConformanceEvent, pg.PoolClient> = {
    name: 'note-count',
    handles: ['NoteAdded'],
    apply: async (events, client) => {
      await client.query(
        `INSERT INTO ${schema}.note_counts (stream_name, notes) VALUES ($1, $2)
         ON CONFLICT (stream_name) DO UPDATE SET notes = ${schema}.note_counts.notes + excluded.notes`,
        [events[0]!.metadata.streamName, events.length],
      )
    },
  }

  beforeAll(async () => {
    store = await createPostgresEventStore({
      pool,
      schema,
      registry: conformanceRegistry,
      inline: [noteCount],
    })
    await pool.query(
      `CREATE TABLE ${schema}.note_counts (stream_name text PRIMARY KEY, notes integer NOT NULL)`,
    )
  })
  afterAll(async () => {
    await store.close()
    await dropSchema(pool, schema)
    await pool.end()
  })

  it('keeps inline SQL read models in the append transaction', async () => {
    await store.appendToStream('inline-1', [note('a'), note('b')])
    await store.appendToStream('inline-1', [note('c')])
    const rows = await pool.query(`SELECT notes FROM ${schema}.note_counts WHERE stream_name = 'inline-1'`)
    expect(rows.rows).toEqual([{ notes: 3 }])
  })

  it('stores subject keys durably: the same key from another vault, none after forget', async () => {
    const vault = postgresKeyVault(pool, schema)
    const key = await vault.keyFor('subject-1')
    expect(key).toHaveLength(32)
    expect(await postgresKeyVault(pool, schema).keyFor('subject-1')).toEqual(key)
    expect(await vault.existingKey('nobody')).toBeNull()
    const keys = await Promise.all(
      Array.from({ length: 8 }, () => postgresKeyVault(pool, schema).keyFor('racing')),
    )
    for (const k of keys) expect(k).toEqual(keys[0])
    await vault.forget('subject-1')
    expect(await vault.existingKey('subject-1')).toBeNull()
    await expect(vault.keyFor('subject-1')).rejects.toMatchObject({ code: 'PersonalDataError' })
    await vault.forget('never-seen')
    await expect(vault.keyFor('never-seen')).rejects.toMatchObject({ code: 'PersonalDataError' })
  })

  it('stores checkpoints durably, and inside a transaction only if it commits', async () => {
    const checkpoints = postgresCheckpointStore(pool, schema)
    expect(await checkpoints.load('p')).toBeNull()
    await checkpoints.save('p', { position: 9_007_199_254_740_993n, state: { seen: ['a'] } })
    expect(await checkpoints.load('p')).toEqual({ position: 9_007_199_254_740_993n, state: { seen: ['a'] } })
    await expect(
      withTransaction(pool, async (client) => {
        await postgresCheckpointStore(client, schema).save('p', { position: 1n, state: null })
        throw new Error('rolled back')
      }),
    ).rejects.toThrow('rolled back')
    expect((await checkpoints.load('p'))?.position).toBe(9_007_199_254_740_993n)
    await checkpoints.delete('p')
    expect(await checkpoints.load('p')).toBeNull()
  })

  const projection = (failOn?: string): SqlProjection<ConformanceEvent> => ({
    name: 'notes-table',
    handles: ['NoteAdded'],
    setup: async (client) => {
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${schema}.notes (global_position bigint PRIMARY KEY, text text NOT NULL)`,
      )
    },
    apply: async (events: ReadonlyArray<RecordedEvent<ConformanceEvent>>, client) => {
      for (const e of events) {
        const text = (e.data as { text: string }).text
        if (text === failOn) throw new Error(`cannot project ${text}`)
        await client.query(`INSERT INTO ${schema}.notes VALUES ($1, $2)`, [
          e.metadata.globalPosition.toString(),
          text,
        ])
      }
    },
  })

  it('catch-up SQL projections commit rows and checkpoint together, resume after a failure, and park corrupt events', async () => {
    await store.appendToStream('sql-1', ['n1', 'n2', 'boom', 'n4'].map(note))
    const failed = await catchUpSqlProjection(store, projection('boom'), { batchSize: 1 }).catch(
      (e: unknown) => e,
    )
    expect(failed).toBeInstanceOf(Error)
    const texts = async () =>
      (
        await pool.query<{ text: string }>(`SELECT text FROM ${schema}.notes ORDER BY global_position`)
      ).rows.map((r) => r.text)
    const partial = await texts()
    const checkpoint = await store.checkpoints.load('notes-table')
    const last = await pool.query<{ p: string }>(
      `SELECT max(global_position)::text AS p FROM ${schema}.notes`,
    )
    expect(checkpoint?.position).toBe(BigInt(last.rows[0]!.p) + 1n)
    expect(partial).not.toContain('boom')
    const resumed = await catchUpSqlProjection(store, projection())
    expect(resumed.applied).toBe(2)
    expect((await texts()).filter((t) => t.startsWith('n') || t === 'boom')).toEqual(
      [...partial, 'boom', 'n4'].filter((t) => t.startsWith('n') || t === 'boom'),
    )
    // A corrupt row stops the runner with its error, or is parked when dead letters are on.
    await store.appendToStream('sql-2', ['ok', 'bad', 'after'].map(note))
    await tamperEvent(pool, schema, 'sql-2', 2, 'data', () => `'{oops'`)
    await expect(catchUpSqlProjection(store, projection())).rejects.toMatchObject({
      code: 'CorruptEvent',
      streamName: 'sql-2',
      streamPosition: 2,
    })
    const parked = await catchUpSqlProjection(store, projection(), { deadLetters: true })
    expect(parked.parked).toBe(1)
    const letters = await listDeadLetters(pool, schema, 'notes-table')
    expect(letters).toMatchObject([{ streamName: 'sql-2', streamPosition: 2, errorCode: 'CorruptEvent' }])
    expect((await texts()).slice(-2)).toEqual(['ok', 'after'])
    await pool.query(`DELETE FROM ${schema}.event_batches WHERE stream_name = 'sql-2'`)
  })

  it('runs a SQL projection live: it follows appends after catching up', async () => {
    await pool.query(`CREATE TABLE ${schema}.live_notes (text text)`)
    const live: SqlProjection<ConformanceEvent> = {
      name: 'live-notes',
      handles: ['NoteAdded'],
      apply: async (events, client) => {
        for (const e of events)
          await client.query(`INSERT INTO ${schema}.live_notes VALUES ($1)`, [
            (e.data as { text: string }).text,
          ])
      },
    }
    const runner = runSqlProjection(store, live)
    const count = async () =>
      (
        await pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM ${schema}.live_notes WHERE text = 'live'`,
        )
      ).rows[0]!.n
    await store.appendToStream('live-1', [note('live')])
    let n = 0
    const start = Date.now()
    while (n === 0 && Date.now() - start < 5000) n = await count()
    expect(n).toBe(1)
    await runner.close()
    expect(runner.position() > 0n).toBe(true)
  })
})
