import { type Actor, eventHash, type StoredEvent } from '@dealer-crm/eventsourcing'
import { SqliteCorruptEventError } from './errors.js'

/**
 * The columns of `es_events`, in the order every SELECT of this package lists them. `category` is
 * derived from the stream name and read only to be checked: a row whose category was changed would
 * otherwise drop out of reads filtered by category, unseen.
 */
export const eventColumns =
  'position, stream_name, stream_position, event_id, type, schema_version, data, recorded_at, ' +
  'correlation_id, causation_id, command_id, actor, prev_hash, hash, committed_at, category, traceparent'

/** A row as better-sqlite3 returns it in raw (array) mode: nothing about it is trusted. */
export type EventRow = ReadonlyArray<unknown>

const text = (value: unknown): value is string => typeof value === 'string'
const optionalText = (value: unknown): value is string | null => value === null || typeof value === 'string'
const integer = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value)

/** The last actor parsed: replays meet the same clerk's JSON many times in a row. */
let lastActor: { json: string; actor: Actor } | null = null

const parseActor = (value: unknown): Actor | null | undefined => {
  if (value === null) return null
  if (!text(value)) return undefined
  if (lastActor !== null && lastActor.json === value) return lastActor.actor
  const parsed: unknown = JSON.parse(value)
  if (parsed === null) return null
  if (typeof parsed !== 'object') return undefined
  const { id, role } = parsed as { id?: unknown; role?: unknown }
  if (!text(id) || !text(role)) return undefined
  const actor: Actor = Object.freeze({ id, role })
  lastActor = { json: value, actor }
  return actor
}

/** Whether `category` is the text of the stream name before its first `-` (without slicing it). */
const categoryMatches = (category: unknown, streamName: string): boolean => {
  if (!text(category)) return false
  const dash = streamName.indexOf('-')
  return dash < 0 ? category === streamName : category.length === dash && streamName.startsWith(category)
}

/** Turn a raw row into a StoredEvent, or fail with a CorruptEventError naming the stream and position. */
export const rowToStoredEvent = (row: EventRow): StoredEvent => {
  const position = row[0]
  const streamName = row[1]
  const streamPosition = row[2]
  const eventId = row[3]
  const type = row[4]
  const schemaVersion = row[5]
  const data = row[6]
  const recordedAt = row[7]
  const correlationId = row[8]
  const causationId = row[9]
  const commandId = row[10]
  const actor = row[11]
  const prevHash = row[12]
  const hash = row[13]
  const committedAt = row[14]
  const traceparent = row[16]
  const stream = text(streamName) ? streamName : `(unreadable stream name ${String(streamName)})`
  const at = integer(streamPosition) ? streamPosition : null
  const global = integer(position) ? BigInt(position) : null
  const corrupt = (reason: string) => new SqliteCorruptEventError(stream, at, global, reason)
  if (!text(streamName)) throw corrupt('the stream name is not text')
  if (!categoryMatches(row[15], streamName))
    throw corrupt(
      `the category column ${JSON.stringify(row[15])} does not match the stream name (reads filtered by category would miss the event)`,
    )
  if (global === null || global < 1n) throw corrupt(`the global position ${String(position)} is not a number`)
  if (at === null || at < 1) throw corrupt(`the stream position ${String(streamPosition)} is not a number`)
  if (!text(eventId) || !text(type) || !text(recordedAt) || !text(prevHash) || !text(hash))
    throw corrupt('a required column (event id, type, recorded at, hashes) is missing')
  if (!text(committedAt) || committedAt === '') throw corrupt('the commit time is missing')
  if (!integer(schemaVersion) || schemaVersion < 1)
    throw corrupt(`the schema version ${String(schemaVersion)} is not a positive integer`)
  if (!optionalText(correlationId) || !optionalText(causationId) || !optionalText(commandId))
    throw corrupt('a correlation, causation or command id is not text')
  if (!optionalText(traceparent)) throw corrupt('the traceparent is not text')
  if (!text(data)) throw corrupt('the data column is not JSON text')
  let parsedData: unknown
  let parsedActor: Actor | null | undefined
  try {
    parsedData = JSON.parse(data)
  } catch (error) {
    throw corrupt(`the data is not valid JSON (${(error as Error).message})`)
  }
  try {
    parsedActor = parseActor(actor)
  } catch (error) {
    throw corrupt(`the actor is not valid JSON (${(error as Error).message})`)
  }
  if (parsedActor === undefined) throw corrupt('the actor is not an object with text id and role')
  return {
    eventId,
    streamName,
    streamPosition: at,
    globalPosition: global,
    committedAt,
    recordedAt,
    type,
    schemaVersion,
    data: parsedData,
    correlationId,
    causationId,
    commandId,
    actor: parsedActor,
    traceparent,
    prevHash,
    hash,
  }
}

/** As rowToStoredEvent, and the stored hash must be the hash of the row's content. */
export const verifiedEvent = (row: EventRow): StoredEvent => {
  const event = rowToStoredEvent(row)
  if (eventHash(event.prevHash, event) !== event.hash)
    throw new SqliteCorruptEventError(
      event.streamName,
      event.streamPosition,
      event.globalPosition,
      'the stored hash does not match the event (altered after it was written)',
    )
  return event
}
