import {
  type CatchUpResult,
  catchUpInTransactions,
  type Event,
  type FollowOptions,
  onEveryAppend,
  type TransactionalCatchUpOptions,
  type TransactionalProjection,
} from '@dealer-crm/eventsourcing'
import type pg from 'pg'
import { postgresCheckpointStore } from './checkpoint-store.js'
import { parkDeadLetter } from './dead-letters.js'
import { PostgresCorruptEventError } from './errors.js'
import { withTransaction } from './pool.js'
import type { PostgresEventStore } from './postgres-event-store.js'

/** A catch-up projection that writes SQL tables in the same database as the events. */
export type SqlProjection<E extends Event = Event> = TransactionalProjection<E, pg.PoolClient>

export type { CatchUpResult } from '@dealer-crm/eventsourcing'

/** Events per transaction (`batchSize`, default 500); `deadLetters` parks unreadable events and goes on, telling `logger`. */
export type SqlProjectionOptions = TransactionalCatchUpOptions

/**
 * Bring a SQL projection up to the end of the log: from its checkpoint, in batches, each batch's
 * rows and the checkpoint committed in one transaction, so a crash never applies an event twice
 * or skips one. An event that cannot be read stops the run with its error, or is parked.
 */
export const catchUpSqlProjection = async <E extends Event>(
  store: PostgresEventStore<E>,
  projection: SqlProjection<E>,
  options: SqlProjectionOptions = {},
): Promise<CatchUpResult> => {
  const { pool, schema, tenant } = store
  const setup = projection.setup
  if (setup !== undefined) await withTransaction(pool, async (client) => setup(client))
  return catchUpInTransactions(
    store,
    projection,
    {
      transaction: (work) => withTransaction(pool, async (client) => work(client)),
      loadCheckpoint: async (name) => (await store.checkpoints.load(name))?.position ?? null,
      saveCheckpoint: (client, name, position) =>
        postgresCheckpointStore(client, schema, tenant).save(name, { position, state: null }),
      park: (client, letter) => parkDeadLetter(client, schema, letter, tenant),
      locate: async (failure, from) =>
        failure instanceof PostgresCorruptEventError ? failure.globalPosition : firstAt(store, from),
    },
    options,
  )
}

/** The first stored event at or after `from` (the one that failed to decode). */
const firstAt = async <E extends Event>(
  store: PostgresEventStore<E>,
  from: bigint,
): Promise<bigint | null> => {
  for await (const stored of store.log.readAll({
    from,
    to: null,
    batchSize: 1,
    categories: null,
    types: null,
  }))
    return stored.globalPosition
  return null
}

/** A SQL projection kept up to date: it catches up, then again after every append and poll. */
export interface SqlProjectionRunner {
  readonly close: () => Promise<void>
  /** Settles when the runner ends: resolves on close, rejects with the error that stopped it. */
  readonly done: Promise<void>
  readonly position: () => bigint
}

/**
 * Catch up now, then after every append and poll. A transient failure (a lost connection, a
 * deadlock in `apply`) rolls back the batch in flight with its checkpoint, and the runner tries
 * again from the checkpoint after a backoff (`retry`, `logger`: `FollowOptions`); any other
 * failure stops it.
 */
export const runSqlProjection = <E extends Event>(
  store: PostgresEventStore<E>,
  projection: SqlProjection<E>,
  options: SqlProjectionOptions & Omit<FollowOptions, 'name'> = {},
): SqlProjectionRunner => {
  let position = 0n
  const repeater = onEveryAppend(
    store.postgresLog,
    async () => {
      position = (await catchUpSqlProjection(store, projection, options)).position
    },
    { ...options, name: projection.name },
  )
  return { ...repeater, position: () => position }
}
