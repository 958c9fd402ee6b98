import type pg from 'pg'
import {
  appendFunctionV1,
  appendFunctionV2,
  appendFunctionV3,
  appendFunctionV4,
  appendFunctionV5,
  appendFunctionV6,
} from './append-function.js'
import { SchemaMissingError, SchemaVersionError } from './errors.js'
import { lockKeyOf, migrationLockClass } from './identifiers.js'
import { withTransaction } from './pool.js'
import { batchEvents, eventColumns, eventColumnsV3, eventColumnsV6 } from './rows.js'
import { tenantMigration } from './tenant-schema.js'

/** One step of the schema; all missing steps are applied in one transaction on open. */
export interface Migration {
  readonly version: number
  readonly name: string
  /** The SQL for a schema (already validated as a plain identifier). */
  readonly sql: (schema: string) => string
}

export const migrations: ReadonlyArray<Migration> = [
  {
    version: 1,
    name: 'events, streams, subject keys, checkpoints, dead letters and the append function',
    sql: (s) => `
      CREATE SEQUENCE ${s}.events_position_seq AS bigint CACHE 1;
      CREATE TABLE ${s}.events (
        position bigint PRIMARY KEY DEFAULT nextval('${s}.events_position_seq'),
        transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
        stream_name text NOT NULL,
        stream_position integer NOT NULL,
        category text NOT NULL GENERATED ALWAYS AS (split_part(stream_name, '-', 1)) STORED,
        event_id text NOT NULL,
        type text NOT NULL,
        schema_version integer NOT NULL,
        data text NOT NULL,
        recorded_at text NOT NULL,
        correlation_id text,
        causation_id text,
        command_id text,
        actor_id text,
        actor_role text,
        prev_hash text NOT NULL,
        hash text NOT NULL,
        UNIQUE (stream_name, stream_position)
      );
      ALTER SEQUENCE ${s}.events_position_seq OWNED BY ${s}.events.position;
      CREATE INDEX events_category_position ON ${s}.events (category, position);
      CREATE INDEX events_type_position ON ${s}.events (type, position);
      CREATE TABLE ${s}.streams (
        stream_name text PRIMARY KEY,
        version integer NOT NULL,
        last_hash text NOT NULL
      ) WITH (fillfactor = 70);
      CREATE TABLE ${s}.subject_keys (
        subject_id text PRIMARY KEY,
        key bytea,
        created_at timestamptz NOT NULL DEFAULT now(),
        forgotten_at timestamptz
      );
      CREATE TABLE ${s}.checkpoints (
        name text PRIMARY KEY,
        position bigint NOT NULL,
        state text,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE ${s}.dead_letters (
        runner text NOT NULL,
        global_position bigint NOT NULL,
        stream_name text,
        stream_position integer,
        error_code text NOT NULL,
        message text NOT NULL,
        parked_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (runner, global_position)
      );
      ${appendFunctionV1(s)}
    `,
  },
  {
    version: 2,
    name: 'append_events appends to many streams in one call; no index on type',
    sql: (s) => `
      DROP FUNCTION ${s}.append_events(text, integer, text, text[], text[], integer[], text[], text[],
        text[], text[], text[], text[], text[], text[], text[], boolean);
      DROP INDEX ${s}.events_type_position;
      ${appendFunctionV2(s)}
    `,
  },
  {
    version: 3,
    name: 'one row per append (event_batches); events becomes a view',
    sql: (s) => `
      CREATE TABLE ${s}.event_batches (
        position bigint PRIMARY KEY,
        event_count integer NOT NULL CHECK (event_count >= 1),
        transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
        stream_name text NOT NULL,
        stream_position integer NOT NULL,
        category text NOT NULL GENERATED ALWAYS AS (split_part(stream_name, '-', 1)) STORED,
        event_ids text[] NOT NULL,
        types text[] NOT NULL,
        schema_versions integer[] NOT NULL,
        data text[] NOT NULL,
        recorded_at text[] NOT NULL,
        correlation_ids text[],
        causation_ids text[],
        command_ids text[],
        actor_ids text[],
        actor_roles text[],
        prev_hash text NOT NULL,
        hashes text[] NOT NULL,
        UNIQUE (stream_name, stream_position)
      );
      CREATE INDEX event_batches_category_position ON ${s}.event_batches (category, position);
      -- Ids and hashes do not compress: storing them as they are spares the server a vain try.
      -- The rest compresses with lz4, several times faster than the default pglz, where the server
      -- has it (PostgreSQL 14 or later, built with lz4).
      ALTER TABLE ${s}.event_batches ALTER event_ids SET STORAGE EXTERNAL, ALTER hashes SET STORAGE EXTERNAL;
      DO $lz4$ BEGIN
        EXECUTE 'ALTER TABLE ${s}.event_batches ALTER types SET COMPRESSION lz4,
          ALTER data SET COMPRESSION lz4, ALTER recorded_at SET COMPRESSION lz4';
      EXCEPTION WHEN feature_not_supported OR syntax_error THEN NULL;
      END $lz4$;
      INSERT INTO ${s}.event_batches (position, event_count, transaction_id, stream_name, stream_position,
        event_ids, types, schema_versions, data, recorded_at, correlation_ids, causation_ids, command_ids,
        actor_ids, actor_roles, prev_hash, hashes)
      SELECT position, 1, transaction_id, stream_name, stream_position, ARRAY[event_id], ARRAY[type],
        ARRAY[schema_version], ARRAY[data], ARRAY[recorded_at], ARRAY[correlation_id], ARRAY[causation_id],
        ARRAY[command_id], ARRAY[actor_id], ARRAY[actor_role], prev_hash, ARRAY[hash]
      FROM ${s}.events;
      ALTER SEQUENCE ${s}.events_position_seq OWNED BY ${s}.event_batches.position;
      DROP TABLE ${s}.events;
      CREATE VIEW ${s}.events AS
        SELECT ${eventColumnsV3}, b.category, b.transaction_id FROM ${s}.event_batches b ${batchEvents};
      DROP FUNCTION ${s}.append_events(text[], integer[], text[], integer[], integer[], integer[], text[],
        text[], integer[], json, text[], text[], text[], text[], text[], text[], text[], text[], boolean);
      ${appendFunctionV3(s)}
    `,
  },
  {
    version: 4,
    name: 'subject keys may be stored wrapped under a key-encryption key',
    sql: (s) => `
      -- kek: the key-encryption key version the key is wrapped under (NULL: stored as it is);
      -- created_wrapped: the key never reached the database unwrapped (ADR 0010).
      ALTER TABLE ${s}.subject_keys ADD COLUMN kek text, ADD COLUMN created_wrapped boolean NOT NULL DEFAULT false;
      -- Versions no row is wrapped under any more, until the holder has destroyed them.
      CREATE TABLE ${s}.kek_retired (id text PRIMARY KEY, retired_at timestamptz NOT NULL DEFAULT now());
    `,
  },
  {
    version: 5,
    name: 'append_events locks stream rows in one order (by name): no deadlock between calls',
    sql: (s) => appendFunctionV4(s),
  },
  {
    version: 6,
    name: 'commit times assigned by the store in global order (committed_at_ms, commit_clock)',
    // Batches written before: the greatest recorded_at at or before each in global order (ISO text,
    // compared byte by byte), so commit times never decrease (docs/architecture.md, "As of a time").
    sql: (s) => `
      ALTER TABLE ${s}.event_batches ADD COLUMN committed_at_ms bigint;
      UPDATE ${s}.event_batches b SET committed_at_ms = c.ms
        FROM (SELECT position,
                floor(extract(epoch FROM (max(latest) OVER (ORDER BY position))::timestamptz) * 1000)::bigint AS ms
              FROM (SELECT position, (SELECT max(r COLLATE "C") FROM unnest(recorded_at) AS r) AS latest
                    FROM ${s}.event_batches) AS m) AS c
        WHERE b.position = c.position;
      ALTER TABLE ${s}.event_batches ALTER committed_at_ms SET NOT NULL;
      CREATE SEQUENCE ${s}.commit_clock AS bigint MINVALUE -9223372036854775808;
      SELECT setval('${s}.commit_clock', latest) FROM (SELECT max(committed_at_ms) AS latest FROM ${s}.event_batches) AS l
        WHERE latest IS NOT NULL;
      DROP VIEW ${s}.events;
      CREATE VIEW ${s}.events AS
        SELECT ${eventColumnsV6}, b.category, b.transaction_id FROM ${s}.event_batches b ${batchEvents};
      DROP FUNCTION ${s}.append_events(text[], integer[], text[], integer[], text[], text[], integer[], text[],
        text[], text[], text[], text[], text[], text[], text[], boolean);
      ${appendFunctionV5(s)}
    `,
  },
  {
    version: 7,
    name: 'persisted read models: versions with checkpoints, documents, index keys (ADR 0017)',
    // docs/read-models.md documents these tables for readers with plain SQL. Keys compare byte by
    // byte (COLLATE "C"), as in SQLite and the in-memory store.
    sql: (s) => `
      CREATE TABLE ${s}.read_model_versions (
        name text NOT NULL,
        version integer NOT NULL,
        position bigint NOT NULL,
        live boolean NOT NULL DEFAULT false,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (name, version)
      );
      CREATE UNIQUE INDEX read_model_versions_live ON ${s}.read_model_versions (name) WHERE live;
      CREATE TABLE ${s}.read_model_documents (
        name text NOT NULL,
        version integer NOT NULL,
        id text COLLATE "C" NOT NULL,
        data jsonb NOT NULL,
        keys jsonb NOT NULL,
        PRIMARY KEY (name, version, id)
      );
      CREATE TABLE ${s}.read_model_keys (
        name text NOT NULL,
        version integer NOT NULL,
        index_name text NOT NULL,
        key text COLLATE "C" NOT NULL,
        id text COLLATE "C" NOT NULL,
        PRIMARY KEY (name, version, index_name, key, id)
      );
      CREATE INDEX read_model_keys_by_id ON ${s}.read_model_keys (name, version, id);
      CREATE VIEW ${s}.read_models AS
        SELECT d.name, d.id, d.data, d.keys, v.version, v.position
        FROM ${s}.read_model_documents d
        JOIN ${s}.read_model_versions v ON v.name = d.name AND v.version = d.version AND v.live;
      CREATE VIEW ${s}.read_model_index AS
        SELECT k.name, k.index_name, k.key, k.id, d.data
        FROM ${s}.read_model_keys k
        JOIN ${s}.read_model_versions v ON v.name = k.name AND v.version = k.version AND v.live
        JOIN ${s}.read_model_documents d ON d.name = k.name AND d.version = k.version AND d.id = k.id;
    `,
  },
  {
    version: 8,
    name: 'the trace context of the command that wrote each event (traceparents)',
    // NULL for the batches written before: their events were written with no trace
    // (docs/observability.md). The new parameter of append_events comes last, with a default.
    sql: (s) => `
      ALTER TABLE ${s}.event_batches ADD COLUMN traceparents text[];
      DROP VIEW ${s}.events;
      CREATE VIEW ${s}.events AS
        SELECT ${eventColumns}, b.category, b.transaction_id FROM ${s}.event_batches b ${batchEvents};
      DROP FUNCTION ${s}.append_events(text[], integer[], text[], integer[], text[], text[], integer[], text[],
        text[], text[], text[], text[], text[], text[], text[], boolean, bigint);
      ${appendFunctionV6(s)}
    `,
  },
  {
    version: 9,
    name: 'tenants: a tenant on every row, row-level security binding each role to its tenant (ADR 0022)',
    sql: tenantMigration,
  },
]

export const latestSchemaVersion = migrations.reduce((max, m) => Math.max(max, m.version), 0)

/**
 * Create the schema or bring it up to date, under an advisory lock so that processes opening
 * the store at once apply each step once. A schema written by a newer package is refused.
 */
export const migrate = async (pool: pg.Pool, schema: string, create = true): Promise<number> =>
  withTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [migrationLockClass, lockKeyOf(schema)])
    const found = await client.query('SELECT to_regclass($1) AS t', [`${schema}.schema_migrations`])
    const exists = found.rows[0]?.t !== null
    if (!create && !exists) throw new SchemaMissingError(schema)
    if (exists) {
      // Up to date: no DDL at all, so a role that may not create (a dealer's, ADR 0022) opens it too.
      const recorded = await client.query<{ version: number | null }>(
        `SELECT max(version) AS version FROM ${schema}.schema_migrations`,
      )
      if (recorded.rows[0]?.version === latestSchemaVersion) return latestSchemaVersion
    }
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`)
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${schema}.schema_migrations (
         version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    )
    const result = await client.query<{ version: number | null }>(
      `SELECT max(version) AS version FROM ${schema}.schema_migrations`,
    )
    const current = result.rows[0]?.version ?? 0
    if (current > latestSchemaVersion) throw new SchemaVersionError(current, latestSchemaVersion, schema)
    for (const migration of migrations) {
      if (migration.version <= current) continue
      await client.query(migration.sql(schema))
      await client.query(`INSERT INTO ${schema}.schema_migrations (version, name) VALUES ($1, $2)`, [
        migration.version,
        migration.name,
      ])
    }
    return latestSchemaVersion
  })
