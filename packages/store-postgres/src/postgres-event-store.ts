import {
  type CheckpointStore,
  createEventStore,
  type Event,
  type EventStore,
  type EventStoreOptions,
  type KeyEncryptionKeys,
  type KeyVault,
} from '@dealer-crm/eventsourcing'
import type pg from 'pg'
import { postgresCheckpointStore } from './checkpoint-store.js'
import { postgresKeyVault } from './key-vault.js'
import {
  createPostgresEventLog,
  type PostgresEventLog,
  type PostgresEventLogOptions,
} from './postgres-event-log.js'
import { readOnlyCheckpoints, readOnlyKeyVault } from './read-only.js'

export interface PostgresEventStoreOptions<E extends Event>
  extends PostgresEventLogOptions,
    Omit<EventStoreOptions<E, pg.PoolClient>, 'keyVault'> {
  /** Defaults to the durable vault in the same schema (`subject_keys`). */
  readonly keyVault?: KeyVault
  /**
   * For the default vault: store subject keys wrapped under these key-encryption keys, rotated on
   * each forget, so that a forget leaves no readable copy of the key (ADR 0010, docs/privacy.md).
   */
  readonly keyEncryptionKeys?: KeyEncryptionKeys
}

/** The EventStore over PostgreSQL, with what SQL read models and runners need beside it. */
export interface PostgresEventStore<E extends Event = Event> extends EventStore<E> {
  readonly postgresLog: PostgresEventLog
  readonly pool: pg.Pool
  readonly schema: string
  readonly tenant: string
  readonly keyVault: KeyVault
  readonly checkpoints: CheckpointStore
}

/** Open (creating or migrating, or with `readOnly` checking) the schema and return the typed store over it. */
export const createPostgresEventStore = async <E extends Event>(
  options: PostgresEventStoreOptions<E>,
): Promise<PostgresEventStore<E>> => {
  const log = await createPostgresEventLog(options)
  const vault =
    options.keyVault ??
    postgresKeyVault(
      log.pool,
      log.schema,
      options.keyEncryptionKeys === undefined
        ? { tenant: log.tenant }
        : { keyEncryptionKeys: options.keyEncryptionKeys, tenant: log.tenant },
    )
  const sqlCheckpoints = postgresCheckpointStore(log.pool, log.schema, log.tenant)
  // Read-only (ADR 0016): every write fails before it reaches the server.
  const keyVault = log.readOnly ? readOnlyKeyVault(vault, log.schema) : vault
  const checkpoints = log.readOnly ? readOnlyCheckpoints(sqlCheckpoints, log.schema) : sqlCheckpoints
  const store = createEventStore<E, pg.PoolClient>(log, {
    registry: options.registry,
    keyVault,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.ids === undefined ? {} : { ids: options.ids }),
    ...(options.inline === undefined ? {} : { inline: options.inline }),
  })
  return {
    ...store,
    postgresLog: log,
    pool: log.pool,
    schema: log.schema,
    tenant: log.tenant,
    keyVault,
    checkpoints,
  }
}
