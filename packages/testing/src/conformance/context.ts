import type { Clock, EventRegistry, EventStore } from '@dealer-crm/eventsourcing'
import type { ConformanceEvent } from '../conformance-events.js'

export interface ConformanceSetup {
  readonly store: EventStore<ConformanceEvent>
  /** Release what the factory opened (files, schemas, connections). */
  readonly teardown?: () => Promise<void>
  /** Alter one stored event in place (e.g. an SQL UPDATE of its data), to prove tampering is detected. */
  readonly tamper?: (streamName: string, streamPosition: number) => Promise<void>
  /**
   * Open another writer on the same log, as another process or app server would, with its own
   * clock: the clock stamps its `recordedAt`, and its commit times where the store takes its commit
   * clock from the writer's options. The test closes it. Without it the commit-time tests run with
   * the store alone.
   */
  readonly writer?: (clock: Clock) => Promise<EventStore<ConformanceEvent>>
}

export type ConformanceFactory = (context: {
  readonly registry: EventRegistry<ConformanceEvent>
}) => Promise<ConformanceSetup>

export interface ConformanceOptions {
  /** Concurrent appenders in the race tests (default 8). */
  readonly concurrency?: number
}

/** What each concern of the suite sees: the store of the running test, opened fresh for each. */
export interface ConformanceContext {
  readonly store: EventStore<ConformanceEvent>
  readonly setup: ConformanceSetup
  readonly concurrency: number
  /** How many events the whole store holds. */
  readonly countAll: () => Promise<number>
}
