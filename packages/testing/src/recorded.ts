import type { Actor, Event, RecordedEvent } from '@dealer-crm/eventsourcing'

export interface RecordedOptions {
  /** Stream of every event, or a function choosing one per event (default `test-1`). */
  readonly streamName?: string | ((event: Event, index: number) => string)
  /** Global position of the first event (default 1). */
  readonly fromPosition?: bigint
  /** Recorded time of every event, or per event (default 2026-01-01, one second apart). */
  readonly recordedAt?: Date | ((event: Event, index: number) => Date)
  /**
   * Commit time of every event, or per event (give them in non-decreasing order, as a store does).
   * Default: the greatest recorded time so far, what a store whose clock is the writer's gives.
   */
  readonly committedAt?: Date | ((event: Event, index: number) => Date)
  readonly actor?: Actor | null
}

/**
 * Plain domain events as recorded events, for testing projections without a store: stream
 * positions count per stream, global positions count up, hashes are placeholders.
 */
export const recorded = <E extends Event>(
  events: ReadonlyArray<E>,
  options: RecordedOptions = {},
): ReadonlyArray<RecordedEvent<E>> => {
  const perStream = new Map<string, number>()
  const start = options.fromPosition ?? 1n
  let latest = Number.NEGATIVE_INFINITY
  return events.map((event, index) => {
    const streamName =
      typeof options.streamName === 'function'
        ? options.streamName(event, index)
        : (options.streamName ?? 'test-1')
    const streamPosition = (perStream.get(streamName) ?? 0) + 1
    perStream.set(streamName, streamPosition)
    const recordedAt =
      typeof options.recordedAt === 'function'
        ? options.recordedAt(event, index)
        : new Date((options.recordedAt ?? new Date('2026-01-01T00:00:00Z')).getTime() + index * 1000)
    latest = Math.max(latest, recordedAt.getTime())
    const committedAt =
      typeof options.committedAt === 'function'
        ? options.committedAt(event, index)
        : (options.committedAt ?? new Date(latest))
    return {
      ...event,
      metadata: {
        eventId: `00000000-0000-7000-8000-${String(index + 1).padStart(12, '0')}`,
        streamName,
        streamPosition,
        globalPosition: start + BigInt(index),
        committedAt,
        recordedAt,
        schemaVersion: 1,
        correlationId: null,
        causationId: null,
        commandId: null,
        actor: options.actor ?? null,
        prevHash: '',
        hash: '',
      },
    }
  })
}
