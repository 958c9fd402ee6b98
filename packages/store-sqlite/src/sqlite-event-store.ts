import {
  type CheckpointStore,
  createEventStore,
  type Event,
  type EventStore,
  type EventStoreOptions,
  type KeyEncryptionKeys,
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
  /**
   * For the default vault: store subject keys wrapped under these key-encryption keys, rotated on
   * each forget, so that copies of the file (backups) keep no readable copy of a forgotten key
   * (ADR 0010, docs/privacy.md). Without them, forget erases the key's bytes from the files.
   */
  readonly keyEncryptionKeys?: KeyEncryptionKeys
}

/** The EventStore over SQLite, with what SQL read models and runners need beside it. */
export interface SqliteEventStore<E extends Event = Event> extends EventStore<E> {
  readonly sqliteLog: SqliteEventLog
  /** The connection, for SQL read models (query it through `sqliteLog.run` while appends may be open). */
  readonly database: Database.Database
  /** The tenant the file holds (ADR 0022). */
  readonly tenant: string
  readonly keyVault: KeyVault
  readonly checkpoints: CheckpointStore
}

/** Open (creating or migrating) the file and return the typed store over it. */
export const createSqliteEventStore = <E extends Event>(
  options: SqliteEventStoreOptions<E>,
): SqliteEventStore<E> => {
  const log = openSqliteEventLog(options)
  const keyVault =
    options.keyVault ??
    sqliteKeyVault(log.database, {
      gate: log.run,
      ...(options.keyEncryptionKeys === undefined ? {} : { keyEncryptionKeys: options.keyEncryptionKeys }),
    })
  const checkpoints = sqliteCheckpointStore(log.database, log.run)
  const store = createEventStore<E, Database.Database>(log, {
    registry: options.registry,
    keyVault,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.ids === undefined ? {} : { ids: options.ids }),
    ...(options.inline === undefined ? {} : { inline: options.inline }),
  })
  return { ...store, sqliteLog: log, database: log.database, tenant: log.tenant, keyVault, checkpoints }
}
