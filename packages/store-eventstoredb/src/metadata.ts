import { type Actor, type ChainedEvent, CorruptEventError, type StoredEvent } from '@dealer-crm/eventsourcing'
import type { JSONType, Position, RecordedEvent } from '@eventstore/db-client'

/**
 * Our envelope in the event's metadata JSON. `$correlationId` and `$causationId` are the
 * names the server's own projections read; the rest is ours.
 */
export interface StoredMetadata {
  readonly $correlationId?: string
  readonly $causationId?: string
  readonly streamPosition: number
  readonly recordedAt: string
  readonly schemaVersion: number
  readonly commandId: string | null
  readonly actor: Actor | null
  readonly prevHash: string
  readonly hash: string
  /** The W3C trace context of the command that wrote the event; absent when there was none (and before it existed). */
  readonly traceparent?: string
  /** Present when the data itself is a JSON string (so a non-JSON payload cannot pass for one). */
  readonly stringData?: true
}

export const isJsonData = (value: unknown): value is JSONType =>
  typeof value === 'string' || (typeof value === 'object' && value !== null)

export const metadataOf = (e: ChainedEvent): StoredMetadata => ({
  ...(e.correlationId === null ? {} : { $correlationId: e.correlationId }),
  ...(e.causationId === null ? {} : { $causationId: e.causationId }),
  streamPosition: e.streamPosition,
  recordedAt: e.recordedAt,
  schemaVersion: e.schemaVersion,
  commandId: e.commandId,
  actor: e.actor,
  prevHash: e.prevHash,
  hash: e.hash,
  ...(e.traceparent === null ? {} : { traceparent: e.traceparent }),
  ...(typeof e.data === 'string' ? { stringData: true as const } : {}),
})

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array)

const optionalString = (v: unknown): v is string | undefined => v === undefined || typeof v === 'string'
const nullableString = (v: unknown): v is string | null => v === null || typeof v === 'string'
const isActor = (v: unknown): v is Actor | null =>
  v === null || (isRecord(v) && typeof v.id === 'string' && typeof v.role === 'string')

/** A system event or an event in a system stream: never one of ours, skipped by every read. */
export const isSystemEvent = (e: RecordedEvent): boolean =>
  e.type.startsWith('$') || e.streamId.startsWith('$')

/**
 * The commit time of a server event: the `created` time the server stamped it with (the leader's
 * clock when it wrote the event), as ISO-8601; null when it is missing or not a time.
 */
export const commitTimeOf = (e: RecordedEvent): string | null => {
  const created: unknown = e.created
  return created instanceof Date && !Number.isNaN(created.getTime()) ? created.toISOString() : null
}

/** Turn a server event into our stored form, or say exactly why it cannot be one. */
export const storedEventOf = (e: RecordedEvent, fallbackPosition?: Position): StoredEvent => {
  const streamPosition = Number(e.revision) + 1
  const corrupt = (reason: string) =>
    new CorruptEventError(e.streamId, streamPosition, `${reason} (revision ${e.revision})`)
  if (!e.isJson) throw corrupt(`content type is not application/json`)
  const m: unknown = e.metadata
  if (m instanceof Uint8Array) throw corrupt('metadata is not valid JSON')
  if (!isRecord(m)) throw corrupt('metadata is missing')
  if (typeof e.data === 'string' && m.stringData !== true) throw corrupt('data is not valid JSON')
  if (
    m.streamPosition !== streamPosition ||
    typeof m.recordedAt !== 'string' ||
    typeof m.schemaVersion !== 'number' ||
    !Number.isInteger(m.schemaVersion) ||
    !nullableString(m.commandId) ||
    !isActor(m.actor) ||
    typeof m.prevHash !== 'string' ||
    typeof m.hash !== 'string' ||
    !optionalString(m.$correlationId) ||
    !optionalString(m.$causationId) ||
    !optionalString(m.traceparent)
  )
    throw corrupt('metadata lacks the fields of the dealer-crm envelope or has the wrong types')
  const position = e.position ?? fallbackPosition
  if (position === undefined) throw corrupt('the server gave no commit position')
  const committedAt = commitTimeOf(e)
  if (committedAt === null) throw corrupt('the server gave no valid created time')
  return {
    eventId: e.id,
    streamName: e.streamId,
    streamPosition,
    globalPosition: position.commit,
    committedAt,
    recordedAt: m.recordedAt,
    type: e.type,
    schemaVersion: m.schemaVersion,
    data: e.data,
    correlationId: m.$correlationId ?? null,
    causationId: m.$causationId ?? null,
    commandId: m.commandId,
    actor: m.actor,
    traceparent: m.traceparent ?? null,
    prevHash: m.prevHash,
    hash: m.hash,
  }
}
