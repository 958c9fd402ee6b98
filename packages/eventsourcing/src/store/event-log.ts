import { ConcurrencyError, type ExpectedVersion } from '../errors.js'
import type { Actor } from '../events/envelope.js'

/**
 * An event as a store keeps it: personal fields already encrypted, at the schema version it
 * was written with. This is what the hash chain covers and what export/import moves.
 */
export interface StoredEvent {
  readonly eventId: string
  readonly streamName: string
  readonly streamPosition: number
  readonly globalPosition: bigint
  /** ISO-8601 with milliseconds, UTC. */
  readonly recordedAt: string
  readonly type: string
  readonly schemaVersion: number
  /** The encoded, encrypted data: a JSON value. */
  readonly data: unknown
  readonly correlationId: string | null
  readonly causationId: string | null
  readonly commandId: string | null
  readonly actor: Actor | null
  readonly prevHash: string
  readonly hash: string
}

/** An event ready to be written: everything but what its place in the log decides. */
export type PendingEvent = Omit<
  StoredEvent,
  'streamName' | 'streamPosition' | 'globalPosition' | 'prevHash' | 'hash'
>

/** A stored event before the store numbered it globally. */
export interface ChainedEvent extends Omit<StoredEvent, 'globalPosition'> {
  /** `data` as canonical JSON: what the hash covers, and the text a store writes (serialised once). */
  readonly dataJson: string
}

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

/** A chained event at its global position (built field by field: a spread is slow on this path). */
export const atGlobalPosition = (e: ChainedEvent, globalPosition: bigint): StoredEvent => ({
  eventId: e.eventId,
  streamName: e.streamName,
  streamPosition: e.streamPosition,
  globalPosition,
  recordedAt: e.recordedAt,
  type: e.type,
  schemaVersion: e.schemaVersion,
  data: e.data,
  correlationId: e.correlationId,
  causationId: e.causationId,
  commandId: e.commandId,
  actor: e.actor,
  prevHash: e.prevHash,
  hash: e.hash,
})

/** Every stored event of a log, in global order (audits, export, statistics). */
export const readWholeLog = (log: EventLog, batchSize = 1000): AsyncIterable<StoredEvent> =>
  log.readAll({ from: 0n, to: null, batchSize, categories: null, types: null })
