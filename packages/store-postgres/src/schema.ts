import type pg from 'pg'
import { SchemaMissingError, SchemaVersionError } from './errors.js'
import { channelOf, lockKeyOf, migrationLockClass, orderLockClass } from './identifiers.js'
import { withTransaction } from './pool.js'

/** One step of the schema; all missing steps are applied in one transaction on open. */
export interface Migration {
  readonly version: number
  readonly name: string
  /** The SQL for a schema (already validated as a plain identifier). */
  readonly sql: (schema: string) => string
}

const appendFunction = (s: string): string => `
CREATE FUNCTION ${s}.append_events(
  p_stream text, p_version integer, p_hash text, p_event_ids text[], p_types text[],
  p_schema_versions integer[], p_data text[], p_recorded_at text[], p_correlation_ids text[],
  p_causation_ids text[], p_command_ids text[], p_actor_ids text[], p_actor_roles text[],
  p_prev_hashes text[], p_hashes text[], p_notify boolean
) RETURNS bigint[] LANGUAGE plpgsql AS $fn$
DECLARE
  v_count integer := cardinality(p_event_ids);
  v_positions bigint[];
  v_version integer;
  v_hash text;
BEGIN
  -- The order lock makes "xid assigned" and "positions taken" one step, so global positions
  -- follow transaction ids; readers then use the snapshot's xmin as their horizon.
  IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
    RAISE EXCEPTION 'append_events must be the first write of its transaction' USING ERRCODE = 'DC002';
  END IF;
  PERFORM pg_advisory_lock(${orderLockClass}, ${lockKeyOf(s)});
  PERFORM pg_current_xact_id();
  SELECT array_agg(nextval('${s}.events_position_seq')) INTO v_positions FROM generate_series(1, v_count);
  PERFORM pg_advisory_unlock(${orderLockClass}, ${lockKeyOf(s)});

  INSERT INTO ${s}.streams (stream_name, version, last_hash) VALUES (p_stream, 0, '')
    ON CONFLICT (stream_name) DO NOTHING;
  SELECT version, last_hash INTO v_version, v_hash FROM ${s}.streams WHERE stream_name = p_stream FOR UPDATE;
  IF v_version <> p_version OR v_hash <> p_hash THEN
    RAISE EXCEPTION 'stream % is at version %', p_stream, v_version
      USING ERRCODE = 'DC001', DETAIL = v_version::text || ' ' || v_hash;
  END IF;

  INSERT INTO ${s}.events (position, stream_name, stream_position, event_id, type, schema_version, data,
    recorded_at, correlation_id, causation_id, command_id, actor_id, actor_role, prev_hash, hash)
  SELECT v_positions[i], p_stream, p_version + i, p_event_ids[i], p_types[i], p_schema_versions[i], p_data[i],
    p_recorded_at[i], p_correlation_ids[i], p_causation_ids[i], p_command_ids[i], p_actor_ids[i],
    p_actor_roles[i], p_prev_hashes[i], p_hashes[i]
  FROM generate_series(1, v_count) AS i;

  UPDATE ${s}.streams SET version = p_version + v_count, last_hash = p_hashes[v_count]
    WHERE stream_name = p_stream;
  IF p_notify THEN
    PERFORM pg_notify('${channelOf(s)}', v_positions[v_count]::text);
  END IF;
  RETURN v_positions;
END
$fn$;
`

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
      ${appendFunction(s)}
    `,
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
    if (!create) {
      const found = await client.query('SELECT to_regclass($1) AS t', [`${schema}.schema_migrations`])
      if (found.rows[0]?.t === null) throw new SchemaMissingError(schema)
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
