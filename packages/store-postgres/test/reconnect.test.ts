import {
  createCatchUpRunner,
  type LogFields,
  type Logger,
  type Projection,
  type RecordedEvent,
  type Subscription,
} from '@dealer-crm/eventsourcing'
import { type ConformanceEvent, conformanceRegistry, NoteAdded } from '@dealer-crm/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPostgresEventStore, type PostgresEventStore, runSqlProjection } from '../src/index.js'
import { dropSchema, freshSchema, serverAvailable, testPool } from './database.js'
import { sleep } from './pending.js'

const available = await serverAvailable()

const note = (text: string) => NoteAdded.make({ text, tags: [] })

/** Watch followers' `done`: `until` then fails at once with the error of one that stopped. */
const watch = (running: ReadonlyArray<Promise<void>>) => {
  let failed: { error: unknown } | null = null
  for (const done of running)
    done.then(
      () => (failed ??= { error: new Error('a follower ended') }),
      (error: unknown) => (failed ??= { error }),
    )
  return async (condition: () => boolean | Promise<boolean>) => {
    for (;;) {
      if (failed !== null) throw failed.error
      if (await condition()) return
      await sleep(10)
    }
  }
}

/** A logger that keeps what it is told. */
const recording = () => {
  const entries: Array<{ level: string; message: string; fields: LogFields }> = []
  const logger: Logger = {
    warn: (message, fields) => entries.push({ level: 'warn', message, fields }),
    error: (message, fields) => entries.push({ level: 'error', message, fields }),
  }
  return { logger, entries }
}

const notesPerStream: Projection<Record<string, number>, ConformanceEvent> = {
  name: 'notes-per-stream',
  version: 1,
  handles: ['NoteAdded'],
  init: () => ({}),
  apply: (state, e) => {
    state[e.metadata.streamName] = (state[e.metadata.streamName] ?? 0) + 1
    return state
  },
}

describe.skipIf(!available)('PostgreSQL followers survive terminated backends', () => {
  const schema = freshSchema('reconnect')
  const admin = testPool(4)
  // Every connection of the followers' store carries this name, so the test terminates only those.
  const followerName = `dcrm_follower_${process.pid}_${Date.now().toString(36)}`
  const followerPool = testPool(6, followerName)
  let writer: PostgresEventStore<ConformanceEvent>
  let follower: PostgresEventStore<ConformanceEvent>
  const { logger, entries } = recording()

  beforeAll(async () => {
    writer = await createPostgresEventStore({ pool: admin, schema, registry: conformanceRegistry })
    follower = await createPostgresEventStore({
      pool: followerPool,
      schema,
      registry: conformanceRegistry,
      pollIntervalMs: 50,
      logger,
    })
  })
  afterAll(async () => {
    await follower.close()
    await writer.close()
    await followerPool.end()
    await dropSchema(admin, schema)
    await admin.end()
  })

  /**
   * Hold the event table locked, wake the followers so that their next read waits for the lock,
   * terminate every backend of theirs (the reads in flight and the LISTEN connection), then let go.
   */
  const terminateWhileReading = async (readers: number): Promise<number> => {
    const locker = await admin.connect()
    try {
      await locker.query('BEGIN')
      await locker.query(`LOCK TABLE ${schema}.event_batches IN ACCESS EXCLUSIVE MODE`)
      await admin.query(`NOTIFY es_${schema}`)
      for (;;) {
        const waiting = await admin.query(
          `SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`,
          [followerName],
        )
        if ((waiting.rowCount ?? 0) >= readers) break
        await sleep(5)
      }
      const killed = await admin.query<{ n: number }>(
        `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS n
         FROM pg_stat_activity WHERE application_name = $1`,
        [followerName],
      )
      return killed.rows[0]!.n
    } finally {
      await locker.query('ROLLBACK')
      locker.release()
    }
  }

  it('a subscription, a catch-up runner and a SQL projection resume from their positions: every event once, in order', async () => {
    await admin.query(`CREATE TABLE ${schema}.note_rows (position bigint PRIMARY KEY)`)
    const delivered: RecordedEvent<ConformanceEvent>[] = []
    const subscription: Subscription = follower.subscribe(
      (e) => {
        delivered.push(e)
      },
      { batchSize: 2, logger, name: 'subscription' },
    )
    const runner = createCatchUpRunner({
      store: follower,
      projection: notesPerStream,
      checkpoints: follower.checkpoints,
      checkpointEvery: 3,
      batchSize: 2,
      logger,
    })
    const live = await runner.start()
    const sql = runSqlProjection(
      follower,
      {
        name: 'note-rows',
        handles: ['NoteAdded'],
        apply: async (events, client) => {
          for (const e of events)
            await client.query(`INSERT INTO ${schema}.note_rows (position) VALUES ($1)`, [
              e.metadata.globalPosition.toString(),
            ])
        },
      },
      { batchSize: 2, logger },
    )
    const until = watch([subscription.done, live.done, sql.done])
    const written: bigint[] = []
    const rounds = 5
    const sqlRows = async () =>
      (await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.note_rows`)).rows[0]!.n
    const caughtUp = async () =>
      delivered.length === written.length &&
      runner.position() > written.at(-1)! &&
      (await sqlRows()) === written.length
    let terminated = 0
    for (let round = 0; round <= rounds; round++) {
      for (let i = 0; i < 7; i++) {
        const stream = `followed-${i % 3}`
        const events =
          i % 2 === 0 ? [note(`${round}.${i}`)] : [note(`${round}.${i}a`), note(`${round}.${i}b`)]
        written.push(...(await writer.appendToStream(stream, events)).globalPositions)
      }
      if (round < rounds) terminated += await terminateWhileReading(3)
      await until(caughtUp)
    }
    // Each termination ended at least the three blocked reads.
    expect(terminated).toBeGreaterThanOrEqual(3 * rounds)
    expect(delivered.map((e) => e.metadata.globalPosition)).toEqual(written)
    const perStream: Record<string, number> = {}
    for (const e of delivered) perStream[e.metadata.streamName] = (perStream[e.metadata.streamName] ?? 0) + 1
    expect(runner.state()).toEqual(perStream)
    const rows = await admin.query<{ position: string }>(
      `SELECT position FROM ${schema}.note_rows ORDER BY position`,
    )
    expect(rows.rows.map((r) => BigInt(r.position))).toEqual(written)
    // Each follower reported each retry; none stopped.
    for (const follower of ['subscription', 'notes-per-stream@v1', 'note-rows']) {
      const retries = entries.filter((e) => e.fields.follower === follower)
      expect(retries.length).toBeGreaterThanOrEqual(rounds)
      expect(
        retries.every((e) => e.level === 'warn' && (e.fields.error as { transient?: boolean }).transient),
      ).toBe(true)
    }
    expect(entries.filter((e) => e.level === 'error')).toEqual([])
    await Promise.all([subscription.close(), live.close(), sql.close()])
    expect((await follower.checkpoints.load('notes-per-stream@v1'))?.position).toBe(written.at(-1)! + 1n)
  })

  it('a terminated LISTEN connection is reopened, and an append made meanwhile is not missed', async () => {
    // Polling an hour apart: only a notification, or the read after LISTEN is reopened, delivers.
    const { logger: listenLogger, entries: listenEntries } = recording()
    const listening = await createPostgresEventStore({
      pool: followerPool,
      schema,
      registry: conformanceRegistry,
      pollIntervalMs: 3_600_000,
      reconnect: { maxAttempts: Number.POSITIVE_INFINITY, baseDelayMs: 200, maxDelayMs: 200 },
      logger: listenLogger,
    })
    const from = BigInt(
      (await writer.appendToStream('listened-0', [note('before')])).globalPositions[0]! + 1n,
    )
    const seen: bigint[] = []
    const sub = listening.subscribe(
      (e) => {
        seen.push(e.metadata.globalPosition)
      },
      { from },
    )
    const until = watch([sub.done])
    const listener = async () =>
      (
        await admin.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND query = $2`,
          [followerName, `LISTEN es_${schema}`],
        )
      ).rows.map((r) => r.pid)
    const written: bigint[] = []
    for (let round = 0; round < 3; round++) {
      let pids: number[] = []
      await until(async () => {
        pids = await listener()
        return pids.length === 1
      })
      written.push(...(await writer.appendToStream('listened-1', [note(`${round} live`)])).globalPositions)
      await until(() => seen.length === written.length)
      await admin.query('SELECT pg_terminate_backend($1)', [pids[0]])
      // Appended while nobody listens: the notification is lost; the read after reopening finds it.
      written.push(...(await writer.appendToStream('listened-1', [note(`${round} missed`)])).globalPositions)
      await until(() => seen.length === written.length)
    }
    expect(seen).toEqual(written)
    expect(listenEntries.filter((e) => e.message.includes('reopened')).length).toBe(3)
    await sub.close()
    await listening.close()
  })
})
