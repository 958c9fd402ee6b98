import { CorruptEventError, chainEvents, verifyEvents } from '@dealer-crm/eventsourcing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createPostgresEventLog,
  type PostgresEventLog,
  SchemaMissingError,
  SchemaVersionError,
} from '../src/index.js'
import { latestSchemaVersion, migrations } from '../src/schema.js'
import {
  connectionString,
  dropSchema,
  freshSchema,
  serverAvailable,
  tamperEvent,
  testPool,
} from './database.js'
import { all, collect, pending, positions, waitFor } from './pending.js'

const available = await serverAvailable()

describe.skipIf(!available)('PostgreSQL event log', () => {
  const schema = freshSchema('log')
  const pool = testPool()
  let log: PostgresEventLog

  beforeAll(async () => {
    log = await createPostgresEventLog({ pool, schema })
  })
  afterAll(async () => {
    await log.close()
    await dropSchema(pool, schema)
    await pool.end()
  })

  const eventsOf = async (stream: string) =>
    (await collect(log.readAll(all))).filter((e) => e.streamName === stream)

  it('a connection killed mid-append (pg_terminate_backend) leaves no partial append', async () => {
    const s = 'kill-1'
    await log.append(s, [pending('before')], 'any')
    const countBefore = (await collect(log.readAll(all))).length
    const error = await log
      .append(s, [pending('x'), pending('y'), pending('z')], 1, async (_stored, client) => {
        const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid
        await pool.query('SELECT pg_terminate_backend($1)', [pid])
      })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'StoreError' })
    expect((error as Error).message).toContain('connection was lost')
    expect(await log.streamVersion(s)).toBe(1)
    expect((await eventsOf(s)).map((e) => e.streamPosition)).toEqual([1])
    expect((await collect(log.readAll(all))).length).toBe(countBefore)
    // The same again with the callback still using its dead connection.
    const again = await log
      .append(s, [pending('x')], 1, async (_stored, client) => {
        const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid
        await pool.query('SELECT pg_terminate_backend($1)', [pid])
        await client.query('SELECT 1')
      })
      .catch((e: unknown) => e)
    expect(again).toMatchObject({ code: 'StoreError' })
    expect(await log.streamVersion(s)).toBe(1)
    // The pool and the log stay usable, and the chain continues from the last committed event.
    const stored = await log.append(s, [pending('after')], 1)
    expect(stored.map((e) => e.streamPosition)).toEqual([2])
    expect((await verifyEvents(log.readStream(s, { from: 1, to: 10, maxCount: 10 }))).ok).toBe(true)
  })

  it('inTransaction gets the PoolClient of the append transaction; a throwing callback rolls everything back', async () => {
    await pool.query(
      `CREATE TABLE ${schema}.notes_read_model (global_position bigint PRIMARY KEY, text text)`,
    )
    const project = async (
      stored: ReadonlyArray<{ globalPosition: bigint; data: unknown }>,
      client: import('pg').PoolClient,
    ) => {
      for (const e of stored)
        await client.query(`INSERT INTO ${schema}.notes_read_model VALUES ($1, $2)`, [
          e.globalPosition.toString(),
          (e.data as { text: string }).text,
        ])
    }
    const stored = await log.append('inline-1', [pending('a'), pending('b')], 'no_stream', project)
    const rows = await pool.query(`SELECT text FROM ${schema}.notes_read_model ORDER BY global_position`)
    expect(rows.rows.map((r: { text: string }) => r.text)).toEqual(['a', 'b'])
    expect(positions(stored)[0]! < positions(stored)[1]!).toBe(true)
    const failure = new Error('read model refused')
    await expect(
      log.append('inline-1', [pending('c')], 2, async (s, client) => {
        await project(s, client)
        throw failure
      }),
    ).rejects.toBe(failure)
    expect(await log.streamVersion('inline-1')).toBe(2)
    expect((await pool.query(`SELECT count(*)::int AS n FROM ${schema}.notes_read_model`)).rows[0]).toEqual({
      n: 2,
    })
    // A later append on the same stream is not confused by the rolled-back attempt.
    expect((await log.append('inline-1', [pending('c')], 2)).map((e) => e.streamPosition)).toEqual([3])
  })

  it('a second process (its own pool) sees the stream state and appends after it; stale caches are corrected', async () => {
    const other = await createPostgresEventLog({ connectionString: connectionString(), schema })
    await log.append('shared-1', [pending('a')], 'any')
    await other.append('shared-1', [pending('b')], 1)
    // `log` cached version 1; the function reports the real state and the append retries.
    const stored = await log.append('shared-1', [pending('c')], 'any')
    expect(stored[0]!.streamPosition).toBe(3)
    await expect(log.append('shared-1', [pending('d')], 1)).rejects.toMatchObject({
      code: 'ConcurrencyError',
      actual: 3,
    })
    expect((await verifyEvents(other.readStream('shared-1', { from: 1, to: 9, maxCount: 9 }))).ok).toBe(true)
    await other.close()
  })

  it('wakes listeners on NOTIFY from another process', async () => {
    const other = await createPostgresEventLog({ connectionString: connectionString(), schema })
    let woken = 0
    const stop = log.onAppended(() => {
      woken++
    })
    await waitFor(() => woken > 0) // the listener connection announces itself once it is listening
    const before = woken
    await other.append('notify-1', [pending('hello')], 'any')
    await waitFor(() => woken > before, 3000)
    stop()
    await other.close()
  })

  it('pages through batches: a page may start or stop inside an append, and filters skip within one', async () => {
    const typed = (text: string, type: string) => ({ ...pending(text), type })
    const mixed = Array.from({ length: 12 }, (_, i) => typed(`m${i}`, i % 3 === 0 ? 'Rare' : 'NoteAdded'))
    const [first] = await log.append('pages-1', mixed, 'no_stream')
    const start = first!.globalPosition
    const window = { ...all, from: start + 1n, to: start + 10n }
    for (const batchSize of [1, 2, 5, 100]) {
      const rare = await collect(log.readAll({ ...window, batchSize, types: ['Rare'] }))
      expect(rare.map((e) => (e.data as { text: string }).text)).toEqual(['m3', 'm6', 'm9'])
      const every = await collect(log.readAll({ ...window, batchSize }))
      expect(positions(every)).toEqual(Array.from({ length: 10 }, (_, i) => start + 1n + BigInt(i)))
      const part = await collect(log.readStream('pages-1', { from: 4, to: 7, maxCount: batchSize }))
      expect(part.map((e) => e.streamPosition)).toEqual([4, 5, 6, 7].slice(0, batchSize))
    }
    // The rest of the first append holds no Rare event: the page must look into the next append.
    await log.append('pages-2', [typed('r0', 'Rare'), typed('n1', 'NoteAdded')], 'no_stream')
    const next = await collect(log.readAll({ ...all, from: start + 10n, batchSize: 1, types: ['Rare'] }))
    expect(next.map((e) => (e.data as { text: string }).text)).toEqual(['r0'])
  })

  it('reports a corrupt row as CorruptEventError naming the stream and position, on every read path', async () => {
    const s = 'corrupt-1'
    await log.append(s, [pending('ok'), pending('bad')], 'any')
    expect(await tamperEvent(pool, schema, s, 2, 'data', () => `'{not json'`)).toBe(1)
    const fromStream = await collect(log.readStream(s, { from: 1, to: 9, maxCount: 9 })).catch(
      (e: unknown) => e,
    )
    expect(fromStream).toBeInstanceOf(CorruptEventError)
    expect(fromStream).toMatchObject({ code: 'CorruptEvent', streamName: s, streamPosition: 2 })
    const fromAll = await collect(log.readAll(all)).catch((e: unknown) => e)
    expect(fromAll).toMatchObject({ code: 'CorruptEvent', streamName: s, streamPosition: 2 })
    await tamperEvent(pool, schema, s, 2, 'recorded_at', () => `'yesterday'`)
    await tamperEvent(pool, schema, s, 2, 'data', () => `'{}'`)
    expect(
      await collect(log.readStream(s, { from: 2, to: 2, maxCount: 1 })).catch((e: unknown) => e),
    ).toMatchObject({
      code: 'CorruptEvent',
      streamPosition: 2,
    })
    // A batch whose arrays disagree in length: the missing fields read as a corrupt event.
    await pool.query(`UPDATE ${schema}.event_batches SET types = types[1:1] WHERE stream_name = $1`, [s])
    expect(await collect(log.readAll(all)).catch((e: unknown) => e)).toMatchObject({
      code: 'CorruptEvent',
      streamName: s,
      streamPosition: 2,
      reason: 'the row has no event type',
    })
    await pool.query(`DELETE FROM ${schema}.event_batches WHERE stream_name = $1`, [s])
    // A batch whose event count was raised numbers its events back over the batch before it.
    const o = 'corrupt-2'
    await log.append(o, [pending('a'), pending('b')], 'no_stream')
    await log.append(o, [pending('c'), pending('d')], 2)
    await pool.query(
      `UPDATE ${schema}.event_batches SET event_count = 3 WHERE stream_name = $1 AND stream_position = 4`,
      [o],
    )
    const overlapping = { code: 'CorruptEvent', streamName: o, streamPosition: 2 }
    expect(
      await collect(log.readStream(o, { from: 1, to: 9, maxCount: 9 })).catch((e: unknown) => e),
    ).toMatchObject(overlapping)
    expect(await collect(log.readAll(all)).catch((e: unknown) => e)).toMatchObject({
      ...overlapping,
      reason: 'its batch overlaps the one read before it (positions out of order)',
    })
    await pool.query(`DELETE FROM ${schema}.event_batches WHERE stream_name = $1`, [o])
  })

  it('migrations are idempotent; a schema written by a newer version is refused with a typed error', async () => {
    const reopened = await createPostgresEventLog({ pool, schema })
    await reopened.close()
    const newer = freshSchema('newer')
    const first = await createPostgresEventLog({ pool, schema: newer })
    await first.close()
    await pool.query(`INSERT INTO ${newer}.schema_migrations (version, name) VALUES (99, 'from the future')`)
    const error = await createPostgresEventLog({ pool, schema: newer }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SchemaVersionError)
    expect(error).toMatchObject({ found: 99, schema: newer })
    await dropSchema(pool, newer)
  })

  it('migrates a version 1 store holding events to the latest: the chains and positions go on, the type index is gone', async () => {
    const old = freshSchema('v1')
    await pool.query(`CREATE SCHEMA ${old}`)
    await pool.query(`CREATE TABLE ${old}.schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`)
    await pool.query(migrations[0]!.sql(old))
    await pool.query(`INSERT INTO ${old}.schema_migrations (version, name) VALUES (1, 'as 0.1 wrote it')`)
    // Two events appended the way version 1 of the package did.
    const chained = chainEvents('legacy-1', 0, '', [pending('a'), pending('b')])
    const column = <T>(f: (e: (typeof chained)[number]) => T) => chained.map(f)
    await pool.query(
      `SELECT ${old}.append_events($1, 0, '', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, false)`,
      [
        'legacy-1',
        column((e) => e.eventId),
        column((e) => e.type),
        column((e) => e.schemaVersion),
        column((e) => e.dataJson),
        column((e) => e.recordedAt),
        column(() => null),
        column(() => null),
        column(() => null),
        column(() => null),
        column(() => null),
        column((e) => e.prevHash),
        column((e) => e.hash),
      ],
    )
    const upgraded = await createPostgresEventLog({ pool, schema: old })
    const version = await pool.query(`SELECT max(version)::int AS v FROM ${old}.schema_migrations`)
    expect(version.rows[0]).toEqual({ v: latestSchemaVersion })
    const index = await pool.query('SELECT to_regclass($1) AS i', [`${old}.events_type_position`])
    expect(index.rows[0]).toEqual({ i: null })
    expect((await upgraded.append('legacy-1', [pending('c')], 2))[0]!.streamPosition).toBe(3)
    const events = await collect(upgraded.readStream('legacy-1', { from: 1, to: 9, maxCount: 9 }))
    expect(events.map((e) => (e.data as { text: string }).text)).toEqual(['a', 'b', 'c'])
    expect((await verifyEvents(upgraded.readStream('legacy-1', { from: 1, to: 9, maxCount: 9 }))).ok).toBe(
      true,
    )
    expect(events.map((e) => e.globalPosition)).toEqual([1n, 2n, 3n])
    const typed = await collect(upgraded.readAll({ ...all, types: ['NoteAdded'] }))
    expect(typed).toHaveLength(3)
    // Each event of version 1 became a batch of one; the view shows every event as a row.
    const batches = await pool.query(`SELECT event_count FROM ${old}.event_batches ORDER BY position`)
    expect(batches.rows).toEqual([{ event_count: 1 }, { event_count: 1 }, { event_count: 1 }])
    const view = await pool.query(`SELECT position::int, stream_position, prev_hash, hash FROM ${old}.events`)
    expect(view.rows).toEqual(
      events.map((e, i) => ({
        position: i + 1,
        stream_position: i + 1,
        prev_hash: e.prevHash,
        hash: e.hash,
      })),
    )
    await upgraded.close()
    await dropSchema(pool, old)
  })

  it('createSchema: false opens an existing store and refuses a schema without one, creating nothing', async () => {
    const existing = await createPostgresEventLog({ pool, schema, createSchema: false })
    await existing.close()
    const missing = freshSchema('missing')
    const error = await createPostgresEventLog({ pool, schema: missing, createSchema: false }).catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(SchemaMissingError)
    expect(error).toMatchObject({ code: 'SchemaMissingError', schema: missing })
    const created = await pool.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [missing])
    expect(created.rowCount).toBe(0)
  })

  it('never ends a pool it did not create, and ends the one it did; refuses use after close, bad schema names and bad options', async () => {
    const borrowed = testPool(2)
    const mine = await createPostgresEventLog({ pool: borrowed, schema })
    await mine.close()
    expect((await borrowed.query('SELECT 1 AS one')).rows[0]).toEqual({ one: 1 })
    await borrowed.end()
    const owned = await createPostgresEventLog({ connectionString: connectionString(), schema })
    await owned.close()
    expect(owned.pool.ended).toBe(true)
    await expect(owned.streamVersion('x-1')).rejects.toMatchObject({ code: 'StoreError' })
    await expect(createPostgresEventLog({ pool, schema: 'Robert"); DROP' })).rejects.toMatchObject({
      code: 'StoreError',
    })
    await expect(createPostgresEventLog({ pool, schema, appendsInFlight: 0 })).rejects.toThrow(
      'appendsInFlight must be a positive integer, not 0',
    )
  })

  it('a writer awaiting each append reuses one connection until the next turn of the event loop; one that dies meanwhile is dropped', async () => {
    const own = testPool(3)
    const mine = await createPostgresEventLog({ pool: own, schema, notify: false })
    const acquired: import('pg').PoolClient[] = []
    own.on('acquire', (client) => acquired.push(client))
    for (let i = 0; i < 10; i++) await mine.append(`reuse-${i}`, [pending('x')], 'no_stream')
    expect(acquired.length).toBe(1)
    await new Promise((resolve) => setImmediate(resolve))
    expect(own.idleCount).toBe(own.totalCount)
    // The connection fails while the log holds it as its spare (pg emits 'error' on the idle client;
    // a real socket's death is reported by libuv, usually after the spare went back to the pool).
    await mine.append('reuse-dies', [pending('x')], 'no_stream')
    const dying = acquired.at(-1) as import('pg').PoolClient
    const removed = new Promise((resolve) => own.once('remove', resolve))
    dying.emit('error', new Error('Connection terminated unexpectedly'))
    // Still in the same turn: the next append must not get the failed connection.
    const after = await mine.append('reuse-dies', [pending('y')], 1)
    expect(after.map((e) => e.streamPosition)).toEqual([2])
    expect(acquired.at(-1)).not.toBe(dying)
    expect(await removed).toBe(dying)
    await mine.close()
    await own.end()
  })

  it('numbers an append in stream order, readStream pages beyond one batch, empty appends check the version', async () => {
    const s = 'big-1'
    const stored = await log.append(
      s,
      Array.from({ length: 1200 }, (_, i) => pending(String(i))),
      'no_stream',
    )
    const ps = positions(stored)
    for (let i = 1; i < ps.length; i++) expect(ps[i]! > ps[i - 1]!).toBe(true)
    const read = await collect(
      log.readStream(s, { from: 1, to: Number.MAX_SAFE_INTEGER, maxCount: Number.MAX_SAFE_INTEGER }),
    )
    expect(read.map((e) => e.streamPosition)).toEqual(Array.from({ length: 1200 }, (_, i) => i + 1))
    expect(await log.append(s, [], 1200)).toEqual([])
    await expect(log.append(s, [], 'no_stream')).rejects.toMatchObject({
      code: 'ConcurrencyError',
      actual: 1200,
    })
  })
})
