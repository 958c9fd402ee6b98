import type { CheckpointStore, KeyVault } from '@dealer-crm/eventsourcing'
import type pg from 'pg'
import { NotAStoreError, ReadOnlyStoreError } from './errors.js'
import { flagTransient } from './pool.js'
import { latestSchemaVersion, migrations } from './schema.js'

/** The relations a store of the latest schema version has (docs/adapters.md, read-only). */
const relations = [
  'schema_migrations',
  'event_batches',
  'events',
  'streams',
  'subject_keys',
  'kek_retired',
  'checkpoints',
  'dead_letters',
  'read_model_versions',
  'read_model_documents',
  'read_model_keys',
  'tenant_roles',
]

/**
 * Instead of migrating (ADR 0016): one read-only query that finds the schema, the relations of the
 * latest version and the version `schema_migrations` records (every step 1…latest). Refuses with a
 * NotAStoreError a schema that is missing, not a store, or of another version.
 */
export const checkReadable = async (pool: pg.Pool, schema: string): Promise<void> => {
  const found = await pool
    .query<{ exists: boolean; missing: string[] }>(
      `SELECT EXISTS (SELECT FROM pg_namespace WHERE nspname = $1) AS exists,
              ARRAY(SELECT r FROM unnest($2::text[]) AS r WHERE to_regclass(quote_ident($1) || '.' || r) IS NULL) AS missing`,
      [schema, relations],
    )
    .catch(flagTransient(`checking schema ${schema}`))
  const missing = found.rows[0]?.missing ?? relations
  if (found.rows[0]?.exists !== true)
    throw new NotAStoreError(
      schema,
      null,
      latestSchemaVersion,
      'does not exist: there is no dealer-crm event store to read',
    )
  if (missing.includes('schema_migrations'))
    throw new NotAStoreError(
      schema,
      null,
      latestSchemaVersion,
      `is not a dealer-crm event store (it has no ${schema}.schema_migrations table)`,
    )
  const recorded = await pool
    .query<{ version: number | null; steps: string }>(
      `SELECT max(version) AS version, count(*) FILTER (WHERE version = ANY($1::integer[]))::text AS steps
         FROM ${schema}.schema_migrations`,
      [migrations.map((m) => m.version)],
    )
    .catch(flagTransient(`reading the schema version of ${schema}`))
  const version = recorded.rows[0]?.version ?? 0
  const steps = Number(recorded.rows[0]?.steps ?? 0)
  const latest = latestSchemaVersion
  if (version === 0)
    throw new NotAStoreError(
      schema,
      0,
      latest,
      'is not a dealer-crm event store (its schema_migrations records no version)',
    )
  if (version !== latest)
    throw new NotAStoreError(
      schema,
      version,
      latest,
      version < latest
        ? `is a dealer-crm event store of schema version ${version}, older than ${latest}: open it writable once to migrate it`
        : `is a dealer-crm event store of schema version ${version}, newer than ${latest} (what this @dealer-crm/store-postgres supports): upgrade the package`,
    )
  if (steps !== migrations.length || missing.length > 0)
    throw new NotAStoreError(
      schema,
      version,
      latest,
      `records schema version ${version} but ${steps !== migrations.length ? `only ${steps} of its ${migrations.length} migration steps` : `lacks ${missing.map((r) => `${schema}.${r}`).join(', ')}`}: it is not a dealer-crm event store of version ${latest}`,
    )
}

/** The vault of a read-only store: reads keys; creating, forgetting or erasing one is refused. */
export const readOnlyKeyVault = (vault: KeyVault, schema: string): KeyVault => ({
  keyFor: async (subjectId) => {
    throw new ReadOnlyStoreError(schema, `creating or sealing with the key of subject ${subjectId}`)
  },
  existingKey: (subjectId) => vault.existingKey(subjectId),
  forget: async (subjectId) => {
    throw new ReadOnlyStoreError(schema, `forgetting subject ${subjectId}`)
  },
  completeErasure: async () => {
    throw new ReadOnlyStoreError(schema, 'completing erasure')
  },
})

/** The checkpoints of a read-only store: loads; saving or deleting one is refused. */
export const readOnlyCheckpoints = (checkpoints: CheckpointStore, schema: string): CheckpointStore => ({
  load: (name) => checkpoints.load(name),
  save: async (name) => {
    throw new ReadOnlyStoreError(schema, `saving checkpoint ${name}`)
  },
  delete: async (name) => {
    throw new ReadOnlyStoreError(schema, `deleting checkpoint ${name}`)
  },
})
