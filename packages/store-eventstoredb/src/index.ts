export { DEFAULT_MAX_APPEND_SIZE } from './append-size.js'
export { AppendTooLargeError, isTransient, storeErrorOf } from './errors.js'
export {
  createEventStoreDbEventLog,
  type EventStoreDbLogOptions,
  type NoTransaction,
} from './eventstoredb-event-log.js'
export { createEventStoreDbEventStore, type EventStoreDbStoreOptions } from './eventstoredb-event-store.js'
export { isSystemEvent, type StoredMetadata, storedEventOf } from './metadata.js'
