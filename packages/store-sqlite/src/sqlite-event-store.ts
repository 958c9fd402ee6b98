import {
  type CheckpointStore,
  createEventStore,
  type Event,
  type EventStore,
  type EventStoreOptions,
  type KeyVault,
} from '@dealer-crm/eventsourcing'
import type Database from 'better-sqlite3'
import { sqliteCheckpointStore } from './checkpoint-store.js'
import { sqliteKeyVault } from './key-vault.js'
import { openSqliteEventLog, type SqliteEventLog, type SqliteEventLogOptions } from './sqlite-event-log.js'

export interface SqliteEventStoreOptions<E extends Event>
  extends SqliteEventLogOptions,
    Omit<EventStoreOptions<E, Database.Database>, 'keyVault'> {
  /** Defaults to the durable vault in the same file (`es_subject_keys`). */
  readonly keyVault?: KeyVault
}

/** The EventStore over SQLite, with what SQL read models and runners need beside it. */
export interface SqliteEventStore<E extends Event = Event> extends EventStore<E> {
  readonly sqliteLog: SqliteEventLog
  /** The connection, for SQL read models (query it through `sqliteLog.run` while appends may be open). */
  readonly database: Database.Database
  readonly keyVault: KeyVault
  readonly checkpoints: CheckpointStore
}

/** Open (creating or migrating) the file and return the typed store over it. */
export const createSqliteEventStore = <E extends Event>(
  options: SqliteEventStoreOptions<E>,
): SqliteEventStore<E> => {
  const log = openSqliteEventLog(options)
  const keyVault = options.keyVault ?? sqliteKeyVault(log.database, log.run)
  const checkpoints = sqliteCheckpointStore(log.database, log.run)
  const store = createEventStore<E, Database.Database>(log, {
    registry: options.registry,
    keyVault,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.ids === undefined ? {} : { ids: options.ids }),
    ...(options.inline === undefined ? {} : { inline: options.inline }),
  })
  return { ...store, sqliteLog: log, database: log.database, keyVault, checkpoints }
}
