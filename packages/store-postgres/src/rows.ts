import type { StoredEvent } from '@dealer-crm/eventsourcing'
import { PostgresCorruptEventError } from './errors.js'

/**
 * The rows of `event_batches` aliased `b` (each holding one append's events as arrays, ADR 0009)
 * as one row per event, aliased `e`: `FROM <batches> b ${batchEvents}`. An event's positions count
 * back from its batch's last; the first event's previous hash is the batch's, the others' the hash
 * before them. Arrays of unequal length pad with NULLs, which `eventFromRow` reports as corrupt.
 */
export const batchEvents = `CROSS JOIN LATERAL ROWS FROM (unnest(b.event_ids), unnest(b.types),
  unnest(b.schema_versions), unnest(b.data), unnest(b.recorded_at), unnest(b.correlation_ids),
  unnest(b.causation_ids), unnest(b.command_ids), unnest(b.actor_ids), unnest(b.actor_roles),
  unnest((b.prev_hash || b.hashes)[1:b.event_count]), unnest(b.hashes)) WITH ORDINALITY
  AS e(event_id, type, schema_version, data, recorded_at, correlation_id, causation_id, command_id,
    actor_id, actor_role, prev_hash, hash, i)`

/** An event's global position, in a query over `batchEvents`. */
export const eventPosition = '(b.position - b.event_count + e.i)'

/**
 * The event columns of schema versions 3 to 5 (their `events` view), kept as they were: migrations
 * replay history.
 */
export const eventColumnsV3 = `${eventPosition} AS position, b.stream_name,
  (b.stream_position - b.event_count + e.i)::integer AS stream_position, e.event_id, e.type, e.schema_version, e.data,
  e.recorded_at, e.correlation_id, e.causation_id, e.command_id, e.actor_id, e.actor_role, e.prev_hash, e.hash`

/** The event columns of schema versions 6 and 7: those of version 3, then the batch's commit time (ms since the epoch). */
export const eventColumnsV6 = `${eventColumnsV3}, b.committed_at_ms`

/**
 * The event columns, in the order every read selects them (rows arrive as arrays of raw text): those
 * of version 6, then the event's trace context (NULL for a batch written with none, or before
 * schema version 8).
 */
export const eventColumns = `${eventColumnsV6}, b.traceparents[e.i] AS traceparent`

export type EventRow = Array<string | null>

const digits = /^[0-9]+$/

/** The last commit time converted and its ISO form: the events of a batch share it, and so do appends. */
let lastCommit = { ms: '', iso: '' }
/** A commit time in ms since the epoch (decimal text, as the server sends it) as ISO-8601. */
export const isoOfMs = (ms: string): string => {
  if (ms !== lastCommit.ms) lastCommit = { ms, iso: new Date(Number(ms)).toISOString() }
  return lastCommit.iso
}
const integerText = /^-?[0-9]{1,16}$/

const positiveInt = (value: string | null | undefined): number | null =>
  typeof value === 'string' && digits.test(value) && value.length < 16 && Number(value) >= 1
    ? Number(value)
    : null

/** A row as a StoredEvent, or a PostgresCorruptEventError naming its stream and positions. */
export const eventFromRow = (row: EventRow): StoredEvent => {
  const [position, streamName, streamPosition, eventId, type, schemaVersion, data, recordedAt] = row
  const name = typeof streamName === 'string' && streamName !== '' ? streamName : '(unknown stream)'
  const streamPos = positiveInt(streamPosition)
  const global = typeof position === 'string' && digits.test(position) ? BigInt(position) : null
  const corrupt = (reason: string) => new PostgresCorruptEventError(name, streamPos, global, reason)
  if (name === '(unknown stream)') throw corrupt('the row has no stream name')
  if (global === null) throw corrupt(`global position ${String(position)} is not a number`)
  if (streamPos === null) throw corrupt(`stream position ${String(streamPosition)} is not a positive integer`)
  if (typeof eventId !== 'string' || eventId === '') throw corrupt('the row has no event id')
  if (typeof type !== 'string' || type === '') throw corrupt('the row has no event type')
  const version = positiveInt(schemaVersion)
  if (version === null) throw corrupt(`schema version ${String(schemaVersion)} is not a positive integer`)
  if (typeof recordedAt !== 'string' || Number.isNaN(Date.parse(recordedAt)))
    throw corrupt(`recorded-at ${String(recordedAt)} is not a timestamp`)
  if (typeof data !== 'string') throw corrupt('the row has no data')
  let parsed: unknown
  try {
    parsed = JSON.parse(data)
  } catch (error) {
    throw corrupt(`data is not valid JSON (${(error as Error).message})`)
  }
  const [
    ,
    ,
    ,
    ,
    ,
    ,
    ,
    ,
    correlationId,
    causationId,
    commandId,
    actorId,
    actorRole,
    prevHash,
    hash,
    committed,
    traceparent,
  ] = row
  if ((actorId === null) !== (actorRole === null))
    throw corrupt('the actor has an id without a role or a role without an id')
  if (typeof prevHash !== 'string' || typeof hash !== 'string' || hash === '')
    throw corrupt('the row has no hash chain fields')
  if (typeof committed !== 'string' || !integerText.test(committed) || Math.abs(Number(committed)) > 8.64e15)
    throw corrupt(`commit time ${String(committed)} is not a time in milliseconds`)
  return {
    eventId,
    streamName: name,
    streamPosition: streamPos,
    globalPosition: global,
    committedAt: isoOfMs(committed),
    recordedAt,
    type,
    schemaVersion: version,
    data: parsed,
    correlationId: correlationId ?? null,
    causationId: causationId ?? null,
    commandId: commandId ?? null,
    actor:
      actorId === null || actorId === undefined || actorRole === null || actorRole === undefined
        ? null
        : { id: actorId, role: actorRole },
    traceparent: traceparent ?? null,
    prevHash,
    hash,
  }
}
