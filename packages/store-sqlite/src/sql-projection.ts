import {
  type CatchUpResult,
  catchUpInTransactions,
  type Event,
  onEveryAppend,
  type TransactionalCatchUpOptions,
  type TransactionalProjection,
} from '@dealer-crm/eventsourcing'
import type Database from 'better-sqlite3'
import { sqliteCheckpointStore } from './checkpoint-store.js'
import { parkDeadLetter } from './dead-letters.js'
import { SqliteCorruptEventError } from './errors.js'
import type { SqliteEventStore } from './sqlite-event-store.js'
import { prepared } from './statements.js'

/** A catch-up projection that writes SQL tables in the same file as the events. */
export type SqlProjection<E extends Event = Event> = TransactionalProjection<E, Database.Database>

export type { CatchUpResult } from '@dealer-crm/eventsourcing'

/** Events per transaction (`batchSize`, default 500); `deadLetters` parks unreadable events and goes on, telling `logger`. */
export type SqlProjectionOptions = TransactionalCatchUpOptions

/** The first stored event at or after `from` of one of these types, without reading its data. */
const nextRow = (db: Database.Database, from: bigint, types: ReadonlyArray<string>) =>
  prepared(
    db,
    `SELECT position, stream_name, stream_position FROM es_events
     WHERE position >= ? AND type IN (SELECT value FROM json_each(?)) ORDER BY position LIMIT 1`,
  ).get(from, JSON.stringify(types)) as
    | { position: number; stream_name: unknown; stream_position: unknown }
    | undefined

/**
 * Bring a SQL projection up to the end of the log: from its checkpoint, in batches, each batch's
 * rows and the checkpoint committed in one transaction, so a crash never applies an event twice
 * or skips one. An event that cannot be read stops the run with its error, or is parked.
 */
export const catchUpSqlProjection = async <E extends Event>(
  store: SqliteEventStore<E>,
  projection: SqlProjection<E>,
  options: SqlProjectionOptions = {},
): Promise<CatchUpResult> => {
  const log = store.sqliteLog
  const types = projection.handles as ReadonlyArray<string>
  if (projection.setup !== undefined) await log.transaction(projection.setup)
  return catchUpInTransactions(
    store,
    projection,
    {
      transaction: log.transaction,
      loadCheckpoint: async (name) => (await store.checkpoints.load(name))?.position ?? null,
      saveCheckpoint: (tx, name, position) => sqliteCheckpointStore(tx).save(name, { position, state: null }),
      park: parkDeadLetter,
      locate: async (failure, from) =>
        failure instanceof SqliteCorruptEventError && failure.globalPosition !== null
          ? failure.globalPosition
          : log.run((db) => {
              const row = nextRow(db, from, types)
              return row === undefined ? null : BigInt(row.position)
            }),
    },
    options,
  )
}

/** A SQL projection kept up to date: it catches up, then again after every append and poll. */
export interface SqlProjectionRunner {
  readonly close: () => Promise<void>
  /** Settles when the runner ends: resolves on close, rejects with the error that stopped it. */
  readonly done: Promise<void>
  readonly position: () => bigint
}

export const runSqlProjection = <E extends Event>(
  store: SqliteEventStore<E>,
  projection: SqlProjection<E>,
  options: SqlProjectionOptions = {},
): SqlProjectionRunner => {
  let position = 0n
  const repeater = onEveryAppend(store.sqliteLog, async () => {
    position = (await catchUpSqlProjection(store, projection, options)).position
  })
  return { ...repeater, position: () => position }
}
