import type { StoredEvent } from '@dealer-crm/eventsourcing'
import { PostgresCorruptEventError } from './errors.js'

/** The event columns, in the order every read selects them (rows arrive as arrays of raw text). */
export const eventColumns =
  'position, stream_name, stream_position, event_id, type, schema_version, data, recorded_at, ' +
  'correlation_id, causation_id, command_id, actor_id, actor_role, prev_hash, hash'

export type EventRow = Array<string | null>

const digits = /^[0-9]+$/

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
  const [, , , , , , , , correlationId, causationId, commandId, actorId, actorRole, prevHash, hash] = row
  if ((actorId === null) !== (actorRole === null))
    throw corrupt('the actor has an id without a role or a role without an id')
  if (typeof prevHash !== 'string' || typeof hash !== 'string' || hash === '')
    throw corrupt('the row has no hash chain fields')
  return {
    eventId,
    streamName: name,
    streamPosition: streamPos,
    globalPosition: global,
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
    prevHash,
    hash,
  }
}
