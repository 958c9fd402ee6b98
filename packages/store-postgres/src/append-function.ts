import { channelOf, lockKeyOf, orderLockClass } from './identifiers.js'

/**
 * The start of every version of `append_events`: the order lock makes "xid assigned" and "positions
 * taken" one step, so global positions follow transaction ids; readers then use the snapshot's xmin
 * as their horizon. `take` is the SQL that takes the positions.
 */
const underOrderLock = (s: string, take: string): string => `
  IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
    RAISE EXCEPTION 'append_events must be the first write of its transaction' USING ERRCODE = 'DC002';
  END IF;
  PERFORM pg_advisory_lock(${orderLockClass}, ${lockKeyOf(s)});
  PERFORM pg_current_xact_id();
  ${take}
  PERFORM pg_advisory_unlock(${orderLockClass}, ${lockKeyOf(s)});`

const takePositions = (s: string, count: string): string =>
  underOrderLock(
    s,
    `SELECT array_agg(nextval('${s}.events_position_seq')) INTO v_positions FROM generate_series(1, ${count});`,
  )

/** Version 1 (schema migration 1), kept as it was: migrations replay history. */
export const appendFunctionV1 = (s: string): string => `
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
${takePositions(s, 'v_count')}

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

/**
 * Version 2 (schema migration 2): one call appends to one or more distinct streams in one
 * transaction, so concurrent appends can share a commit. Each append is checked on its own: one
 * whose stream has moved on writes nothing and returns the stream's actual version and hash (no
 * exception), the others are written. Per event, `p_slots` names its append (1-based). The data
 * arrive as one JSON array of the events' canonical JSON: no array-literal escaping on either side,
 * and `json_array_elements` keeps each element's text exactly as sent. The rows are zipped in one
 * pass (`ROWS FROM`; `p[i]` in a loop would rescan each array).
 */
export const appendFunctionV2 = (s: string): string => `
CREATE FUNCTION ${s}.append_events(
  p_streams text[], p_versions integer[], p_stream_hashes text[], p_counts integer[],
  p_slots integer[], p_stream_positions integer[], p_event_ids text[], p_types text[],
  p_schema_versions integer[], p_data json, p_recorded_at text[], p_correlation_ids text[],
  p_causation_ids text[], p_command_ids text[], p_actor_ids text[], p_actor_roles text[],
  p_prev_hashes text[], p_hashes text[], p_notify boolean
) RETURNS TABLE (o_positions bigint[], o_version integer, o_hash text) LANGUAGE plpgsql AS $fn$
DECLARE
  v_positions bigint[];
  v_refused integer[] := '{}';
  v_first integer := 1;
  v_last integer;
BEGIN
${takePositions(s, 'cardinality(p_event_ids)')}

  FOR k IN 1 .. cardinality(p_streams) LOOP
    v_last := v_first + p_counts[k] - 1;
    -- A new stream is inserted; an existing one moves on only from the version and hash its
    -- chain was built on. The row stays locked until commit either way.
    INSERT INTO ${s}.streams AS st (stream_name, version, last_hash)
      VALUES (p_streams[k], p_versions[k] + p_counts[k], p_hashes[v_last])
      ON CONFLICT (stream_name) DO UPDATE SET version = excluded.version, last_hash = excluded.last_hash
      WHERE st.version = p_versions[k] AND st.last_hash = p_stream_hashes[k];
    IF FOUND THEN
      o_positions := v_positions[v_first : v_last];
      o_version := NULL;
      o_hash := NULL;
    ELSE
      v_refused := v_refused || k;
      o_positions := NULL;
      SELECT version, last_hash INTO o_version, o_hash FROM ${s}.streams WHERE stream_name = p_streams[k];
    END IF;
    RETURN NEXT;
    v_first := v_last + 1;
  END LOOP;

  INSERT INTO ${s}.events (position, stream_name, stream_position, event_id, type, schema_version, data,
    recorded_at, correlation_id, causation_id, command_id, actor_id, actor_role, prev_hash, hash)
  SELECT r.position, p_streams[r.slot], r.stream_position, r.event_id, r.type, r.schema_version, r.data::text,
    r.recorded_at, r.correlation_id, r.causation_id, r.command_id, r.actor_id, r.actor_role, r.prev_hash, r.hash
  FROM ROWS FROM (unnest(v_positions), unnest(p_slots), unnest(p_stream_positions), unnest(p_event_ids),
    unnest(p_types), unnest(p_schema_versions), json_array_elements(p_data), unnest(p_recorded_at),
    unnest(p_correlation_ids), unnest(p_causation_ids), unnest(p_command_ids), unnest(p_actor_ids),
    unnest(p_actor_roles), unnest(p_prev_hashes), unnest(p_hashes))
    AS r(position, slot, stream_position, event_id, type, schema_version, data, recorded_at, correlation_id,
      causation_id, command_id, actor_id, actor_role, prev_hash, hash)
  WHERE r.slot <> ALL (v_refused);
  IF p_notify AND cardinality(v_refused) < cardinality(p_streams) THEN
    PERFORM pg_notify('${channelOf(s)}', v_positions[cardinality(v_positions)]::text);
  END IF;
END
$fn$;
`

/**
 * Version 3 (schema migration 3): as version 2, but each append is one row of `event_batches`
 * holding its events' fields as arrays (ADR 0009), not one row per event: the server inserts one
 * heap tuple and one entry per index for an append of any size. The positions of one call are
 * contiguous (taken under the order lock), so an append returns its first position only.
 */
export const appendFunctionV3 = (s: string): string => `
CREATE FUNCTION ${s}.append_events(
  p_streams text[], p_versions integer[], p_stream_hashes text[], p_counts integer[],
  p_event_ids text[], p_types text[], p_schema_versions integer[], p_data text[], p_recorded_at text[],
  p_correlation_ids text[], p_causation_ids text[], p_command_ids text[], p_actor_ids text[],
  p_actor_roles text[], p_hashes text[], p_notify boolean
) RETURNS TABLE (o_position bigint, o_version integer, o_hash text) LANGUAGE plpgsql AS $fn$
DECLARE
  v_start bigint;
  v_written boolean := false;
  v_first integer := 1;
  v_last integer;
BEGIN
${underOrderLock(
  s,
  `v_start := nextval('${s}.events_position_seq');
  IF cardinality(p_event_ids) > 1 THEN
    PERFORM setval('${s}.events_position_seq', v_start + cardinality(p_event_ids) - 1);
  END IF;`,
)}

  FOR k IN 1 .. cardinality(p_streams) LOOP
    v_last := v_first + p_counts[k] - 1;
    INSERT INTO ${s}.streams AS st (stream_name, version, last_hash)
      VALUES (p_streams[k], p_versions[k] + p_counts[k], p_hashes[v_last])
      ON CONFLICT (stream_name) DO UPDATE SET version = excluded.version, last_hash = excluded.last_hash
      WHERE st.version = p_versions[k] AND st.last_hash = p_stream_hashes[k];
    IF FOUND THEN
      INSERT INTO ${s}.event_batches (position, event_count, stream_name, stream_position, event_ids, types,
        schema_versions, data, recorded_at, correlation_ids, causation_ids, command_ids, actor_ids, actor_roles,
        prev_hash, hashes)
      VALUES (v_start + v_last - 1, p_counts[k], p_streams[k], p_versions[k] + p_counts[k],
        p_event_ids[v_first : v_last], p_types[v_first : v_last], p_schema_versions[v_first : v_last],
        p_data[v_first : v_last], p_recorded_at[v_first : v_last], p_correlation_ids[v_first : v_last],
        p_causation_ids[v_first : v_last], p_command_ids[v_first : v_last], p_actor_ids[v_first : v_last],
        p_actor_roles[v_first : v_last], p_stream_hashes[k], p_hashes[v_first : v_last]);
      v_written := true;
      o_position := v_start + v_first - 1;
      o_version := NULL;
      o_hash := NULL;
    ELSE
      o_position := NULL;
      SELECT version, last_hash INTO o_version, o_hash FROM ${s}.streams WHERE stream_name = p_streams[k];
    END IF;
    RETURN NEXT;
    v_first := v_last + 1;
  END LOOP;
  IF p_notify AND v_written THEN
    PERFORM pg_notify('${channelOf(s)}', (v_start + cardinality(p_event_ids) - 1)::text);
  END IF;
END
$fn$;
`

/**
 * One append of a call, `v_k`, whose events are `v_first` to `v_last` of the event arrays: a new
 * stream is inserted; an existing one moves on only from the version and hash its chain was built on.
 * The row stays locked until commit either way. `written` and `refused` say what the call returns.
 */
/**
 * `committed`: the batch row holds the call's commit time (`v_committed`, version 5 on); `traced`:
 * and the events' trace contexts (`p_traceparents`, version 6 on); `tenanted`: every row carries the
 * call's tenant, `v_tenant` (version 7 on).
 */
const appendOne = (
  s: string,
  written: string,
  refused: string,
  committed = false,
  traced = false,
  tenanted = false,
): string => `
    INSERT INTO ${s}.streams AS st (${tenanted ? 'tenant, ' : ''}stream_name, version, last_hash)
      VALUES (${tenanted ? 'v_tenant, ' : ''}p_streams[v_k], p_versions[v_k] + p_counts[v_k], p_hashes[v_last])
      ON CONFLICT (${tenanted ? 'tenant, ' : ''}stream_name) DO UPDATE SET version = excluded.version, last_hash = excluded.last_hash
      WHERE st.version = p_versions[v_k] AND st.last_hash = p_stream_hashes[v_k];
    IF FOUND THEN
      INSERT INTO ${s}.event_batches (${tenanted ? 'tenant, ' : ''}position, event_count, stream_name, stream_position, event_ids, types,
        schema_versions, data, recorded_at, correlation_ids, causation_ids, command_ids, actor_ids, actor_roles,
        prev_hash, hashes${committed ? ', committed_at_ms' : ''}${traced ? ', traceparents' : ''})
      VALUES (${tenanted ? 'v_tenant, ' : ''}v_start + v_last - 1, p_counts[v_k], p_streams[v_k], p_versions[v_k] + p_counts[v_k],
        p_event_ids[v_first : v_last], p_types[v_first : v_last], p_schema_versions[v_first : v_last],
        p_data[v_first : v_last], p_recorded_at[v_first : v_last], p_correlation_ids[v_first : v_last],
        p_causation_ids[v_first : v_last], p_command_ids[v_first : v_last], p_actor_ids[v_first : v_last],
        p_actor_roles[v_first : v_last], p_stream_hashes[v_k], p_hashes[v_first : v_last]${committed ? ', v_committed' : ''}${
          traced ? ', p_traceparents[v_first : v_last]' : ''
        });
      v_written := true;
      ${written}
    ELSE
      ${refused}
    END IF;`

/**
 * The appends of a call in the one order every call takes stream rows in: by stream name (bytewise,
 * `COLLATE "C"`), whatever order the call names them in. Two calls that name the same streams then
 * never wait for each other in a cycle, so they cannot deadlock: a call waits (for a row's lock, or
 * for the transaction inserting the same new name) only for a stream named after every one it holds.
 * A call of one append, the common case, skips the sort and returns its row at once.
 */
const appendsInLockOrder = (s: string, committed = false, traced = false, tenanted = false): string => {
  const ofStream = (k: string) =>
    `SELECT version, last_hash INTO ${k === '1' ? 'o_version, o_hash' : 'v_version, v_hash'} FROM ${s}.streams WHERE ${tenanted ? 'tenant = v_tenant AND ' : ''}stream_name = p_streams[${k}];`
  return `
  IF cardinality(p_streams) = 1 THEN
    v_k := 1;
    v_first := 1;
    v_last := p_counts[1];
${appendOne(
  s,
  'o_position := v_start; o_version := NULL; o_hash := NULL;',
  `o_position := NULL;
      ${ofStream('1')}`,
  committed,
  traced,
  tenanted,
)}${committed ? '\n    o_committed_ms := v_committed;' : ''}
    RETURN NEXT;
  ELSE
    v_positions := array_fill(NULL::bigint, ARRAY[cardinality(p_streams)]);
    v_versions := array_fill(NULL::integer, ARRAY[cardinality(p_streams)]);
    v_hashes := array_fill(NULL::text, ARRAY[cardinality(p_streams)]);
    FOR v_k, v_first IN
      SELECT o.k, (sum(o.c) OVER (ORDER BY o.k) - o.c + 1)::integer
      FROM unnest(p_streams, p_counts) WITH ORDINALITY AS o(name, c, k)
      ORDER BY o.name COLLATE "C"
    LOOP
      v_last := v_first + p_counts[v_k] - 1;
${appendOne(
  s,
  'v_positions[v_k] := v_start + v_first - 1;',
  `${ofStream('v_k')}
      v_versions[v_k] := v_version;
      v_hashes[v_k] := v_hash;`,
  committed,
  traced,
  tenanted,
)}
    END LOOP;
    -- The rows in the call's order.
    RETURN QUERY SELECT *${committed ? ', v_committed' : ''} FROM unnest(v_positions, v_versions, v_hashes);
  END IF;`
}

/**
 * Version 4 (schema migration 5): as version 3, but the stream rows are locked in canonical order
 * (`appendsInLockOrder`); the rows returned stay in the order of the call's appends. The signature
 * is unchanged, so `CREATE OR REPLACE` swaps it in under running processes.
 */
export const appendFunctionV4 = (s: string): string => `
CREATE OR REPLACE FUNCTION ${s}.append_events(
  p_streams text[], p_versions integer[], p_stream_hashes text[], p_counts integer[],
  p_event_ids text[], p_types text[], p_schema_versions integer[], p_data text[], p_recorded_at text[],
  p_correlation_ids text[], p_causation_ids text[], p_command_ids text[], p_actor_ids text[],
  p_actor_roles text[], p_hashes text[], p_notify boolean
) RETURNS TABLE (o_position bigint, o_version integer, o_hash text) LANGUAGE plpgsql AS $fn$
DECLARE
  v_start bigint;
  v_written boolean := false;
  v_k integer;
  v_first integer;
  v_last integer;
  v_version integer;
  v_hash text;
  v_positions bigint[];
  v_versions integer[];
  v_hashes text[];
BEGIN
${underOrderLock(
  s,
  `v_start := nextval('${s}.events_position_seq');
  IF cardinality(p_event_ids) > 1 THEN
    PERFORM setval('${s}.events_position_seq', v_start + cardinality(p_event_ids) - 1);
  END IF;`,
)}
${appendsInLockOrder(s)}
  IF p_notify AND v_written THEN
    PERFORM pg_notify('${channelOf(s)}', (v_start + cardinality(p_event_ids) - 1)::text);
  END IF;
END
$fn$;
`

/**
 * Version 6 (schema migration 8): as version 5, and each event may carry the W3C trace context of the
 * command that wrote it (`p_traceparents`, NULL or left out when none does: the batch row then holds
 * NULL). Callers of version 5 keep working: the new parameter comes last, with a default.
 */
export const appendFunctionV6 = (s: string): string => appendFunctionV5Body(s, true)

/**
 * Version 5 (schema migration 6): as version 4, and the call gives its appends a commit time under
 * the order lock, in global order: the clock's time (`p_clock_ms`, ms since the epoch; NULL or left
 * out for the database server's `clock_timestamp()`), or the last commit time given when that is
 * later, so commit times never decrease in global order. The last time given is held in the
 * sequence `commit_clock`: a sequence is not transactional, so the next call sees it before this
 * one commits (a rolled-back call leaves it raised, which only ever holds later times back to it).
 */
export const appendFunctionV5 = (s: string): string => appendFunctionV5Body(s, false)

/** Versions 5 to 7: the commit clock; `traced` adds the trace contexts (6), `tenanted` the tenant (7). */
const appendFunctionV5Body = (s: string, traced: boolean, tenanted = false): string => `
CREATE FUNCTION ${s}.append_events(
  p_streams text[], p_versions integer[], p_stream_hashes text[], p_counts integer[],
  p_event_ids text[], p_types text[], p_schema_versions integer[], p_data text[], p_recorded_at text[],
  p_correlation_ids text[], p_causation_ids text[], p_command_ids text[], p_actor_ids text[],
  p_actor_roles text[], p_hashes text[], p_notify boolean, p_clock_ms bigint DEFAULT NULL${
    traced ? ', p_traceparents text[] DEFAULT NULL' : ''
  }${tenanted ? ', p_tenant text DEFAULT NULL' : ''}
) RETURNS TABLE (o_position bigint, o_version integer, o_hash text, o_committed_ms bigint)
LANGUAGE plpgsql${tenanted ? ' SECURITY INVOKER' : ''} AS $fn$
DECLARE${tenanted ? `\n  v_tenant text := coalesce(p_tenant, ${s}.current_tenant());` : ''}
  v_start bigint;
  v_committed bigint;
  v_last_committed bigint;
  v_written boolean := false;
  v_k integer;
  v_first integer;
  v_last integer;
  v_version integer;
  v_hash text;
  v_positions bigint[];
  v_versions integer[];
  v_hashes text[];
BEGIN
${underOrderLock(
  s,
  `v_start := nextval('${s}.events_position_seq');
  IF cardinality(p_event_ids) > 1 THEN
    PERFORM setval('${s}.events_position_seq', v_start + cardinality(p_event_ids) - 1);
  END IF;
  SELECT last_value INTO v_last_committed FROM ${s}.commit_clock;
  v_committed := greatest(coalesce(p_clock_ms, floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint),
    v_last_committed);
  IF v_committed > v_last_committed THEN
    PERFORM setval('${s}.commit_clock', v_committed);
  END IF;`,
)}
${appendsInLockOrder(s, true, traced, tenanted)}
  IF p_notify AND v_written THEN
    PERFORM pg_notify('${channelOf(s)}', (v_start + cardinality(p_event_ids) - 1)::text);
  END IF;
END
$fn$;
`

/**
 * Version 7 (schema migration 9, ADR 0022): as version 6, and every row it writes carries the
 * call's tenant (`p_tenant`; NULL or left out: the tenant the caller's role is bound to,
 * `current_tenant()`). One call appends for one tenant. The function runs with the caller's rights
 * (never SECURITY DEFINER): row-level security checks each row it writes against the caller's
 * tenant, so a dealer's role that names another tenant is refused. Positions and the commit clock
 * stay one sequence for the schema (the order lock is the schema's, as before).
 */
export const appendFunctionV7 = (s: string): string => appendFunctionV5Body(s, true, true)
