import { type Event, onEveryAppend, type RecordedEvent } from '@dealer-crm/eventsourcing'
import type Database from 'better-sqlite3'
import { sqliteCheckpointStore } from './checkpoint-store.js'
import { parkDeadLetter } from './dead-letters.js'
import { SqliteCorruptEventError } from './errors.js'
import type { SqliteEventStore } from './sqlite-event-store.js'
import { prepared } from './statements.js'

/** A catch-up projection that writes SQL tables in the same file as the events. */
export interface SqlProjection<E extends Event = Event> {
  /** Also the checkpoint's name. */
  readonly name: string
  readonly handles: ReadonlyArray<E['type']>
  /** Create the read model's tables if missing; runs in a transaction before the first batch. */
  readonly setup?: (db: Database.Database) => void
  /** Write the rows for a batch of events; runs in the transaction that also saves the checkpoint. */
  readonly apply: (events: ReadonlyArray<RecordedEvent<E>>, db: Database.Database) => void | Promise<void>
}

export interface SqlProjectionOptions {
  /** Events per transaction (default 500). */
  readonly batchSize?: number
  /**
   * Park events that cannot be read (corrupt row, unknown type, codec failure) in
   * `es_dead_letters` and go on. Default false: the runner stops with the error.
   */
  readonly deadLetters?: boolean
}

export interface CatchUpResult {
  /** The next global position the projection will read. */
  readonly position: bigint
  readonly applied: number
  readonly parked: number
}

const readErrorCodes = new Set(['CorruptEvent', 'UnknownEventType', 'EventDecodeError'])

const errorCode = (error: unknown): string | null => {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : null
}

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
  const batchSize = Math.max(1, options.batchSize ?? 500)
  const types = projection.handles as ReadonlyArray<string>
  if (projection.setup !== undefined) await log.transaction(projection.setup)
  let position = (await store.checkpoints.load(projection.name))?.position ?? 1n
  let applied = 0
  let parked = 0

  const flush = async (batch: RecordedEvent<E>[]) => {
    const last = batch[batch.length - 1]
    if (last === undefined) return
    const next = last.metadata.globalPosition + 1n
    await log.transaction(async (tx) => {
      await projection.apply(batch, tx)
      await sqliteCheckpointStore(tx).save(projection.name, { position: next, state: null })
    })
    applied += batch.length
    position = next
  }

  for (;;) {
    const events = store
      .readAll({ from: position, types: projection.handles, batchSize })
      [Symbol.asyncIterator]()
    let batch: RecordedEvent<E>[] = []
    let failure: unknown = null
    for (;;) {
      let next: IteratorResult<RecordedEvent<E>>
      try {
        next = await events.next()
      } catch (error) {
        failure = error
        break
      }
      if (next.done) break
      batch.push(next.value)
      if (batch.length >= batchSize) {
        await flush(batch)
        batch = []
      }
    }
    await flush(batch)
    if (failure === null) return { position, applied, parked }
    const code = errorCode(failure)
    if (options.deadLetters !== true || code === null || !readErrorCodes.has(code)) throw failure
    const at =
      failure instanceof SqliteCorruptEventError && failure.globalPosition !== null
        ? failure.globalPosition
        : await log.run((db) => {
            const row = nextRow(db, position, types)
            return row === undefined ? null : BigInt(row.position)
          })
    if (at === null) throw failure
    const { streamName, streamPosition } = failure as { streamName?: unknown; streamPosition?: unknown }
    await log.transaction((tx) => {
      parkDeadLetter(tx, {
        runner: projection.name,
        globalPosition: at,
        streamName: typeof streamName === 'string' ? streamName : null,
        streamPosition: typeof streamPosition === 'number' ? streamPosition : null,
        errorCode: code,
        message: (failure as Error).message,
      })
      return sqliteCheckpointStore(tx).save(projection.name, { position: at + 1n, state: null })
    })
    parked++
    position = at + 1n
  }
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
