import { ConcurrencyError, type ExpectedVersion } from '../errors.js'
import type { Clock } from '../ports.js'
import type { ChainedEvent, PendingEvent, StoredEvent } from './stored-event.js'

/** The envelope's types live with its declaration (stored-event.ts); re-exported for the log's users. */
export type { ChainedEvent, PendingEvent, StoredEvent } from './stored-event.js'

export interface StreamRange {
  /** First position, inclusive (1-based). */
  readonly from: number
  /** Last position, inclusive. */
  readonly to: number
  readonly maxCount: number
}

export interface AllFilter {
  /** First global position, inclusive. */
  readonly from: bigint
  /** Last global position, inclusive; null for no bound. */
  readonly to: bigint | null
  readonly batchSize: number
  readonly categories: ReadonlyArray<string> | null
  readonly types: ReadonlyArray<string> | null
}

/**
 * What a storage engine implements: ordered, atomic appends of already-encoded events with
 * the expected-version check and the hash chain, and ordered reads. The kernel's
 * `createEventStore` turns any EventLog into the typed `EventStore` port (codecs, upcasting,
 * personal data, subscriptions), so every store shares the same semantics.
 *
 * `inTransaction` runs after the events are written and before they commit: inline
 * projections use it; if it throws, nothing is written.
 *
 * Each append gets a commit time (`committedAt`) from the store, in the step that gives it its
 * global positions: never below the commit time of the events before it in global order, whatever
 * the writers' clocks (docs/architecture.md, "As of a time").
 */
export interface EventLog<Tx = unknown> {
  readonly append: (
    streamName: string,
    events: ReadonlyArray<PendingEvent>,
    expected: ExpectedVersion,
    inTransaction?: (stored: ReadonlyArray<StoredEvent>, tx: Tx) => void | Promise<void>,
  ) => Promise<ReadonlyArray<StoredEvent>>
  readonly readStream: (streamName: string, range: StreamRange) => AsyncIterable<StoredEvent>
  readonly readAll: (filter: AllFilter) => AsyncIterable<StoredEvent>
  readonly streamVersion: (streamName: string) => Promise<number>
  /**
   * The global position of the last committed event (0 when empty), where the engine can say that
   * every event at or below it is already visible to `readAll` (memory, SQLite: one writer, positions
   * in commit order). A filtered catch-up then moves its checkpoint past the events it skipped, so
   * the next catch-up does not scan them again. Left out where commits can become visible out of
   * position order (PostgreSQL, EventStoreDB).
   */
  readonly headPosition?: () => Promise<bigint>
  /** Called after every commit this process makes (and, where the engine can, other processes'). */
  readonly onAppended: (listener: () => void) => () => void
  /** How often subscriptions poll when the engine cannot notify them (ms). */
  readonly pollIntervalMs?: number
  /**
   * True when the log numbers its events 1, 2, 3, … without gaps, a failed append included
   * (memory, SQLite): `verify` then reports a missing position. Logs whose positions only increase
   * (PostgreSQL, where a rolled-back append leaves a gap; EventStoreDB commit positions) leave it out.
   */
  readonly contiguousPositions?: boolean
  readonly close: () => Promise<void>
}

/** The exact expected-version rule every store enforces; null when the append may proceed. */
export const checkExpectedVersion = (
  streamName: string,
  expected: ExpectedVersion,
  actual: number,
): ConcurrencyError | null => {
  const ok =
    expected === 'any' ||
    (expected === 'no_stream' && actual === 0) ||
    (expected === 'stream_exists' && actual > 0) ||
    expected === actual
  return ok ? null : new ConcurrencyError(streamName, expected, actual)
}

export const isExpectedVersion = (v: unknown): v is ExpectedVersion =>
  v === 'any' ||
  v === 'no_stream' ||
  v === 'stream_exists' ||
  (typeof v === 'number' && Number.isInteger(v) && v >= 0)

/**
 * A chained event as committed: at its global position, with the store's commit time (built field
 * by field: a spread is slow on this path).
 */
export const committedEvent = (
  e: ChainedEvent,
  globalPosition: bigint,
  committedAt: string,
): StoredEvent => ({
  eventId: e.eventId,
  streamName: e.streamName,
  streamPosition: e.streamPosition,
  globalPosition,
  committedAt,
  recordedAt: e.recordedAt,
  type: e.type,
  schemaVersion: e.schemaVersion,
  data: e.data,
  correlationId: e.correlationId,
  causationId: e.causationId,
  commandId: e.commandId,
  actor: e.actor,
  traceparent: e.traceparent,
  prevHash: e.prevHash,
  hash: e.hash,
})

/**
 * The commit time a store gives an append (ms since the epoch): its clock's time, or the commit time
 * before it when the clock is behind that, so commit times never decrease in global order.
 */
export const nextCommitTime = (clock: Clock, previous: number): number =>
  Math.max(clock.now().getTime(), previous)

/** Every stored event of a log, in global order (audits, export, statistics). */
export const readWholeLog = (log: EventLog, batchSize = 1000): AsyncIterable<StoredEvent> =>
  log.readAll({ from: 0n, to: null, batchSize, categories: null, types: null })
