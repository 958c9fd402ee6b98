import { createHash } from 'node:crypto'
import type { ChainedEvent, PendingEvent } from './event-log.js'

/** JSON with object keys sorted at every level: the form that is hashed. */
export const canonicalJson = (value: unknown): string => {
  if (value === null || typeof value !== 'object') {
    const s = JSON.stringify(value)
    if (s === undefined) throw new TypeError(`cannot hash ${typeof value}`)
    return s
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  const entries = Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
}

/**
 * SHA-256 over the previous hash and the canonical stored form of the event. The global
 * position is left out, so a log exported and imported into another store still verifies.
 */
export const eventHash = (prevHash: string, e: Omit<ChainedEvent, 'prevHash' | 'hash'>): string =>
  createHash('sha256')
    .update(prevHash)
    .update('\n')
    .update(
      canonicalJson({
        eventId: e.eventId,
        streamName: e.streamName,
        streamPosition: e.streamPosition,
        type: e.type,
        schemaVersion: e.schemaVersion,
        data: e.data,
        recordedAt: e.recordedAt,
        correlationId: e.correlationId,
        causationId: e.causationId,
        commandId: e.commandId,
        actor: e.actor,
      }),
    )
    .digest('hex')

/** Place pending events after `version` in a stream whose last hash is `prevHash`. */
export const chainEvents = (
  streamName: string,
  version: number,
  prevHash: string,
  events: ReadonlyArray<PendingEvent>,
): ReadonlyArray<ChainedEvent> => {
  let previous = prevHash
  return events.map((e, i) => {
    const placed = { ...e, streamName, streamPosition: version + i + 1 }
    const hash = eventHash(previous, placed)
    const chained = { ...placed, prevHash: previous, hash }
    previous = hash
    return chained
  })
}
