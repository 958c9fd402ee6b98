import {
  createEventStore,
  type Event,
  type EventStore,
  type EventStoreOptions,
  StoreError,
} from '@dealer-crm/eventsourcing'
import {
  createEventStoreDbEventLog,
  type EventStoreDbLogOptions,
  type NoTransaction,
} from './eventstoredb-event-log.js'

export interface EventStoreDbStoreOptions<E extends Event>
  extends EventStoreDbLogOptions,
    EventStoreOptions<E, NoTransaction> {}

/**
 * The typed EventStore on EventStoreDB / KurrentDB. Inline projections are refused: the
 * server has no transaction they could share with the append; use catch-up projections.
 */
export const createEventStoreDbEventStore = <E extends Event>(
  options: EventStoreDbStoreOptions<E>,
): EventStore<E> => {
  if (options.inline !== undefined && options.inline.length > 0)
    throw new StoreError(
      'inline projections are not supported on EventStoreDB (no shared transaction): run them as catch-up projections',
    )
  return createEventStore(createEventStoreDbEventLog(options), options)
}
