import {
  type ExpectedVersion,
  type PendingEvent,
  type StoredEvent,
  StoreError,
} from '@dealer-crm/eventsourcing'
import type Database from 'better-sqlite3'

/**
 * Group commit: at most this many events go into one shared transaction (an append of more goes
 * alone). It bounds how long one flush blocks the event loop and holds the write lock (20-45 ms for
 * 1,000 one-event appends on the development VM); past a few hundred events per commit the fsync
 * is shared so widely that larger groups gain nothing.
 */
export const groupCommitMaxEvents = 1000

/** An append without an inTransaction callback, waiting for the next group commit. */
interface QueuedAppend {
  readonly streamName: string
  readonly events: ReadonlyArray<PendingEvent>
  readonly expected: ExpectedVersion
  readonly resolve: (stored: ReadonlyArray<StoredEvent>) => void
  readonly reject: (error: unknown) => void
}

export interface GroupCommitOptions {
  readonly db: Database.Database
  /** Writes one append inside the open transaction (head check, chain, inserts), or throws. */
  readonly write: (
    streamName: string,
    events: ReadonlyArray<PendingEvent>,
    expected: ExpectedVersion,
  ) => ReadonlyArray<StoredEvent>
  /** The error an append that failed alone is rejected with. */
  readonly appendError: (streamName: string, error: unknown) => unknown
  /** Resolves once no async transaction of the store is open (re-checked after every wake-up). */
  readonly idle: () => Promise<void>
  /** Called once after each commit that wrote events. */
  readonly committed: () => void
}

export interface GroupCommit {
  /** Queues an append for the next group commit; settles after its COMMIT (or its failure). */
  readonly enqueue: (
    streamName: string,
    events: ReadonlyArray<PendingEvent>,
    expected: ExpectedVersion,
  ) => Promise<ReadonlyArray<StoredEvent>>
  /** Settles once the queued appends are committed or failed; null while nothing is queued. */
  readonly pending: () => Promise<void> | null
}

/**
 * Group commit (ADR 0008): appends queued in one turn of the event loop are written by one
 * `setImmediate` flush in one `BEGIN IMMEDIATE … COMMIT`, each in its own savepoint.
 */
export const createGroupCommit = ({
  db,
  write,
  appendError,
  idle,
  committed,
}: GroupCommitOptions): GroupCommit => {
  const begin = db.prepare('BEGIN IMMEDIATE')
  const commit = db.prepare('COMMIT')
  const rollback = db.prepare('ROLLBACK')
  const savepoint = db.prepare('SAVEPOINT es_append')
  const releaseSavepoint = db.prepare('RELEASE es_append')
  const rollbackToSavepoint = db.prepare('ROLLBACK TO es_append')

  const rollbackQuietly = () => {
    try {
      if (db.inTransaction) rollback.run()
    } catch {
      // SQLite already rolled back (e.g. after an I/O error); the first error is the one to report.
    }
  }

  /**
   * Every append of the group that is not settled yet fails with the group's error, naming its
   * stream (those that already failed alone keep their own error).
   */
  const failGroup = (group: ReadonlyArray<QueuedAppend>, what: string, error: unknown) => {
    const reason = (error as Error).message
    for (const append of group)
      append.reject(
        new StoreError(
          `SQLite event store: append to ${append.streamName} failed: ${what} of its group of ${group.length} appends failed, nothing of the group was written: ${reason}`,
          { cause: error },
        ),
      )
  }

  /** Appends waiting for the next group commit, oldest first. */
  let queue: QueuedAppend[] = []
  /** Settles once the scheduled group commit has run; null while nothing is queued. */
  let flushing: Promise<void> | null = null

  /** The oldest queued appends, up to groupCommitMaxEvents events (at least one append). */
  const takeGroup = (): QueuedAppend[] => {
    let events = 0
    let count = 0
    for (const append of queue) {
      const size = Math.max(1, append.events.length)
      if (count > 0 && events + size > groupCommitMaxEvents) break
      events += size
      count++
    }
    const group = queue.slice(0, count)
    queue = queue.slice(count)
    return group
  }

  /**
   * One `BEGIN IMMEDIATE … COMMIT` for the whole group, each append in its own savepoint: an append
   * that fails is rolled back to its savepoint and rejected alone. Synchronous from BEGIN to the
   * last resolve, so nothing else runs on the connection in between.
   */
  const commitGroup = (group: ReadonlyArray<QueuedAppend>) => {
    try {
      begin.run()
    } catch (error) {
      failGroup(group, 'BEGIN IMMEDIATE', error)
      return
    }
    const written: Array<readonly [QueuedAppend, ReadonlyArray<StoredEvent>]> = []
    // A group of one (a lone writer) needs no savepoint: its failure rolls the transaction back.
    const isolate = group.length > 1
    try {
      for (const append of group) {
        if (isolate) savepoint.run()
        let stored: ReadonlyArray<StoredEvent>
        try {
          stored = write(append.streamName, append.events, append.expected)
        } catch (error) {
          append.reject(appendError(append.streamName, error))
          // Some errors (I/O, full disk) make SQLite roll the whole transaction back.
          if (!db.inTransaction) throw error
          if (isolate) {
            rollbackToSavepoint.run()
            releaseSavepoint.run()
          }
          continue
        }
        if (isolate) releaseSavepoint.run()
        written.push([append, stored])
      }
    } catch (error) {
      // SQLite rolled the transaction back (or a savepoint statement failed): nothing of it stays.
      rollbackQuietly()
      failGroup(group, 'the transaction', error)
      return
    }
    if (written.length === 0) {
      rollbackQuietly()
      return
    }
    try {
      commit.run()
    } catch (error) {
      rollbackQuietly()
      failGroup(group, 'COMMIT', error)
      return
    }
    let any = false
    for (const [append, stored] of written) {
      append.resolve(stored)
      if (stored.length > 0) any = true
    }
    if (any) committed()
  }

  const flush = async () => {
    await idle()
    const group = takeGroup()
    try {
      commitGroup(group)
    } catch (error) {
      // Not expected (commitGroup handles SQLite's errors); still, no queued append may hang.
      rollbackQuietly()
      failGroup(group, 'the group commit', error)
    } finally {
      flushing = null
      if (queue.length > 0) scheduleFlush()
    }
  }

  const scheduleFlush = () => {
    flushing = new Promise<void>((resolve) => setImmediate(resolve)).then(flush)
  }

  return {
    enqueue: (streamName, events, expected) =>
      new Promise<ReadonlyArray<StoredEvent>>((resolve, reject) => {
        queue.push({ streamName, events, expected, resolve, reject })
        if (flushing === null) scheduleFlush()
      }),
    pending: () => flushing,
  }
}
