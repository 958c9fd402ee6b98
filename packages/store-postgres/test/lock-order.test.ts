import { chainEvents, type LogFields, seededRandom, verifyEvents } from '@dealer-crm/eventsourcing'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AppendOutcome, type AppendRequest, callAppendEvents } from '../src/append-call.js'
import { binaryIntArray, binaryTextArray } from '../src/binary-arrays.js'
import { createPostgresEventLog, type PostgresEventLog } from '../src/index.js'
import { latestSchemaVersion, migrations } from '../src/schema.js'
import { connectionString, dropSchema, freshSchema, serverAvailable, testPool } from './database.js'
import { collect, pending, sleep } from './pending.js'

const available = await serverAvailable()

/** A pool whose sessions detect deadlocks after 10 ms instead of 1 s, so that each shows at once. */
const quickDeadlockPool = (max: number) => {
  const pool = new pg.Pool({ connectionString: connectionString(), max, options: '-c deadlock_timeout=10ms' })
  pool.on('error', () => undefined)
  return pool
}

describe.skipIf(!available)('PostgreSQL appends take stream locks in one canonical order', () => {
  const schema = freshSchema('lockorder')
  const pool = testPool(6)
  let log: PostgresEventLog

  beforeAll(async () => {
    log = await createPostgresEventLog({ pool, schema })
  })
  afterAll(async () => {
    await log.close()
    await dropSchema(pool, schema)
    await pool.end()
  })

  /** Wait until the backend is blocked on a lock. */
  const blocked = async (pid: number) => {
    for (;;) {
      const found = await pool.query(
        `SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'`,
        [pid],
      )
      if (found.rowCount === 1) return
      await sleep(5)
    }
  }

  /**
   * Two calls of `append_events` naming streams a and b in opposite orders, timed so that taking
   * the rows in the order named deadlocks: the first call names b before a and waits for b, which a
   * locker holds; the second names a before b, so it would lock a and wait for b; once the locker
   * lets b go, the first would take b and wait for a. Resolves to how each call ended.
   */
  const oppositeOrders = async (target: PostgresEventLog, s: string, [a, b]: readonly [string, string]) => {
    const states = new Map<string, { version: number; hash: string }>()
    for (const name of [a, b]) {
      const [stored] = await target.append(name, [pending('first')], 'no_stream')
      states.set(name, { version: 1, hash: stored!.hash })
    }
    const request = (name: string, text: string): AppendRequest => {
      const state = states.get(name)!
      return {
        streamName: name,
        state,
        chained: chainEvents(name, state.version, state.hash, [pending(text)]),
      }
    }
    const locker = await pool.connect()
    const first = await pool.connect()
    const second = await pool.connect()
    try {
      const pidOf = async (c: pg.PoolClient) =>
        (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid
      const [firstPid, secondPid] = [await pidOf(first), await pidOf(second)]
      await locker.query('BEGIN')
      await locker.query(`SELECT 1 FROM ${s}.streams WHERE stream_name = $1 FOR UPDATE`, [b])
      const one = callAppendEvents(first, s, [request(b, 'one'), request(a, 'one')], false)
      await blocked(firstPid)
      const two = callAppendEvents(second, s, [request(a, 'two'), request(b, 'two')], false)
      await blocked(secondPid)
      await locker.query('ROLLBACK')
      return await Promise.allSettled([one, two])
    } finally {
      await locker.query('ROLLBACK').catch(() => undefined)
      for (const c of [locker, first, second]) c.release()
    }
  }

  /** Both calls ended well; one wrote each stream, at the positions it returned; the chains hold. */
  const expectNoDeadlock = async (
    target: PostgresEventLog,
    streams: readonly [string, string],
    outcomes: PromiseSettledResult<AppendOutcome[]>[],
  ) => {
    expect(outcomes.map((o) => (o.status === 'rejected' ? String(o.reason) : 'fulfilled'))).toEqual([
      'fulfilled',
      'fulfilled',
    ])
    // Both calls were built on the same versions: each stream was written by one, refused by the other.
    const written = outcomes
      .flatMap((o) => (o.status === 'fulfilled' ? o.value : []))
      .flatMap((o) => o.stored ?? [])
    expect(written.map((e) => e.streamName).sort()).toEqual([...streams].sort())
    for (const s of streams) {
      const events = await collect(target.readStream(s, { from: 1, to: 9, maxCount: 9 }))
      expect(events.map((e) => e.streamPosition)).toEqual([1, 2])
      expect(written.find((e) => e.streamName === s)?.globalPosition).toBe(events[1]!.globalPosition)
      expect((await verifyEvents(target.readStream(s, { from: 1, to: 9, maxCount: 9 }))).ok).toBe(true)
    }
  }

  it('two calls naming the same streams in opposite orders never deadlock', async () => {
    const streams = ['order-a', 'order-b'] as const
    await expectNoDeadlock(log, streams, await oppositeOrders(log, schema, streams))
  })

  it('a store written before the lock order is migrated: its events read, and its appends no longer deadlock', async () => {
    const old = freshSchema('before_lock_order')
    await pool.query(`CREATE SCHEMA ${old}`)
    await pool.query(`CREATE TABLE ${old}.schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`)
    // Every migration before the one that brought the lock order: the schema as the package left it.
    const lockOrder = migrations.find((m) => m.name.startsWith('append_events locks stream rows'))!
    for (const m of migrations.filter((m) => m.version < lockOrder.version)) {
      await pool.query(m.sql(old))
      await pool.query(`INSERT INTO ${old}.schema_migrations (version, name) VALUES ($1, $2)`, [
        m.version,
        m.name,
      ])
    }
    // Events appended by version 3 of append_events, as the package wrote them before (its parameters:
    // today's callAppendEvents also sends the commit clock, which version 3 does not take).
    const chained = chainEvents('legacy-1', 0, '', [pending('a'), pending('b')])
    const column = <T>(f: (e: (typeof chained)[number]) => T) => chained.map(f)
    await pool.query(
      `SELECT * FROM ${old}.append_events($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, NULL, NULL, NULL, NULL, $10, false)`,
      [
        binaryTextArray(['legacy-1']),
        binaryIntArray([0]),
        binaryTextArray(['']),
        binaryIntArray([chained.length]),
        binaryTextArray(column((e) => e.eventId)),
        binaryTextArray(column((e) => e.type)),
        binaryIntArray(column((e) => e.schemaVersion)),
        binaryTextArray(column((e) => e.dataJson)),
        binaryTextArray(column((e) => e.recordedAt)),
        binaryTextArray(column((e) => e.hash)),
      ],
    )
    const upgraded = await createPostgresEventLog({ pool, schema: old })
    try {
      const version = await pool.query(`SELECT max(version)::int AS v FROM ${old}.schema_migrations`)
      expect(version.rows[0]).toEqual({ v: latestSchemaVersion })
      const events = await collect(upgraded.readStream('legacy-1', { from: 1, to: 9, maxCount: 9 }))
      expect(events.map((e) => [e.eventId, e.hash, e.globalPosition])).toEqual(
        chained.map((e, i) => [e.eventId, e.hash, BigInt(i + 1)]),
      )
      expect((await upgraded.append('legacy-1', [pending('c')], 2))[0]!.streamPosition).toBe(3)
      expect((await verifyEvents(upgraded.readStream('legacy-1', { from: 1, to: 9, maxCount: 9 }))).ok).toBe(
        true,
      )
      const streams = ['legacy-a', 'legacy-b'] as const
      await expectNoDeadlock(upgraded, streams, await oppositeOrders(upgraded, old, streams))
    } finally {
      await upgraded.close()
      await dropSchema(pool, old)
    }
  })

  it('8 writers appending with `any` to 3 shared streams: every append succeeds, none deadlocked', async () => {
    const streams = ['shared-a', 'shared-b', 'shared-c']
    const writers = 8
    const rounds = 25
    const inFlight = 3
    const pools = Array.from({ length: writers }, () => quickDeadlockPool(3))
    const resent: unknown[] = []
    const logger = {
      warn: (_: string, fields: LogFields) => resent.push(fields.error),
      error: () => undefined,
    }
    const logs = await Promise.all(
      pools.map((p) => createPostgresEventLog({ pool: p, schema, notify: false, logger })),
    )
    const random = seededRandom(18)
    const failures: string[] = []
    const counts = new Map(streams.map((s) => [s, 0]))
    try {
      // Each writer keeps several appends in flight, so its group commit sends calls naming
      // several of the streams, in whatever order they were queued.
      await Promise.all(
        logs.map(async (writer, w) => {
          for (let r = 0; r < rounds; r++) {
            const picked = Array.from({ length: inFlight }, () => random.pick(streams))
            for (const s of picked) counts.set(s, (counts.get(s) ?? 0) + 1)
            const settled = await Promise.allSettled(
              picked.map((s) => writer.append(s, [pending(`w${w} r${r}`)], 'any')),
            )
            for (const o of settled) if (o.status === 'rejected') failures.push(String(o.reason))
          }
        }),
      )
    } finally {
      for (const l of logs) await l.close()
      for (const p of pools) await p.end()
    }
    expect(failures).toEqual([])
    // Not one call was rolled back and sent again: the lock order leaves no deadlock to recover from.
    expect(resent).toEqual([])
    for (const s of streams) {
      expect(await log.streamVersion(s)).toBe(counts.get(s))
      expect((await verifyEvents(log.readStream(s, { from: 1, to: 10_000, maxCount: 10_000 }))).ok).toBe(true)
    }
  })
})
