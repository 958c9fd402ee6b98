import { type Event, onEveryAppend, type RecordedEvent } from '@dealer-crm/eventsourcing'
import type pg from 'pg'
import { postgresCheckpointStore } from './checkpoint-store.js'
import { parkDeadLetter } from './dead-letters.js'
import { PostgresCorruptEventError } from './errors.js'
import { withTransaction } from './pool.js'
import type { PostgresEventStore } from './postgres-event-store.js'

/** A catch-up projection that writes SQL tables in the same database as the events. */
export interface SqlProjection<E extends Event = Event> {
  /** Also the checkpoint's name. */
  readonly name: string
  readonly handles: ReadonlyArray<E['type']>
  /** Create the read model's tables if missing; runs in a transaction before the first batch. */
  readonly setup?: (client: pg.PoolClient) => Promise<void>
  /** Write the rows for a batch of events; runs in the transaction that also saves the checkpoint. */
  readonly apply: (events: ReadonlyArray<RecordedEvent<E>>, client: pg.PoolClient) => Promise<void>
}

export interface SqlProjectionOptions {
  /** Events per transaction (default 500). */
  readonly batchSize?: number
  /**
   * Park events that cannot be read (corrupt row, unknown type, codec failure) in `dead_letters`
   * and go on. Default false: the runner stops with the error.
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
  const { pool, schema } = store
  const batchSize = Math.max(1, options.batchSize ?? 500)
  const setup = projection.setup
  if (setup !== undefined) await withTransaction(pool, setup)
  let position = (await store.checkpoints.load(projection.name))?.position ?? 1n
  let applied = 0
  let parked = 0

  const flush = async (batch: RecordedEvent<E>[]) => {
    const last = batch[batch.length - 1]
    if (last === undefined) return
    const next = last.metadata.globalPosition + 1n
    await withTransaction(pool, async (client) => {
      await projection.apply(batch, client)
      await postgresCheckpointStore(client, schema).save(projection.name, { position: next, state: null })
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
      failure instanceof PostgresCorruptEventError ? failure.globalPosition : await firstAt(store, position)
    if (at === null) throw failure
    const { streamName, streamPosition } = failure as { streamName?: unknown; streamPosition?: unknown }
    await withTransaction(pool, async (client) => {
      await parkDeadLetter(client, schema, {
        runner: projection.name,
        globalPosition: at,
        streamName: typeof streamName === 'string' ? streamName : null,
        streamPosition: typeof streamPosition === 'number' ? streamPosition : null,
        errorCode: code,
        message: (failure as Error).message,
      })
      await postgresCheckpointStore(client, schema).save(projection.name, { position: at + 1n, state: null })
    })
    parked++
    position = at + 1n
  }
}

/** The first stored event at or after `from` of the projection's types (the one that failed to decode). */
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

export const runSqlProjection = <E extends Event>(
  store: PostgresEventStore<E>,
  projection: SqlProjection<E>,
  options: SqlProjectionOptions = {},
): SqlProjectionRunner => {
  let position = 0n
  const repeater = onEveryAppend(store.postgresLog, async () => {
    position = (await catchUpSqlProjection(store, projection, options)).position
  })
  return { ...repeater, position: () => position }
}
