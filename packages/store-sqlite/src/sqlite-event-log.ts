import {
  type AllFilter,
  type Clock,
  categoryOf,
  chainEvents,
  checkExpectedVersion,
  committedEvent,
  type EventLog,
  type ExpectedVersion,
  isEventSourcingError,
  nextCommitTime,
  type PendingEvent,
  type StoredEvent,
  StoreError,
  type StoreTelemetry,
  storeSpan,
  systemClock,
} from '@dealer-crm/eventsourcing'
import type Database from 'better-sqlite3'
import { type ConnectionOptions, openConnection, type SynchronousLevel } from './connection.js'
import { SqliteCorruptEventError } from './errors.js'
import { createGroupCommit } from './group-commit.js'
import { type EventRow, eventColumns, rowToStoredEvent, verifiedEvent } from './rows.js'
import { checkSchema, migrate } from './schema.js'

export interface SqliteEventLogOptions extends ConnectionOptions {
  /** Rows fetched per query by readStream (readAll uses the caller's batch size). Default 500. */
  readonly readBatchSize?: number
  /** How often subscriptions look for appends made by other processes (ms). Default 250. */
  readonly pollIntervalMs?: number
  /**
   * Recompute every event's hash on read (and, in readStream, check each link to the previous
   * event): a tampered row then fails with CorruptEventError. Costs a SHA-256 over the canonical
   * event per row (about 10-15 µs); default false, `verify()` from the kernel checks a whole log.
   */
  readonly verifyHashes?: boolean
  /**
   * The clock of commit times (default: the system clock). An append's commit time is this clock's
   * time, or the last commit time in the file when that is later (another process's clock may be
   * ahead), read inside the append's write transaction: commit times never decrease.
   */
  readonly clock?: Clock
}

/** The EventLog over one SQLite file; inline projections receive the better-sqlite3 Database. */
export interface SqliteEventLog extends EventLog<Database.Database> {
  readonly database: Database.Database
  /** The file path (or ':memory:'). */
  readonly location: string
  readonly schemaVersion: number
  readonly synchronous: SynchronousLevel
  /**
   * Run work in one IMMEDIATE transaction, serialised with appends: it commits when work returns
   * (or its promise resolves) and rolls back if it throws. For read models and checkpoints
   * written together.
   */
  readonly transaction: <T>(work: (db: Database.Database) => T | Promise<T>) => Promise<T>
  /**
   * Run synchronous work (a query, or an autocommit write) once no transaction of this store is
   * open on the connection, so it neither sees nor joins uncommitted appends.
   */
  readonly run: <T>(work: (db: Database.Database) => T) => Promise<T>
}

const maxPosition = 9_223_372_036_854_775_807n

/** How this store names itself in its spans (OpenTelemetry's database conventions). */
const telemetry: StoreTelemetry = { system: 'sqlite', collection: 'es_events' }

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'

const asStoreError = (what: string, error: unknown): StoreError =>
  new StoreError(`SQLite event store: ${what} failed: ${(error as Error).message}`, { cause: error })

/**
 * Open (creating or migrating) an event log in one SQLite file, in WAL mode with
 * `synchronous = FULL` unless told otherwise. Appends without an inTransaction callback are
 * group-committed: those made in the same turn of the event loop share one transaction, each in
 * its own savepoint (see the package README and ADR 0008).
 */
export const openSqliteEventLog = (options: SqliteEventLogOptions): SqliteEventLog => {
  const { db, location, owned, synchronous, readOnly } = openConnection(options)
  let schemaVersion: number
  try {
    schemaVersion = readOnly ? checkSchema(db, location) : migrate(db, location)
  } catch (error) {
    if (owned) db.close()
    throw error
  }
  const readBatchSize = Math.max(1, options.readBatchSize ?? 500)
  const decode = options.verifyHashes === true ? verifiedEvent : rowToStoredEvent
  const listeners = new Set<() => void>()
  let closed = false
  /** Set by close(): appends made from then on are refused; the queued ones are still committed. */
  let closing = false
  /** Settles when the transaction that is waiting on a promise has committed or rolled back. */
  let openTransaction: Promise<void> | null = null

  const begin = db.prepare('BEGIN IMMEDIATE')
  const commit = db.prepare('COMMIT')
  const rollback = db.prepare('ROLLBACK')
  const streamHead = db
    .prepare(
      'SELECT stream_position, hash FROM es_events WHERE stream_name = ? ORDER BY stream_position DESC LIMIT 1',
    )
    .raw(true)
  const lastCommit = db
    .prepare('SELECT position, committed_at FROM es_events ORDER BY position DESC LIMIT 1')
    .raw(true)
  const insert = db.prepare(
    `INSERT INTO es_events (position, stream_name, stream_position, category, event_id, type, schema_version,
       data, recorded_at, correlation_id, causation_id, command_id, actor, prev_hash, hash, committed_at,
       traceparent)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const clock = options.clock ?? systemClock
  /** The last commit time read and its value in ms: appends in a row read the same one. */
  let lastCommitText = ''
  let lastCommitMs = Number.NEGATIVE_INFINITY
  const streamPage = db
    .prepare(
      `SELECT ${eventColumns} FROM es_events
       WHERE stream_name = ? AND stream_position >= ? AND stream_position <= ?
       ORDER BY stream_position LIMIT ?`,
    )
    .raw(true)
  const allPages = new Map<string, Database.Statement>()
  const allPage = (categories: boolean, types: boolean): Database.Statement => {
    const key = `${categories}:${types}`
    let statement = allPages.get(key)
    if (statement === undefined) {
      statement = db
        .prepare(
          `SELECT ${eventColumns} FROM es_events WHERE position >= ? AND position <= ?
           ${categories ? 'AND category IN (SELECT value FROM json_each(?))' : ''}
           ${types ? 'AND type IN (SELECT value FROM json_each(?))' : ''}
           ORDER BY position LIMIT ?`,
        )
        .raw(true)
      allPages.set(key, statement)
    }
    return statement
  }

  const ensureOpen = () => {
    if (closed) throw new StoreError(`the SQLite event store at ${location} is closed`)
  }

  const ensureAccepting = () => {
    if (closing || closed) throw new StoreError(`the SQLite event store at ${location} is closed`)
  }

  const transaction = async <T>(work: (db: Database.Database) => T | Promise<T>): Promise<T> => {
    // Re-checked after every wake-up: another waiter may have opened a transaction in between.
    while (openTransaction !== null) await openTransaction
    ensureOpen()
    try {
      begin.run()
    } catch (error) {
      throw asStoreError('BEGIN IMMEDIATE', error)
    }
    let release: () => void = () => undefined
    try {
      let result = work(db)
      if (isThenable(result)) {
        openTransaction = new Promise<void>((resolve) => {
          release = resolve
        })
        result = await result
      }
      try {
        commit.run()
      } catch (error) {
        throw asStoreError('COMMIT', error)
      }
      return result
    } catch (error) {
      try {
        if (db.inTransaction) rollback.run()
      } catch {
        // SQLite already rolled back (e.g. after an I/O error); the first error is the one to report.
      }
      throw error
    } finally {
      openTransaction = null
      release()
    }
  }

  const run = async <T>(work: (db: Database.Database) => T): Promise<T> => {
    while (openTransaction !== null) await openTransaction
    ensureOpen()
    return work(db)
  }

  const headOf = (streamName: string): { version: number; hash: string } => {
    const row = streamHead.get(streamName) as EventRow | undefined
    if (row === undefined) return { version: 0, hash: '' }
    const [position, hash] = row
    if (typeof position !== 'number' || !Number.isSafeInteger(position) || typeof hash !== 'string')
      throw new SqliteCorruptEventError(
        streamName,
        null,
        null,
        'the last event of the stream has no valid position or hash',
      )
    return { version: position, hash }
  }

  const write = (
    streamName: string,
    events: ReadonlyArray<PendingEvent>,
    expected: Parameters<EventLog['append']>[2],
  ) => {
    const head = headOf(streamName)
    const conflict = checkExpectedVersion(streamName, expected, head.version)
    if (conflict) throw conflict
    const chained = chainEvents(streamName, head.version, head.hash, events)
    // The last event of the file, inside this write transaction: its position and commit time.
    const [lastPosition, lastCommitted] = (lastCommit.get() as EventRow | undefined) ?? [0, '']
    const last = typeof lastPosition === 'number' ? lastPosition : 0
    if (lastCommitted !== lastCommitText && typeof lastCommitted === 'string') {
      lastCommitText = lastCommitted
      lastCommitMs = lastCommitted === '' ? Number.NEGATIVE_INFINITY : Date.parse(lastCommitted)
    }
    const committedAt = new Date(nextCommitTime(clock, lastCommitMs)).toISOString()
    const category = categoryOf(streamName)
    const stored: StoredEvent[] = []
    for (let i = 0; i < chained.length; i++) {
      const e = chained[i] as (typeof chained)[number]
      const position = last + i + 1
      insert.run(
        position,
        streamName,
        e.streamPosition,
        category,
        e.eventId,
        e.type,
        e.schemaVersion,
        e.dataJson,
        e.recordedAt,
        e.correlationId,
        e.causationId,
        e.commandId,
        e.actor === null ? null : JSON.stringify({ id: e.actor.id, role: e.actor.role }),
        e.prevHash,
        e.hash,
        committedAt,
        e.traceparent,
      )
      stored.push(committedEvent(e, BigInt(position), committedAt))
    }
    return stored
  }

  const notify = () => {
    for (const listener of listeners) {
      try {
        listener()
      } catch {
        // A listener's failure must not turn a committed append into a failed one.
      }
    }
  }

  /** The kernel's typed errors (conflict, corrupt head) as they are; anything else as a StoreError. */
  const appendError = (streamName: string, error: unknown): unknown =>
    isEventSourcingError(error) ? error : asStoreError(`append to ${streamName}`, error)

  const grouped = createGroupCommit({
    db,
    write,
    appendError,
    idle: async () => {
      while (openTransaction !== null) await openTransaction
    },
    committed: notify,
  })

  const appendAlone = async (
    streamName: string,
    events: ReadonlyArray<PendingEvent>,
    expected: ExpectedVersion,
    inTransaction: (stored: ReadonlyArray<StoredEvent>, tx: Database.Database) => void | Promise<void>,
  ): Promise<ReadonlyArray<StoredEvent>> => {
    ensureAccepting()
    const stored = await transaction((tx) => {
      let written: ReadonlyArray<StoredEvent>
      try {
        written = write(streamName, events, expected)
      } catch (error) {
        throw appendError(streamName, error)
      }
      const projected = inTransaction(written, tx)
      return isThenable(projected) ? Promise.resolve(projected).then(() => written) : written
    })
    if (stored.length > 0) notify()
    return stored
  }

  return {
    database: db,
    location,
    schemaVersion,
    synchronous,
    transaction,
    run,
    append: (streamName, events, expected, inTransaction) =>
      storeSpan(
        telemetry,
        'append',
        streamName,
        () => {
          if (inTransaction !== undefined) return appendAlone(streamName, events, expected, inTransaction)
          ensureAccepting()
          return grouped.enqueue(streamName, events, expected)
        },
        (stored) => stored.length,
      ),
    readStream: async function* (streamName, { from, to, maxCount }) {
      let next = Math.max(from, 1)
      let remaining = maxCount
      let previousHash: string | null = next === 1 ? '' : null
      while (remaining > 0 && next <= to) {
        const limit = Math.min(readBatchSize, remaining)
        const rows = await storeSpan(
          telemetry,
          'read_stream',
          streamName,
          () => run(() => streamPage.all(streamName, next, to, limit) as EventRow[]),
          (page) => page.length,
        )
        for (const row of rows) {
          const event = decode(row)
          if (decode !== rowToStoredEvent) {
            if (event.streamPosition !== next || (previousHash !== null && event.prevHash !== previousHash))
              throw new SqliteCorruptEventError(
                streamName,
                event.streamPosition,
                event.globalPosition,
                'the hash chain is broken: the event does not link to the one before it',
              )
            previousHash = event.hash
          }
          next = event.streamPosition + 1
          remaining--
          yield event
        }
        if (rows.length < limit) return
      }
    },
    readAll: async function* ({ from, to, batchSize, categories, types }: AllFilter) {
      const statement = allPage(categories !== null, types !== null)
      const limit = Math.max(1, Math.floor(batchSize))
      const upper = to === null || to > maxPosition ? maxPosition : to
      let next = from < 1n ? 1n : from
      while (next <= upper) {
        const params: unknown[] = [next, upper]
        if (categories !== null) params.push(JSON.stringify(categories))
        if (types !== null) params.push(JSON.stringify(types))
        params.push(limit)
        const rows = await storeSpan(
          telemetry,
          'read_all',
          null,
          () => run(() => statement.all(...params) as EventRow[]),
          (page) => page.length,
        )
        for (const row of rows) {
          const event = decode(row)
          next = event.globalPosition + 1n
          yield event
        }
        if (rows.length < limit) return
      }
    },
    streamVersion: (streamName) => run(() => headOf(streamName).version),
    headPosition: () =>
      run(() => {
        const row = lastCommit.get() as EventRow | undefined
        return row === undefined ? 0n : BigInt(row[0] as number)
      }),
    onAppended: (listener) => {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    pollIntervalMs: options.pollIntervalMs ?? 250,
    contiguousPositions: true,
    close: async () => {
      if (closed) return
      closing = true
      // The appends already queued are committed (or fail) before the connection closes.
      while (openTransaction !== null || grouped.pending() !== null)
        await (grouped.pending() ?? openTransaction)
      closed = true
      listeners.clear()
      if (owned) db.close()
    },
  }
}
