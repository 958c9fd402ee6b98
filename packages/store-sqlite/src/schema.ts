import type Database from 'better-sqlite3'
import { NotAStoreError, SchemaVersionError } from './errors.js'

/** One step of the schema; steps are applied in order, each in its own transaction. */
export interface Migration {
  readonly version: number
  readonly name: string
  readonly sql: string
}

export const migrations: ReadonlyArray<Migration> = [
  {
    version: 1,
    name: 'events, subject keys and checkpoints',
    sql: `
      CREATE TABLE es_events (
        position INTEGER PRIMARY KEY,
        stream_name TEXT NOT NULL,
        stream_position INTEGER NOT NULL,
        category TEXT NOT NULL,
        event_id TEXT NOT NULL,
        type TEXT NOT NULL,
        schema_version INTEGER NOT NULL,
        data TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        correlation_id TEXT,
        causation_id TEXT,
        command_id TEXT,
        actor TEXT,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL,
        UNIQUE (stream_name, stream_position)
      );
      CREATE TABLE es_subject_keys (
        subject_id TEXT PRIMARY KEY,
        key BLOB,
        created_at TEXT NOT NULL,
        forgotten_at TEXT
      );
      CREATE TABLE es_checkpoints (
        name TEXT PRIMARY KEY,
        position INTEGER NOT NULL,
        state TEXT,
        updated_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'dead letters of projection runners',
    sql: `
      CREATE TABLE es_dead_letters (
        id INTEGER PRIMARY KEY,
        runner TEXT NOT NULL,
        global_position INTEGER NOT NULL,
        stream_name TEXT,
        stream_position INTEGER,
        error_code TEXT NOT NULL,
        message TEXT NOT NULL,
        parked_at TEXT NOT NULL,
        UNIQUE (runner, global_position)
      );
    `,
  },
  {
    version: 3,
    name: 'subject keys may be stored wrapped under a key-encryption key',
    sql: `
      -- kek: the key-encryption key version the key is wrapped under (NULL: stored as it is);
      -- created_wrapped: the key never reached the file unwrapped (ADR 0010).
      ALTER TABLE es_subject_keys ADD COLUMN kek TEXT;
      ALTER TABLE es_subject_keys ADD COLUMN created_wrapped INTEGER NOT NULL DEFAULT 0;
      -- The version new keys are wrapped under, set by the first wrapped key and by each forget.
      CREATE TABLE es_key_encryption (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        current_kek TEXT NOT NULL
      );
      -- Versions no row is wrapped under any more, until the holder has destroyed them.
      CREATE TABLE es_kek_retired (id TEXT PRIMARY KEY, retired_at TEXT NOT NULL);
    `,
  },
  {
    version: 4,
    name: 'commit times assigned by the store (committed_at)',
    // Events written before: the greatest recorded_at at or before each in global order (ISO text,
    // whose text order is time order), so commit times never decrease (docs/architecture.md).
    sql: `
      ALTER TABLE es_events ADD COLUMN committed_at TEXT NOT NULL DEFAULT '';
      UPDATE es_events SET committed_at = c.committed_at
        FROM (SELECT position, max(recorded_at) OVER (ORDER BY position) AS committed_at FROM es_events) AS c
        WHERE es_events.position = c.position;
    `,
  },
  {
    version: 5,
    name: 'persisted read models: versions with checkpoints, documents, index keys (ADR 0017)',
    // docs/read-models.md documents these tables for readers with plain SQL.
    sql: `
      CREATE TABLE es_read_model_versions (
        name TEXT NOT NULL,
        version INTEGER NOT NULL,
        position INTEGER NOT NULL,
        live INTEGER NOT NULL DEFAULT 0 CHECK (live IN (0, 1)),
        updated_at TEXT NOT NULL,
        PRIMARY KEY (name, version)
      );
      CREATE UNIQUE INDEX es_read_model_versions_live ON es_read_model_versions (name) WHERE live = 1;
      CREATE TABLE es_read_model_documents (
        name TEXT NOT NULL,
        version INTEGER NOT NULL,
        id TEXT NOT NULL,
        data TEXT NOT NULL,
        keys TEXT NOT NULL,
        PRIMARY KEY (name, version, id)
      ) WITHOUT ROWID;
      CREATE TABLE es_read_model_keys (
        name TEXT NOT NULL,
        version INTEGER NOT NULL,
        index_name TEXT NOT NULL,
        key TEXT NOT NULL,
        id TEXT NOT NULL,
        PRIMARY KEY (name, version, index_name, key, id)
      ) WITHOUT ROWID;
      CREATE INDEX es_read_model_keys_by_id ON es_read_model_keys (name, version, id);
      CREATE VIEW es_read_models AS
        SELECT d.name, d.id, d.data, d.keys, v.version, v.position
        FROM es_read_model_documents d
        JOIN es_read_model_versions v ON v.name = d.name AND v.version = d.version AND v.live = 1;
      CREATE VIEW es_read_model_index AS
        SELECT k.name, k.index_name, k.key, k.id, d.data
        FROM es_read_model_keys k
        JOIN es_read_model_versions v ON v.name = k.name AND v.version = k.version AND v.live = 1
        JOIN es_read_model_documents d ON d.name = k.name AND d.version = k.version AND d.id = k.id;
    `,
  },
  {
    version: 6,
    name: 'the trace context of the command that wrote each event (traceparent)',
    // NULL for the events written before: they were written with no trace (docs/observability.md).
    sql: `ALTER TABLE es_events ADD COLUMN traceparent TEXT;`,
  },
  {
    version: 7,
    name: 'the tenant the file holds (ADR 0022): one dealer per file, recorded on the first open',
    sql: `
      CREATE TABLE es_tenant (
        only_row INTEGER PRIMARY KEY CHECK (only_row = 1),
        tenant TEXT NOT NULL,
        recorded_at TEXT NOT NULL
      );
    `,
  },
]

export const latestSchemaVersion = migrations.reduce((max, m) => Math.max(max, m.version), 0)

const currentVersion = (db: Database.Database): number => {
  const table = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'es_schema_migrations'")
    .get()
  if (table === undefined) return 0
  const row = db.prepare('SELECT max(version) AS version FROM es_schema_migrations').get() as
    | { version: number | null }
    | undefined
  return row?.version ?? 0
}

/**
 * The schema version of a file opened read-only, which must be the latest: nothing is created or
 * migrated (ADR 0016).
 */
export const checkSchema = (db: Database.Database, location: string): number => {
  const found = currentVersion(db)
  if (found > latestSchemaVersion) throw new SchemaVersionError(found, latestSchemaVersion, location)
  if (found < latestSchemaVersion) throw new NotAStoreError(location, found, latestSchemaVersion)
  return found
}

/**
 * Bring the file to the latest schema. Each step runs in an IMMEDIATE transaction that
 * re-reads the version, so two processes opening the same file never apply a step twice.
 */
export const migrate = (db: Database.Database, location: string): number => {
  db.exec(`CREATE TABLE IF NOT EXISTS es_schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`)
  const found = currentVersion(db)
  if (found > latestSchemaVersion) throw new SchemaVersionError(found, latestSchemaVersion, location)
  for (const migration of migrations) {
    if (migration.version <= found) continue
    db.transaction(() => {
      const now = currentVersion(db)
      if (now > latestSchemaVersion) throw new SchemaVersionError(now, latestSchemaVersion, location)
      if (now >= migration.version) return
      db.exec(migration.sql)
      db.prepare('INSERT INTO es_schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        new Date().toISOString(),
      )
    }).immediate()
  }
  return currentVersion(db)
}
